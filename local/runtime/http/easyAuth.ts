// App Service authentication ("Easy Auth") with the Microsoft Entra ID provider, as it sits in front of a function app
// configured with requireAuthentication and unauthenticatedClientAction Return401 (infra/app/api.bicep, API_AUTH=entraId):
// - a request without a valid bearer token never reaches the app: 401 and a Bearer challenge, no reason in the answer;
// - a valid token is checked for signature (the issuer's JWKS), issuer, audience (allowedAudiences) and lifetime;
// - the app gets the principal as X-MS-CLIENT-PRINCIPAL (+ -ID, -IDP), and any X-MS-CLIENT-PRINCIPAL* the caller sent
//   is removed first, so a caller can never choose its own principal.
// Sources are in local/runtime/README.md ("App Service authentication").

import type { IncomingMessage } from 'node:http';
import { remoteKeySet, verifyRs256, type KeySet } from '../../identity/jwks';

export interface EasyAuthOptions {
  /** The issuer tokens must carry (the provider's openIdIssuer), e.g. `<authority>/<tenant>/v2.0`. */
  issuer: string;
  /** `aud` values accepted (identityProviders.azureActiveDirectory.validation.allowedAudiences). */
  allowedAudiences: string[];
  /** The provider's signing keys. */
  jwksUri: string;
  /** PEM of the CA behind an HTTPS jwksUri (the identity stand-ins' per-run CA). */
  jwksCa?: string;
}

export type EasyAuthResult =
  | { ok: true; headers: Record<string, string>; principal: { objectId?: string; roles: string[] } }
  | { ok: false; reason: string };

/** What App Service answers a request refused by Return401 (the reason goes to the log only). */
export const EASY_AUTH_401_BODY = 'You do not have permission to view this directory or page.';

const CLAIM_TYPES: Record<string, string> = {
  // App Service maps some claims to their WS-Fed / .NET names; app roles stay `roles` (azure-functions-host#3898).
  oid: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
  tid: 'http://schemas.microsoft.com/identity/claims/tenantid',
  scp: 'http://schemas.microsoft.com/identity/claims/scope',
};
const NAME_TYPE = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name';
const ROLE_TYPE = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role';

/** Headers App Service owns: removed from every incoming request before the app sees it. */
export const isAuthOwnedHeader = (name: string) => /^x-ms-client-principal/i.test(name) || /^x-ms-token-/i.test(name);

export function createEasyAuth(options: EasyAuthOptions, now: () => number = Date.now): { authenticate(req: IncomingMessage): Promise<EasyAuthResult> } {
  const keys: KeySet = remoteKeySet(options.jwksUri, options.jwksCa);
  return {
    async authenticate(req) {
      const authorization = req.headers.authorization ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match) return { ok: false, reason: 'no bearer token' };
      const verified = await verifyRs256(match[1]!, keys);
      if (!verified.ok) return verified;
      const { claims } = verified;
      if (claims.iss !== options.issuer) return { ok: false, reason: `issuer ${JSON.stringify(claims.iss)} is not ${options.issuer}` };
      const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!audiences.some((a) => typeof a === 'string' && options.allowedAudiences.includes(a))) {
        return { ok: false, reason: `audience ${JSON.stringify(claims.aud)} is not among the allowed audiences` };
      }
      const seconds = now() / 1000;
      if (typeof claims.exp !== 'number' || claims.exp <= seconds) return { ok: false, reason: 'the token has expired' };
      if (typeof claims.nbf === 'number' && claims.nbf > seconds) return { ok: false, reason: 'the token is not valid yet' };

      const principalClaims: { typ: string; val: string }[] = [];
      for (const [name, value] of Object.entries(claims)) {
        for (const item of Array.isArray(value) ? value : [value]) {
          principalClaims.push({ typ: CLAIM_TYPES[name] ?? name, val: typeof item === 'string' ? item : JSON.stringify(item) });
        }
      }
      const principal = { auth_typ: 'aad', claims: principalClaims, name_typ: NAME_TYPE, role_typ: ROLE_TYPE };
      const objectId = typeof claims.oid === 'string' ? claims.oid : undefined;
      const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
      return {
        ok: true,
        headers: {
          'x-ms-client-principal': Buffer.from(JSON.stringify(principal)).toString('base64'),
          'x-ms-client-principal-idp': 'aad',
          ...(objectId ? { 'x-ms-client-principal-id': objectId } : {}),
        },
        principal: { ...(objectId ? { objectId } : {}), roles },
      };
    },
  };
}
