// Signing keys for bearer tokens: a key set given inline, or fetched from a JWKS URI (e.g. the Entra ID stand-in, which
// serves HTTPS with a per-run CA, hence node:https with an optional `ca` instead of fetch); and the RS256 check of a
// bearer token against them, which the Partner Center simulator's auth, the runtime's App Service authentication and
// the Key Vault stand-in all make.
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

export interface KeySet {
  /** The key for `kid`; with no kid, the only key when there is exactly one. */
  find(kid: string | undefined): Promise<KeyObject | undefined>;
}

type JwkWithKid = JsonWebKey & { kid?: string };

function toKeyMap(keys: JwkWithKid[]): Map<string, KeyObject> {
  const map = new Map<string, KeyObject>();
  keys.forEach((jwk, index) => {
    if (jwk.kty !== 'RSA') return; // only RS256 tokens are accepted
    try {
      map.set(jwk.kid ?? `#${index}`, createPublicKey({ key: jwk, format: 'jwk' }));
    } catch (err) {
      throw new Error(`auth.jwks.keys[${index}] is not a usable RSA public key: ${(err as Error).message}`);
    }
  });
  return map;
}

function pick(map: Map<string, KeyObject>, kid: string | undefined): KeyObject | undefined {
  if (kid !== undefined) return map.get(kid);
  return map.size === 1 ? [...map.values()][0] : undefined;
}

export function staticKeySet(jwks: { keys: JwkWithKid[] }): KeySet {
  const map = toKeyMap(jwks.keys);
  return { find: async (kid) => pick(map, kid) };
}

function getJson(uri: string, ca: string | Buffer | undefined): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const client = uri.startsWith('https:') ? https : http;
    const req = client.get(uri, { ca, timeout: 5000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`JWKS endpoint answered HTTP ${res.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          reject(new Error('JWKS endpoint did not return JSON'));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('JWKS request timed out')));
    req.on('error', reject);
  });
}

/**
 * Fetched lazily, cached, and fetched again when a token names a kid the cache lacks (keys rotate). Each unknown kid
 * triggers at most one refetch a minute, so a client repeating a bad token cannot turn every request into a fetch.
 */
export function remoteKeySet(jwksUri: string, ca?: string | Buffer): KeySet {
  let map = new Map<string, KeyObject>();
  let loaded = false;
  const triedAt = new Map<string, number>();
  let inFlight: Promise<void> | undefined;
  const refresh = () =>
    (inFlight ??= getJson(jwksUri, ca)
      .then((body) => {
        const keys = (body as { keys?: unknown }).keys;
        if (!Array.isArray(keys)) throw new Error('JWKS document has no "keys" array');
        map = toKeyMap(keys as JwkWithKid[]);
        loaded = true;
      })
      .finally(() => (inFlight = undefined)));
  return {
    async find(kid) {
      const known = pick(map, kid);
      if (known) return known;
      const label = kid ?? '';
      const now = Date.now();
      if (!loaded || now - (triedAt.get(label) ?? -Infinity) >= 60_000) {
        triedAt.set(label, now);
        await refresh();
      }
      return pick(map, kid);
    },
  };
}

/** A JWT part (header or claims) as its JSON object, or undefined when it is not base64url JSON of an object. */
export function decodeJwtPart(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export type Rs256Check = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

/**
 * A compact JWT signed RS256 by a key in `keys` (found by its kid): its claims, or why not. The claims themselves
 * (issuer, audience, lifetime) are the caller's to check.
 */
export async function verifyRs256(token: string, keys: KeySet): Promise<Rs256Check> {
  const parts = token.split('.');
  const header = parts.length === 3 ? decodeJwtPart(parts[0]) : undefined;
  const claims = parts.length === 3 ? decodeJwtPart(parts[1]) : undefined;
  if (!header || !claims) return { ok: false, reason: 'the bearer token is not a well-formed JWT' };
  if (header.alg !== 'RS256') return { ok: false, reason: `token algorithm ${JSON.stringify(header.alg)} is not accepted; expected RS256` };
  let key: KeyObject | undefined;
  try {
    key = await keys.find(typeof header.kid === 'string' ? header.kid : undefined);
  } catch (err) {
    return { ok: false, reason: `the signing keys could not be loaded (${(err as Error).message})` };
  }
  if (!key) return { ok: false, reason: `no signing key with kid ${JSON.stringify(header.kid)} in the trusted key set` };
  let valid = false;
  try {
    valid = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2] as string, 'base64url'));
  } catch {
    valid = false; // e.g. a key of another type
  }
  return valid ? { ok: true, claims } : { ok: false, reason: 'the token signature is invalid' };
}
