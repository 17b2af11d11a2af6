// Signing keys for jwt auth: a key set given inline, or fetched from a JWKS URI (e.g. the Entra ID stand-in, which
// serves HTTPS with a per-run CA — hence node:https with an optional `ca` instead of fetch).
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
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
