// RS256 signing keys and compact JWTs, the way Entra ID signs access tokens (kid in the header, keys in a JWKS).

import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { staticKeySet, verifyRs256, type Rs256Check } from './jwks';

export interface PublicJwk {
  kty: 'RSA';
  use: 'sig';
  alg: 'RS256';
  kid: string;
  n: string;
  e: string;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: PublicJwk;
}

export function createSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const kid = randomUUID().replace(/-/g, '');
  return { kid, privateKey, publicJwk: { kty: 'RSA', use: 'sig', alg: 'RS256', kid, n: jwk.n, e: jwk.e } };
}

const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

export function signJwt(key: SigningKey, claims: Record<string, unknown>): string {
  const header = { typ: 'JWT', alg: 'RS256', kid: key.kid };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(signingInput), key.privateKey);
  return `${signingInput}.${base64url(signature)}`;
}

export type JwtCheck = Rs256Check;

/**
 * An RS256 JWT signed by one of `keys` (named by its kid, as Entra ID always names it) for the expected audience and
 * within its lifetime; used by the Key Vault stand-in.
 */
export async function verifyJwt(token: string, keys: readonly PublicJwk[], expected: { audience: string; nowSeconds: number }): Promise<JwtCheck> {
  const trusted = staticKeySet({ keys: keys.map((jwk) => ({ ...jwk })) });
  const check = await verifyRs256(token, { find: async (kid) => (kid === undefined ? undefined : trusted.find(kid)) });
  if (!check.ok) return check;
  const claims = check.claims;
  if (claims.aud !== expected.audience) return { ok: false, reason: `audience ${String(claims.aud)} is not ${expected.audience}` };
  if (typeof claims.exp !== 'number' || claims.exp <= expected.nowSeconds) return { ok: false, reason: 'token expired' };
  if (typeof claims.nbf === 'number' && claims.nbf > expected.nowSeconds) return { ok: false, reason: 'token not yet valid' };
  return { ok: true, claims };
}
