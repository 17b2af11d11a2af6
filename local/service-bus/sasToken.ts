/**
 * Checks SAS tokens the way Service Bus does: signature = base64(HMAC-SHA256(key as UTF-8, sr + "\n" + se)),
 * key name known, not expired, and issued for the audience it is presented for.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { trackingSuffix } from './amqpErrors';
import { ACCESS_RIGHTS, covers, normaliseScope, withImpliedRights, type AccessRight, type Grant } from './authorization';
import { audiencePath } from './connectionState';

/** A shared access authorization rule: a named key with rights, on the namespace or on one queue or topic. */
export interface SharedAccessKey {
  keyName: string;
  key: string;
  /** Listen, Send and/or Manage (Manage includes the other two); all three when left out. */
  rights?: readonly AccessRight[];
  /** The queue or topic the rule is defined on; left out, the namespace. */
  entityPath?: string;
}

export type TokenCheck = { ok: true; expiresAt: number; grants: Grant[] } | { ok: false; status: number; description: string };

function parseToken(token: string): Map<string, string> | undefined {
  const prefix = 'SharedAccessSignature ';
  if (!token.startsWith(prefix)) return undefined;
  const fields = new Map<string, string>();
  for (const part of token.slice(prefix.length).split('&')) {
    const separator = part.indexOf('=');
    if (separator > 0) fields.set(part.slice(0, separator), part.slice(separator + 1));
  }
  return fields;
}

function sameAudience(a: string, b: string): boolean {
  const normalise = (value: string): string => value.toLowerCase().replace(/\/+$/, '');
  return normalise(a) === normalise(b);
}

export function checkSasToken(token: string, audience: string, keys: SharedAccessKey[], now = Date.now()): TokenCheck {
  const fields = parseToken(token);
  const sr = fields?.get('sr');
  const sig = fields?.get('sig');
  const se = fields?.get('se');
  const skn = fields?.get('skn');
  if (!fields || !sr || !sig || !se || !skn) {
    return { ok: false, status: 401, description: 'InvalidToken: expected "SharedAccessSignature sr=...&sig=...&se=...&skn=...".' };
  }
  const key = keys.find((k) => k.keyName === decodeURIComponent(skn));
  if (!key) return { ok: false, status: 401, description: `InvalidSignature: unknown SharedAccessKeyName '${decodeURIComponent(skn)}'.` };
  const expected = createHmac('sha256', Buffer.from(key.key, 'utf8')).update(`${sr}\n${se}`).digest();
  const given = Buffer.from(decodeURIComponent(sig), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, status: 401, description: 'InvalidSignature: The token has an invalid signature.' };
  }
  const expiresAt = Number(se) * 1000;
  if (!Number.isFinite(expiresAt) || expiresAt <= now) return { ok: false, status: 401, description: `ExpiredToken: The token expired at ${se}.` };
  if (!sameAudience(decodeURIComponent(sr), audience)) {
    return { ok: false, status: 401, description: `InvalidAudience: the token is for '${decodeURIComponent(sr)}', not '${audience}'.` };
  }
  // An entity's rule signs tokens for that entity (and what lies under it) only.
  const scope = normaliseScope(key.entityPath);
  if (!covers(scope, audiencePath(audience))) {
    return { ok: false, status: 401, description: `InvalidAudience: The authorization header contains a token with a wrong audience: the key '${key.keyName}' belongs to '${key.entityPath}'.${trackingSuffix()}` };
  }
  return { ok: true, expiresAt, grants: [{ scope, rights: withImpliedRights(key.rights ?? ACCESS_RIGHTS) }] };
}
