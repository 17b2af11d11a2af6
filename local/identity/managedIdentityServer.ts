// Managed identity stand-in with the App Service contract: IDENTITY_ENDPOINT + IDENTITY_HEADER, answered by
// GET <endpoint>?api-version=2019-08-01&resource=<resource> with the X-IDENTITY-HEADER header. The app has a
// system-assigned identity and, optionally, user-assigned ones; a request naming an identity the app does not have
// (client_id, mi_res_id, principal_id / object_id) is refused with 400, as App Service does.

import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { nowSeconds, sendJson, startHttpsServer, type RunningServer, type TlsMaterial } from './httpsServer';
import { signJwt, type SigningKey } from './signingKeys';

/** A user-assigned identity attached to the app. */
export interface UserAssignedIdentity {
  clientId: string;
  principalId: string;
  /** Its Azure resource id (…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>). */
  resourceId: string;
}

export interface ManagedIdentityControls {
  /** Token requests answered with a token, by resource. */
  tokenRequests(resource?: string): number;
  /** Requests refused (wrong X-IDENTITY-HEADER, bad query, an identity the app does not have, injected failures). */
  refusedRequests(): number;
  /** The next `count` token requests answer `status` (500 by default), as a failing identity endpoint would. */
  failNextRequests(count: number, status?: number): void;
}

export interface ManagedIdentityStandIn extends RunningServer {
  /** IDENTITY_ENDPOINT */
  endpoint: string;
  /** IDENTITY_HEADER */
  header: string;
  /** Client id of the system-assigned identity (appid of its tokens). */
  clientId: string;
  /** Object (principal) id of that identity (oid of its tokens): what Azure RBAC role assignments name. */
  principalId: string;
  controls: ManagedIdentityControls;
}

export interface ManagedIdentityStandInOptions {
  tls: TlsMaterial;
  tenantId: string;
  signingKey: SigningKey;
  /** Issuer written into the tokens (the Entra ID stand-in's). */
  issuer: string;
  tokenLifetimeSeconds?: number;
  /** IDENTITY_HEADER value; random by default. */
  header?: string;
  /** User-assigned identities attached to the app, besides its system-assigned one. */
  userAssigned?: UserAssignedIdentity[];
  port?: number;
}

const PATH = '/msi/token';
// The only version App Service's endpoint takes with IDENTITY_HEADER; msal-node sends it (APP_SERVICE_MSI_API_VERSION).
const API_VERSION = '2019-08-01';
const SITE_RESOURCE_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/local/providers/Microsoft.Web/sites/pc-order-workflow';

interface Identity {
  clientId: string;
  principalId: string;
  resourceId: string;
}

export async function startManagedIdentityStandIn(options: ManagedIdentityStandInOptions): Promise<ManagedIdentityStandIn> {
  const header = options.header ?? randomUUID();
  const clientId = randomUUID();
  const objectId = randomUUID();
  const lifetime = options.tokenLifetimeSeconds ?? 86_399;
  const issued = new Map<string, number>();
  let refused = 0;
  const failures = { remaining: 0, status: 500 };
  const systemAssigned: Identity = { clientId, principalId: objectId, resourceId: SITE_RESOURCE_ID };
  const userAssigned = options.userAssigned ?? [];

  /** The identity a request names, `undefined` for none (system-assigned), or `null` when the app has no such identity. */
  function requestedIdentity(query: URLSearchParams): Identity | undefined | null {
    const clientIdParam = query.get('client_id');
    const resourceIdParam = query.get('mi_res_id');
    const principalIdParam = query.get('principal_id') ?? query.get('object_id');
    if (clientIdParam === null && resourceIdParam === null && principalIdParam === null) return undefined;
    const found = userAssigned.find(
      (u) =>
        (clientIdParam === null || u.clientId.toLowerCase() === clientIdParam.toLowerCase()) &&
        (resourceIdParam === null || u.resourceId.toLowerCase() === resourceIdParam.toLowerCase()) &&
        (principalIdParam === null || u.principalId.toLowerCase() === principalIdParam.toLowerCase()),
    );
    return found ?? null;
  }

  const refuse = (res: ServerResponse, status: number, message: string) => {
    refused++;
    sendJson(res, status, { statusCode: status, message, correlationId: randomUUID() });
  };

  const server = await startHttpsServer(
    options.tls,
    (req, res, url) => {
      if (req.method !== 'GET' || url.pathname !== PATH) {
        return sendJson(res, 404, { statusCode: 404, message: `The managed identity stand-in has no ${req.method} ${url.pathname}` });
      }
      if (req.headers['x-identity-header'] !== header) {
        return refuse(res, 401, 'X-IDENTITY-HEADER is missing or does not match IDENTITY_HEADER.');
      }
      const apiVersion = url.searchParams.get('api-version');
      if (apiVersion !== API_VERSION) {
        return refuse(res, 400, apiVersion ? `The api-version ${apiVersion} is not supported; use ${API_VERSION}.` : `The query parameter api-version is required (${API_VERSION}).`);
      }
      const resource = url.searchParams.get('resource');
      if (!resource) {
        return refuse(res, 400, 'The query parameter resource is required.');
      }
      if (failures.remaining > 0) {
        failures.remaining--;
        return refuse(res, failures.status, `Injected failure from the managed identity stand-in (HTTP ${failures.status}).`);
      }
      const requested = requestedIdentity(url.searchParams);
      if (requested === null) {
        return refuse(res, 400, 'No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId.');
      }
      const identity = requested ?? systemAssigned;
      const iat = nowSeconds();
      const exp = iat + lifetime;
      const token = signJwt(options.signingKey, {
        aud: resource,
        iss: options.issuer,
        iat,
        nbf: iat,
        exp,
        appid: identity.clientId,
        appidacr: '2',
        idtyp: 'app',
        oid: identity.principalId,
        sub: identity.principalId,
        tid: options.tenantId,
        ver: '1.0',
        xms_mirid: identity.resourceId,
      });
      issued.set(resource, (issued.get(resource) ?? 0) + 1);
      sendJson(res, 200, { access_token: token, expires_on: String(exp), resource, token_type: 'Bearer', client_id: identity.clientId });
    },
    options.port,
  );

  return {
    ...server,
    endpoint: `${server.url}${PATH}`,
    header,
    clientId,
    principalId: objectId,
    controls: {
      tokenRequests: (resource) => (resource ? (issued.get(resource) ?? 0) : [...issued.values()].reduce((a, b) => a + b, 0)),
      refusedRequests: () => refused,
      failNextRequests: (count, status = 500) => {
        failures.remaining = count;
        failures.status = status;
      },
    },
  };
}
