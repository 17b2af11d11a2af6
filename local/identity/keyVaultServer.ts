// Key Vault secrets stand-in: challenge-based bearer auth (401 + WWW-Authenticate, as SecretClient expects), get the
// latest or a given version, set a secret (new version), enable or disable a version (a disabled one is refused with
// 403 SecretDisabled, as Key Vault does), Azure RBAC (a caller without a role on the vault or on that secret gets 403
// ForbiddenByRbac before any lookup, so even for a secret that does not exist), and controls to rotate a secret and
// count reads.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodePathSegment, nowSeconds, readBody, sendJson, startHttpsServer, type RunningServer, type TlsMaterial } from './httpsServer';
import { verifyJwt, type PublicJwk } from './signingKeys';

export const KEY_VAULT_RESOURCE = 'https://vault.azure.net';
/**
 * Data-plane API versions the vault recognises, oldest first: the GA versions @azure/keyvault-secrets 4.11 lists
 * (serviceVersion 7.0-7.6) and the one it pins (LATEST_API_VERSION 2025-07-01). Others get 400 BadParameter.
 */
export const KEY_VAULT_API_VERSIONS: readonly string[] = ['2016-10-01', '7.0', '7.1', '7.2', '7.3', '7.4', '7.5', '7.6', '2025-07-01'];

interface SecretVersion {
  version: string;
  value: string;
  contentType?: string;
  enabled: boolean;
  created: number;
  updated: number;
}

/** A seeded secret: its value, and whether its (only) version is enabled (default true). */
export interface SeedSecret {
  value: string;
  enabled?: boolean;
}

/** The built-in Key Vault data-plane roles the app's Bicep assigns (infra/roles.json). */
export type KeyVaultSecretsRole = 'Key Vault Secrets User' | 'Key Vault Secrets Officer';

/**
 * An Azure RBAC role assignment on the vault (`secretName` left out) or on one secret, as infra/app/rbac/keyvault.bicep
 * scopes it. `principalId` is the caller's object id: the `oid` claim of the tokens the identity stand-ins issue.
 */
export interface KeyVaultRoleAssignment {
  principalId: string;
  role: KeyVaultSecretsRole;
  secretName?: string;
}

export interface KeyVaultControls {
  /** Adds a new version (rotation), enabled unless told otherwise; returns its version id. */
  setSecret(name: string, value: string, options?: { enabled?: boolean }): string;
  /** Enables or disables one version (throws for an unknown name or version). */
  setEnabled(name: string, version: string, enabled: boolean): void;
  /** Successful secret reads (GET 200) for a name, or in total. */
  reads(name?: string): number;
  /** 401 challenges sent to requests without a bearer token. */
  challenges(): number;
  /** Requests whose bearer token was refused. */
  rejectedTokens(): number;
  /** Adds a role assignment (takes effect at once; Azure can take minutes). */
  assignRole(assignment: KeyVaultRoleAssignment): void;
  /** Removes every role assignment of a principal. */
  removeRoles(principalId: string): void;
  /** Requests refused with 403 ForbiddenByRbac. */
  forbiddenRequests(): number;
  /** The next `count` requests answer `status` (503 by default), as a throttled or failing vault would. */
  failNextRequests(count: number, status?: number): void;
  versions(name: string): string[];
}

export interface KeyVaultStandIn extends RunningServer {
  /** Vault URL for KEY_VAULT_URL / SecretClient. */
  vaultUrl: string;
  controls: KeyVaultControls;
}

export interface KeyVaultStandInOptions {
  tls: TlsMaterial;
  tenantId: string;
  /** The Entra ID stand-in's origin: named in the challenge's `authorization` parameter. */
  authorityHost: string;
  /** Keys that sign acceptable bearer tokens (those of the identity stand-ins). */
  trustedKeys: () => readonly PublicJwk[];
  /** Initial secrets by name: a value (one enabled version) or a value with `enabled`. */
  secrets?: Record<string, string | SeedSecret>;
  /**
   * Azure RBAC role assignments. Left out, every caller with a valid token is Key Vault Secrets Officer on the whole
   * vault (a convenience for tests of other things); given (even empty), only these assignments grant access.
   */
  roleAssignments?: KeyVaultRoleAssignment[];
  port?: number;
}

type SecretAction = 'getSecret/action' | 'setSecret/action' | 'update/action';
const ROLE_ACTIONS: Record<KeyVaultSecretsRole, readonly SecretAction[]> = {
  // Built-in role definitions: Secrets User reads secret values; Secrets Officer may do every secrets/* data action.
  'Key Vault Secrets User': ['getSecret/action'],
  'Key Vault Secrets Officer': ['getSecret/action', 'setSecret/action', 'update/action'],
};
// The vault's Azure resource id as Key Vault quotes it in a ForbiddenByRbac message (lower-case provider path).
const VAULT_RESOURCE_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/local/providers/microsoft.keyvault/vaults/local-stand-in';

const newVersion = () => randomBytes(16).toString('hex');

/** An injected failure's body, with the code Key Vault uses for that status (it answers its own error shape). */
function injectedFailure(status: number): { error: { code: string; message: string } } {
  const codes: Record<number, string> = {
    400: 'BadParameter',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    409: 'Conflict',
    429: 'Throttled',
    500: 'InternalServerError',
    502: 'BadGateway',
    503: 'ServiceUnavailable',
    504: 'GatewayTimeout',
  };
  const message =
    status === 429
      ? 'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached'
      : `Injected failure from the Key Vault stand-in (HTTP ${status}).`;
  return { error: { code: codes[status] ?? `HTTP${status}`, message } };
}

export async function startKeyVaultStandIn(options: KeyVaultStandInOptions): Promise<KeyVaultStandIn> {
  const store = new Map<string, SecretVersion[]>();
  const readCounts = new Map<string, number>();
  const counters = { challenges: 0, rejected: 0, forbidden: 0 };
  const assignments: KeyVaultRoleAssignment[] | undefined = options.roleAssignments ? [...options.roleAssignments] : undefined;
  const failures = { remaining: 0, status: 503 };
  let origin = '';

  function addVersion(name: string, value: string, contentType?: string, enabled = true): SecretVersion {
    const created = nowSeconds();
    const entry: SecretVersion = { version: newVersion(), value, contentType, enabled, created, updated: created };
    store.set(name, [...(store.get(name) ?? []), entry]);
    return entry;
  }
  for (const [name, seed] of Object.entries(options.secrets ?? {})) {
    if (typeof seed === 'string') addVersion(name, seed);
    else addVersion(name, seed.value, undefined, seed.enabled ?? true);
  }

  const bundle = (name: string, s: SecretVersion) => ({
    value: s.value,
    ...(s.contentType ? { contentType: s.contentType } : {}),
    id: `${origin}/secrets/${name}/${s.version}`,
    attributes: { enabled: s.enabled, created: s.created, updated: s.updated, recoverableDays: 90, recoveryLevel: 'Recoverable+Purgeable' },
    tags: {},
  });

  function challenge(res: ServerResponse, message: string): void {
    const authenticate = `Bearer authorization="${options.authorityHost}/${options.tenantId}", resource="${KEY_VAULT_RESOURCE}"`;
    sendJson(res, 401, { error: { code: 'Unauthorized', message } }, { 'WWW-Authenticate': authenticate });
  }

  /** The token's claims when the request carries a token the vault accepts; otherwise it has already been answered. */
  async function authenticate(req: IncomingMessage, res: ServerResponse): Promise<Record<string, unknown> | undefined> {
    const header = req.headers.authorization;
    if (!header) {
      counters.challenges++;
      challenge(res, 'AKV10000: Request is missing a Bearer or PoP token.');
      return undefined;
    }
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    const check = await verifyJwt(token, options.trustedKeys(), { audience: KEY_VAULT_RESOURCE, nowSeconds: nowSeconds() });
    if (!check.ok) {
      counters.rejected++;
      challenge(res, `AKV10022: Invalid token: ${check.reason}.`);
      return undefined;
    }
    return check.claims;
  }

  /**
   * Azure RBAC: may the token's principal perform `action` on the secret? Evaluated before the secret is looked up, so
   * a caller whose role is scoped to another secret learns nothing about this name (403 either way).
   */
  function permitted(claims: Record<string, unknown>, action: SecretAction, name: string): boolean {
    if (!assignments) return true;
    return assignments.some(
      (a) => a.principalId === claims.oid && (a.secretName === undefined || a.secretName === name) && ROLE_ACTIONS[a.role].includes(action),
    );
  }

  function forbiddenByRbac(res: ServerResponse, claims: Record<string, unknown>, action: SecretAction, name: string): void {
    counters.forbidden++;
    // Key Vault's wording, CRLF-separated; the caller line names the token's appid, oid and issuer.
    const message = [
      'Caller is not authorized to perform action on resource.',
      'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.',
      `Caller: appid=${String(claims.appid ?? claims.azp ?? '')};oid=${String(claims.oid ?? '')};iss=${String(claims.iss ?? '')}`,
      `Action: 'Microsoft.KeyVault/vaults/secrets/${action}'`,
      `Resource: '${VAULT_RESOURCE_ID}/secrets/${name.toLowerCase()}'`,
      'Assignment: (not found)',
      'DenyAssignmentId: null',
      "DecisionReason: 'DeniedWithNoValidRBAC' ",
      'Vault: local-stand-in;location=local',
      '',
    ].join('\r\n');
    sendJson(res, 403, { error: { code: 'Forbidden', message, innererror: { code: 'ForbiddenByRbac' } } });
  }

  const notFound = (res: ServerResponse, name: string, version?: string) =>
    sendJson(res, 404, {
      error: {
        code: 'SecretNotFound',
        message: `A secret with (name/id) ${version ? `${name}/${version}` : name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
      },
    });

  // Key Vault refuses to return the value of a disabled version, the latest included (Azure/azure-sdk-for-js#24756).
  const disabled = (res: ServerResponse) =>
    sendJson(res, 403, { error: { code: 'Forbidden', message: 'Operation get is not allowed on a disabled secret.', innererror: { code: 'SecretDisabled' } } });

  /** `attributes.enabled` of a PUT or PATCH body: undefined when absent, an error text when not a boolean. */
  function enabledOf(parsed: { attributes?: unknown }): boolean | undefined | string {
    if (parsed.attributes === undefined) return undefined;
    const enabled = (parsed.attributes as { enabled?: unknown } | null)?.enabled;
    if (enabled === undefined) return undefined;
    return typeof enabled === 'boolean' ? enabled : 'Property "attributes.enabled" must be a boolean.';
  }

  function parseJson(body: string): Record<string, unknown> | undefined {
    try {
      const parsed: unknown = JSON.parse(body);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  const server = await startHttpsServer(
    options.tls,
    async (req, res, url) => {
      const segments = url.pathname.split('/').filter(Boolean).map(decodePathSegment);
      if (segments[0] !== 'secrets' || segments.length < 2 || segments.length > 3) {
        return sendJson(res, 404, { error: { code: 'NotFound', message: `The Key Vault stand-in has no ${req.method} ${url.pathname}` } });
      }
      // The first request of the challenge flow carries no body; read it anyway so the socket stays usable.
      const body = await readBody(req);
      const apiVersion = url.searchParams.get('api-version');
      if (!apiVersion) {
        return sendJson(res, 400, { error: { code: 'BadParameter', message: 'The api-version query parameter is required.' } });
      }
      if (!KEY_VAULT_API_VERSIONS.includes(apiVersion)) {
        const latest = KEY_VAULT_API_VERSIONS.at(-1)!;
        return sendJson(res, 400, {
          error: { code: 'BadParameter', message: `The specified version (${apiVersion}) is not recognized. Consider using the latest supported version (${latest}).` },
        });
      }
      const claims = await authenticate(req, res);
      if (!claims) return;
      if (failures.remaining > 0) {
        failures.remaining--;
        return sendJson(res, failures.status, injectedFailure(failures.status));
      }
      const name = segments[1]!;
      const version = segments[2];
      const action: SecretAction | undefined =
        req.method === 'GET' ? 'getSecret/action' : req.method === 'PUT' ? 'setSecret/action' : req.method === 'PATCH' ? 'update/action' : undefined;
      if (action && !permitted(claims, action, name)) return forbiddenByRbac(res, claims, action, name);
      if (req.method === 'GET') {
        const versions = store.get(name) ?? [];
        const found = version ? versions.find((v) => v.version === version) : versions.at(-1);
        if (!found) return notFound(res, name, version);
        if (!found.enabled) return disabled(res);
        readCounts.set(name, (readCounts.get(name) ?? 0) + 1);
        return sendJson(res, 200, bundle(name, found));
      }
      if ((req.method === 'PUT' && !version) || (req.method === 'PATCH' && version)) {
        const parsed = parseJson(body);
        if (!parsed) return sendJson(res, 400, { error: { code: 'BadParameter', message: 'The request body must be a JSON object.' } });
        const enabled = enabledOf(parsed);
        if (typeof enabled === 'string') return sendJson(res, 400, { error: { code: 'BadParameter', message: enabled } });
        if (req.method === 'PATCH') {
          // Update secret properties (SecretClient.updateSecretProperties): here only `enabled` changes.
          const found = (store.get(name) ?? []).find((v) => v.version === version);
          if (!found) return notFound(res, name, version);
          if (enabled !== undefined) {
            found.enabled = enabled;
            found.updated = nowSeconds();
          }
          const { value: _value, ...withoutValue } = bundle(name, found);
          return sendJson(res, 200, withoutValue);
        }
        if (typeof parsed.value !== 'string') {
          return sendJson(res, 400, { error: { code: 'BadParameter', message: 'Property "value" is required and must be a string.' } });
        }
        const contentType = typeof parsed.contentType === 'string' ? parsed.contentType : undefined;
        return sendJson(res, 200, bundle(name, addVersion(name, parsed.value, contentType, enabled ?? true)));
      }
      sendJson(res, 405, { error: { code: 'MethodNotAllowed', message: `${req.method} is not supported on ${url.pathname}` } });
    },
    options.port,
  );
  origin = server.url;

  return {
    ...server,
    vaultUrl: origin,
    controls: {
      setSecret: (name, value, secretOptions) => addVersion(name, value, undefined, secretOptions?.enabled ?? true).version,
      setEnabled: (name, version, enabled) => {
        const found = (store.get(name) ?? []).find((v) => v.version === version);
        if (!found) throw new Error(`The Key Vault stand-in has no secret ${name} version ${version}`);
        found.enabled = enabled;
        found.updated = nowSeconds();
      },
      reads: (name) => (name ? (readCounts.get(name) ?? 0) : [...readCounts.values()].reduce((a, b) => a + b, 0)),
      challenges: () => counters.challenges,
      rejectedTokens: () => counters.rejected,
      assignRole: (assignment) => {
        if (!assignments) throw new Error('The Key Vault stand-in was started without roleAssignments: every caller may already do everything.');
        assignments.push({ ...assignment });
      },
      removeRoles: (principalId) => {
        if (!assignments) throw new Error('The Key Vault stand-in was started without roleAssignments.');
        for (let i = assignments.length - 1; i >= 0; i--) if (assignments[i]!.principalId === principalId) assignments.splice(i, 1);
      },
      forbiddenRequests: () => counters.forbidden,
      failNextRequests: (count, status = 503) => {
        failures.remaining = count;
        failures.status = status;
      },
      versions: (name) => (store.get(name) ?? []).map((v) => v.version),
    },
  };
}
