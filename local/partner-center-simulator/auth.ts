// Bearer-token checks. Two modes:
// - 'any': any non-empty bearer token is accepted (quick local runs). The partner tenant (throttling key) is the
//   token's unverified `tid` claim when it happens to be a JWT, else options.tenantId or a fixed default.
// - 'jwt': RS256 signature against the key set, then `aud` (default https://api.partnercenter.microsoft.com),
//   `tid` (the configured partner tenant), `exp`/`nbf` with clock skew. Token times are checked against real time,
//   not the simulator clock: advancing the simulator clock by days must not invalidate tokens a real issuer just made.
// Failures answer 401 with the service's body: 800001 when the token is missing, 400 "Access denied" otherwise, with a
// description saying what was wrong. The token itself never appears in an answer or a log.
import { decodeJwtPart, remoteKeySet, staticKeySet, verifyRs256, type KeySet } from '../identity/jwks';
import { errorResponse, type SimResponse } from './responses';
import type { Caller } from './serviceContext';

export const PARTNER_CENTER_AUDIENCE = 'https://api.partnercenter.microsoft.com';
export const DEFAULT_PARTNER_TENANT = '00000000-0000-4000-8000-000000000001';
const DEFAULT_USER = '00000000-0000-4000-8000-00000000a001';

export type AuthOptions =
  | { mode: 'any'; tenantId?: string }
  | {
      mode: 'jwt';
      jwks?: { keys: import('node:crypto').JsonWebKey[] };
      jwksUri?: string;
      /** CA certificate (PEM) for an HTTPS jwksUri signed by a private CA. */
      jwksCa?: string | Buffer;
      audience?: string;
      tenantId: string;
      clockSkewSeconds?: number;
    };

export type AuthResult = { caller: Caller } | { denied: SimResponse };

export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<AuthResult>;
}

const denied = (code: number, description: string): AuthResult => {
  const response = errorResponse(401, code, description, 'PartnerFD');
  response.headers = { 'WWW-Authenticate': 'Bearer realm="https://api.partnercenter.microsoft.com"' };
  return { denied: response };
};
const accessDenied = (why: string) => denied(400, `Access denied: ${why}`);

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

const callerFrom = (claims: Record<string, unknown> | undefined, tenantId: string): Caller => ({
  tenantId,
  userId: String(claims?.oid ?? claims?.appid ?? claims?.azp ?? claims?.sub ?? DEFAULT_USER),
});

export function createAuthenticator(options: AuthOptions): Authenticator {
  if (options.mode === 'any') {
    return {
      async authenticate(authorization) {
        const token = bearerToken(authorization);
        if (!token) return denied(800001, 'Partner Token missing in request context: send "Authorization: Bearer <token>".');
        const claims = token.split('.').length === 3 ? decodeJwtPart(token.split('.')[1]) : undefined;
        const tid = typeof claims?.tid === 'string' ? claims.tid : (options.tenantId ?? DEFAULT_PARTNER_TENANT);
        return { caller: callerFrom(claims, tid) };
      },
    };
  }
  if (!options.jwks === !options.jwksUri) throw new Error('auth: jwt mode needs exactly one of jwks (a key set) or jwksUri');
  if (!options.tenantId) throw new Error('auth.tenantId: jwt mode needs the partner tenant id whose tokens are accepted');
  const keys: KeySet = options.jwks ? staticKeySet(options.jwks) : remoteKeySet(options.jwksUri!, options.jwksCa);
  const audience = options.audience ?? PARTNER_CENTER_AUDIENCE;
  const skewMs = (options.clockSkewSeconds ?? 60) * 1000;
  return {
    async authenticate(authorization) {
      const token = bearerToken(authorization);
      if (!token) return denied(800001, 'Partner Token missing in request context: send "Authorization: Bearer <token>".');
      const verified = await verifyRs256(token, keys);
      if (!verified.ok) return accessDenied(`${verified.reason}.`);
      const { claims } = verified;
      const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!audiences.includes(audience)) return accessDenied(`wrong token audience ${JSON.stringify(claims.aud)}; expected ${audience}.`);
      if (claims.tid !== options.tenantId) return accessDenied(`the token's tenant (tid ${JSON.stringify(claims.tid)}) is not the partner tenant this service accepts.`);
      const now = Date.now();
      if (typeof claims.exp !== 'number') return accessDenied('the token has no exp claim.');
      if (claims.exp * 1000 + skewMs <= now) return accessDenied(`the token expired at ${new Date(claims.exp * 1000).toISOString()}.`);
      if (typeof claims.nbf === 'number' && claims.nbf * 1000 - skewMs > now) return accessDenied(`the token is not valid before ${new Date(claims.nbf * 1000).toISOString()}.`);
      return { caller: callerFrom(claims, options.tenantId) };
    },
  };
}
