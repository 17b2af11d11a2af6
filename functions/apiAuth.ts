// Who may call the HTTP API (API_AUTH). `functionKeys`: the Functions host checks a function key (authLevel function),
// as always. `entraId`: App Service authentication ("Easy Auth") in front of the app validates the caller's Entra ID
// token and refuses requests without one (Return401); the host then runs the functions anonymously and each function
// checks, here, that the authenticated principal holds the app role its operation needs.
//
// The principal arrives in the X-MS-CLIENT-PRINCIPAL header: Base64 JSON { auth_typ, claims: [{ typ, val }], name_typ,
// role_typ }. App Service removes that header from what callers send, so only App Service can set it
// (learn.microsoft.com/azure/app-service/configure-authentication-user-identities). App roles of an Entra ID token
// arrive as claims typed `roles`, not as `role_typ` (Azure/azure-functions-host#3898), so both are accepted.

import type { HttpHandler, HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import type { ApiAuthMode } from '../shared/config';
import { json } from './httpResponses';

export const API_ROLES = {
  /** POST /orders, POST /orders/{id}/purchase-order. */
  submit: 'Orders.Submit',
  /** GET /orders, /orders/{id}, /orders-page, /contracts/{name}, /health. */
  read: 'Orders.Read',
  /** DELETE /orders/{id}. */
  cancel: 'Orders.Cancel',
} as const;

export type ApiRole = (typeof API_ROLES)[keyof typeof API_ROLES];

export const CLIENT_PRINCIPAL_HEADER = 'x-ms-client-principal';

export interface ClientPrincipal {
  authType: string;
  roles: string[];
  /** The caller's object id, for logs (never a token). */
  objectId?: string;
}

const ROLES_CLAIM = 'roles';
const OBJECT_ID_CLAIMS = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'];

/** The principal App Service passed on, or why there is none usable. Never throws on a malformed header. */
export function readClientPrincipal(header: string | null | undefined): { ok: true; principal: ClientPrincipal } | { ok: false; reason: string } {
  if (!header) return { ok: false, reason: 'no authenticated principal' };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    return { ok: false, reason: 'the client principal is not Base64 JSON' };
  }
  if (typeof decoded !== 'object' || decoded === null || !Array.isArray((decoded as { claims?: unknown }).claims)) {
    return { ok: false, reason: 'the client principal has no claims' };
  }
  const { auth_typ: authType, role_typ: roleType, claims } = decoded as { auth_typ?: unknown; role_typ?: unknown; claims: unknown[] };
  const valid = claims.filter((c): c is { typ: string; val: string } => typeof c === 'object' && c !== null && typeof (c as { typ?: unknown }).typ === 'string' && typeof (c as { val?: unknown }).val === 'string');
  const roles = valid.filter((c) => c.typ === ROLES_CLAIM || (typeof roleType === 'string' && c.typ === roleType)).map((c) => c.val);
  const objectId = valid.find((c) => OBJECT_ID_CLAIMS.includes(c.typ))?.val;
  return { ok: true, principal: { authType: typeof authType === 'string' ? authType : '', roles: [...new Set(roles)], ...(objectId ? { objectId } : {}) } };
}

/** The refusal for a request whose principal lacks `role`, or undefined when it may proceed. */
export function checkApiRole(request: Pick<HttpRequest, 'headers'>, role: ApiRole): HttpResponse | undefined {
  const read = readClientPrincipal(request.headers.get(CLIENT_PRINCIPAL_HEADER));
  if (!read.ok) {
    return json(
      401,
      { error: `this API requires a Microsoft Entra ID access token for it (Authorization: Bearer); ${read.reason} reached the app` },
      { 'WWW-Authenticate': 'Bearer' },
    );
  }
  if (read.principal.roles.includes(role)) return undefined;
  return json(403, { error: `the caller does not hold the app role ${role}, which this operation requires; ask for it to be assigned to the caller's identity` });
}

/**
 * What a function registration gets for its `authLevel` and `handler`: with function keys, exactly what it had
 * (authLevel function, the handler as it is); with Entra ID, anonymous for the host and the role checked first.
 */
export function protectHttp(mode: ApiAuthMode, role: ApiRole, handler: HttpHandler): { authLevel: 'function' | 'anonymous'; handler: HttpHandler } {
  if (mode === 'functionKeys') return { authLevel: 'function', handler };
  return {
    authLevel: 'anonymous',
    handler: async (request: HttpRequest, context: InvocationContext) => {
      const refused = checkApiRole(request, role);
      if (refused) {
        context.warn(`${request.method} ${new URL(request.url).pathname}: refused with ${refused.status} (role ${role})`);
        return refused;
      }
      return handler(request, context);
    },
  };
}
