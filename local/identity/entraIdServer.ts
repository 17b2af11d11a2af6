// Entra ID stand-in: OpenID configuration, JWKS and the client-credentials token endpoint (v2 with `scope`, v1 with
// `resource`). Tokens are RS256 JWTs shaped like app-only access tokens (aud, iss, tid, appid, iat, nbf, exp).

import { createHash, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { entraErrors, type EntraError } from './entraErrors';
import { nowSeconds, readBody, sendJson, startHttpsServer, type RunningServer, type TlsMaterial } from './httpsServer';
import { signJwt, type PublicJwk, type SigningKey } from './signingKeys';

export interface EntraClientRegistration {
  clientId: string;
  /** Every secret currently valid for the app registration; rotating = adding the new one, revoking = removing the old. */
  secrets: string[];
}

/**
 * App roles of a resource (an API's app registration) assigned to a client's service principal. Entra ID puts them in
 * the `roles` claim of app-only tokens for that resource, and leaves the claim out when none is assigned
 * (learn.microsoft.com/entra/identity-platform/howto-add-app-roles-in-apps, access-token-claims-reference).
 */
export interface AppRoleAssignment {
  clientId: string;
  /** The resource as the token request names it (App ID URI or application id), which becomes `aud`. */
  resource: string;
  roles: string[];
}

/** Changes applied to the next issued token, to model tokens the resource refuses (expired, wrong audience or tenant). */
export interface TokenOverride {
  audience?: string;
  tenantId?: string;
  /** Lifetime written into the `exp` claim; negative gives a token that has already expired. `expires_in` stays normal. */
  expiresInSeconds?: number;
}

export interface TokenRequestRecord {
  clientId: string;
  /** `issued`, or the OAuth error code of the refusal. */
  outcome: string;
  /** The client-request-id MSAL sends, to tie a request to SDK logs. */
  clientRequestId?: string;
}

export interface TokenRequestCounts {
  issued: number;
  rejected: number;
  total: number;
}

export interface EntraIdControls {
  registerClient(registration: EntraClientRegistration): void;
  /** Replaces the roles `clientId` holds on `resource` (an empty list removes them). */
  assignAppRoles(assignment: AppRoleAssignment): void;
  setClientSecrets(clientId: string, secrets: string[]): void;
  overrideNextTokens(...overrides: TokenOverride[]): void;
  /** The next `count` token requests answer `status` (temporarily_unavailable). */
  failNextTokenRequests(count: number, status?: number): void;
  tokenRequests(clientId?: string): TokenRequestCounts;
  requestLog(): TokenRequestRecord[];
}

export interface EntraIdStandIn extends RunningServer {
  tenantId: string;
  /** Value for AZURE_AUTHORITY_HOST / `authorityHost` (the server's origin). */
  authorityHost: string;
  jwksUri: string;
  jwks(): { keys: PublicJwk[] };
  controls: EntraIdControls;
}

export interface EntraIdStandInOptions {
  tls: TlsMaterial;
  tenantId: string;
  signingKey: SigningKey;
  clients?: EntraClientRegistration[];
  appRoles?: AppRoleAssignment[];
  tokenLifetimeSeconds?: number;
  port?: number;
}

const DEFAULT_SUFFIX = '/.default';

/** Stable object id for an app, so repeated tokens for one client carry the same `oid`/`sub`. */
function objectIdFor(clientId: string): string {
  const hex = createHash('sha256').update(`oid:${clientId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export async function startEntraIdStandIn(options: EntraIdStandInOptions): Promise<EntraIdStandIn> {
  const tenantId = options.tenantId.toLowerCase();
  const lifetime = options.tokenLifetimeSeconds ?? 3599;
  const clients = new Map<string, string[]>();
  for (const c of options.clients ?? []) clients.set(c.clientId.toLowerCase(), [...c.secrets]);
  const overrides: TokenOverride[] = [];
  const appRoles = new Map<string, string[]>();
  const roleKey = (clientId: string, resource: string) => `${clientId.toLowerCase()} ${resource}`;
  const assignAppRoles = (a: AppRoleAssignment) => void appRoles.set(roleKey(a.clientId, a.resource), [...a.roles]);
  for (const a of options.appRoles ?? []) assignAppRoles(a);
  const failures = { remaining: 0, status: 503 };
  const log: TokenRequestRecord[] = [];
  let origin = '';

  const issuer = () => `${origin}/${tenantId}/v2.0`;
  const jwks = () => ({ keys: [options.signingKey.publicJwk] });

  function openIdConfiguration() {
    const base = `${origin}/${tenantId}`;
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${origin}/${tenantId}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      // MSAL requires the issuer to share scheme, host and port with the authority.
      issuer: issuer(),
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
    };
  }

  function refuse(res: ServerResponse, clientId: string, clientRequestId: string | undefined, err: EntraError): void {
    log.push({ clientId, outcome: err.body.error, clientRequestId });
    sendJson(res, err.status, err.body, { 'Cache-Control': 'no-store, no-cache' });
  }

  function issueToken(clientId: string, resource: string): { accessToken: string } {
    const override = overrides.shift() ?? {};
    const iat = nowSeconds();
    const oid = objectIdFor(clientId);
    const roles = appRoles.get(roleKey(clientId, resource)) ?? [];
    const claims = {
      aud: override.audience ?? resource,
      iss: issuer(),
      iat,
      nbf: iat,
      exp: iat + (override.expiresInSeconds ?? lifetime),
      appid: clientId,
      azp: clientId,
      appidacr: '1',
      idp: issuer(),
      idtyp: 'app',
      oid,
      sub: oid,
      tid: override.tenantId ?? tenantId,
      uti: randomUUID().replace(/-/g, ''),
      ver: '1.0',
      ...(roles.length > 0 ? { roles } : {}),
    };
    return { accessToken: signJwt(options.signingKey, claims) };
  }

  async function tokenEndpoint(res: ServerResponse, body: URLSearchParams, tenant: string, version: 'v1' | 'v2', clientRequestId?: string) {
    const clientId = (body.get('client_id') ?? '').toLowerCase();
    const correlation = clientRequestId;
    if (failures.remaining > 0) {
      failures.remaining--;
      return refuse(res, clientId, correlation, entraErrors.temporarilyUnavailable(failures.status, correlation));
    }
    if (tenant !== tenantId) return refuse(res, clientId, correlation, entraErrors.tenantNotFound(tenant, correlation));
    const grant = body.get('grant_type') ?? '';
    if (grant !== 'client_credentials') return refuse(res, clientId, correlation, entraErrors.unsupportedGrant(grant, correlation));
    if (!clientId) return refuse(res, clientId, correlation, entraErrors.missingParameter('client_id', correlation));
    let resource: string;
    if (version === 'v2') {
      const scope = body.get('scope');
      if (!scope) return refuse(res, clientId, correlation, entraErrors.missingParameter('scope', correlation));
      // MSAL adds the OIDC scopes; client credentials ignore them.
      const resourceScopes = scope.split(' ').filter((s) => !['openid', 'profile', 'offline_access'].includes(s));
      if (resourceScopes.length !== 1 || !resourceScopes[0]!.endsWith(DEFAULT_SUFFIX)) {
        return refuse(res, clientId, correlation, entraErrors.invalidScope(scope, correlation));
      }
      resource = resourceScopes[0]!.slice(0, -DEFAULT_SUFFIX.length);
    } else {
      const requested = body.get('resource');
      if (!requested) return refuse(res, clientId, correlation, entraErrors.missingParameter('resource', correlation));
      resource = requested;
    }
    const secrets = clients.get(clientId);
    if (!secrets) return refuse(res, clientId, correlation, entraErrors.unknownClient(clientId, tenant, correlation));
    const secret = body.get('client_secret');
    if (!secret) return refuse(res, clientId, correlation, entraErrors.missingParameter("client_assertion' or 'client_secret", correlation));
    if (!secrets.includes(secret)) return refuse(res, clientId, correlation, entraErrors.invalidSecret(clientId, correlation));

    const { accessToken } = issueToken(clientId, resource);
    log.push({ clientId, outcome: 'issued', clientRequestId });
    const payload =
      version === 'v2'
        ? { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken }
        : {
            token_type: 'Bearer',
            expires_in: String(lifetime),
            ext_expires_in: String(lifetime),
            expires_on: String(nowSeconds() + lifetime),
            not_before: String(nowSeconds()),
            resource,
            access_token: accessToken,
          };
    sendJson(res, 200, payload, { 'Cache-Control': 'no-store, no-cache' });
  }

  const server = await startHttpsServer(
    options.tls,
    async (req, res, url) => {
      const segments = url.pathname.split('/').filter(Boolean);
      const tenant = (segments[0] ?? '').toLowerCase();
      const rest = segments.slice(1).join('/');
      const clientRequestId = url.searchParams.get('client-request-id') ?? req.headers['client-request-id']?.toString();
      if (req.method === 'GET' && rest === 'v2.0/.well-known/openid-configuration') {
        if (tenant !== tenantId) return sendJson(res, 400, entraErrors.tenantNotFound(tenant).body);
        return sendJson(res, 200, openIdConfiguration());
      }
      if (req.method === 'GET' && (rest === 'discovery/v2.0/keys' || rest === 'discovery/keys')) return sendJson(res, 200, jwks());
      if (req.method === 'POST' && (rest === 'oauth2/v2.0/token' || rest === 'oauth2/token')) {
        const contentType = req.headers['content-type'] ?? '';
        if (!contentType.startsWith('application/x-www-form-urlencoded')) {
          return sendJson(res, 400, entraErrors.missingParameter('grant_type', clientRequestId).body);
        }
        const body = new URLSearchParams(await readBody(req));
        return tokenEndpoint(res, body, tenant, rest === 'oauth2/token' ? 'v1' : 'v2', clientRequestId);
      }
      sendJson(res, 404, { error: 'not_found', error_description: `The Entra ID stand-in has no ${req.method} ${url.pathname}` });
    },
    options.port,
  );
  origin = server.url;

  const controls: EntraIdControls = {
    registerClient: (r) => void clients.set(r.clientId.toLowerCase(), [...r.secrets]),
    assignAppRoles,
    setClientSecrets: (clientId, secrets) => {
      if (!clients.has(clientId.toLowerCase())) throw new Error(`No client ${clientId} is registered with the Entra ID stand-in`);
      clients.set(clientId.toLowerCase(), [...secrets]);
    },
    overrideNextTokens: (...next) => void overrides.push(...next),
    failNextTokenRequests: (count, status = 503) => {
      failures.remaining = count;
      failures.status = status;
    },
    tokenRequests: (clientId) => {
      const records = clientId ? log.filter((r) => r.clientId === clientId.toLowerCase()) : log;
      const issued = records.filter((r) => r.outcome === 'issued').length;
      return { issued, rejected: records.length - issued, total: records.length };
    },
    requestLog: () => log.map((r) => ({ ...r })),
  };

  return { ...server, tenantId, authorityHost: origin, jwksUri: `${origin}/${tenantId}/discovery/v2.0/keys`, jwks, controls };
}
