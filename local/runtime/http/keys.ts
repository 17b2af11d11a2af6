import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Function keys. Core Tools does not enforce keys locally; this runtime enforces them only when at least one key is
 * configured, so tests can exercise authLevel the way Azure does.
 */
export interface FunctionKeys {
  master?: string;
  function?: string;
}

export const keysEnforced = (keys: FunctionKeys) => Boolean(keys.master || keys.function);

/** Returns why the request is refused, or undefined when it may proceed. Never echoes a key. */
export function checkKey(keys: FunctionKeys, level: 'anonymous' | 'function' | 'admin' | 'system', req: IncomingMessage, url: URL): string | undefined {
  if (level === 'anonymous' || !keysEnforced(keys)) return undefined;
  const header = req.headers['x-functions-key'];
  const presented = (typeof header === 'string' ? header : undefined) ?? url.searchParams.get('code') ?? undefined;
  if (!presented) return `This endpoint requires a key (authLevel ${level}): pass it in the "code" query parameter or the "x-functions-key" header.`;
  const accepted = level === 'function' ? [keys.function, keys.master] : [keys.master];
  return accepted.some((key) => key !== undefined && sameSecret(key, presented)) ? undefined : `The key presented is not valid for authLevel ${level}.`;
}

function sameSecret(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
