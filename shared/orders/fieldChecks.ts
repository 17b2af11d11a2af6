// Small readers used by the order validation: each returns the value when it fits, or records one FieldError naming
// the field and what was expected, and returns undefined. None of them throws, whatever the input.

import { printable } from './orderId';
import type { FieldError } from './request';

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export const isGuid = (value: string) => GUID.test(value);

/**
 * A short, printable description of what was received, for error messages (never the whole value). Strings are quoted
 * with every invisible, bidi or separator character escaped: the message reaches logs and the ERP.
 */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return value.length > 40 ? `a ${value.length}-character string` : printable(JSON.stringify(value));
  return `${typeof value} ${String(value)}`;
}

export class FieldErrors {
  readonly errors: FieldError[] = [];

  add(field: string, message: string): undefined {
    this.errors.push({ field, message });
    return undefined;
  }

  /** Fields not in `allowed` are reported, so a misspelt optional field is not silently dropped. */
  unknownFields(obj: Json, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.add(join(path, key), `is not a known field (expected only ${allowed.join(', ')})`);
    }
  }

  /**
   * The object with its property names in their canonical spelling. Partner Center's JSON reader matches property
   * names whatever their case (the docs' own new-commerce example sends `LineItems`, `CatalogItemId`), so this does
   * too. A name that is none of `allowed` is reported as unknown; two spellings of one name are reported, since which
   * one would win is not something an ERP should rely on. `null` stands for an absent optional field, as it does for
   * Partner Center (the docs' attestation example sends `"renewsTo": null`).
   */
  canonical(obj: Json, allowed: readonly string[], path: string, optional: readonly string[] = []): Json {
    const byKey = new Map(allowed.map((name) => [name.toLowerCase(), name]));
    const result: Json = {};
    const seenAs = new Map<string, string>();
    const unknown: string[] = [];
    for (const [key, value] of Object.entries(obj)) {
      const name = byKey.get(key.toLowerCase());
      if (name === undefined) {
        unknown.push(key);
        continue;
      }
      const earlier = seenAs.get(name);
      if (earlier !== undefined) {
        this.add(join(path, name), `is given twice, as ${printable(JSON.stringify(earlier))} and ${printable(JSON.stringify(key))} (property names are compared without case)`);
        continue;
      }
      seenAs.set(name, key);
      if (value === null && optional.includes(name)) continue;
      result[name] = value;
    }
    if (unknown.length > 0) this.unknownFields(Object.fromEntries(unknown.map((k) => [k, obj[k]])), allowed, path);
    return result;
  }

  string(value: unknown, field: string, opts: { maxLength: number; required: true }): string | undefined;
  string(value: unknown, field: string, opts: { maxLength: number; required?: false }): string | undefined;
  string(value: unknown, field: string, opts: { maxLength: number; required?: boolean }): string | undefined {
    if (value === undefined && !opts.required) return undefined;
    if (typeof value !== 'string') return this.add(field, `must be a string (got ${describe(value)})`);
    if (value.trim().length === 0) return this.add(field, 'must not be empty');
    if (value.length > opts.maxLength) return this.add(field, `must be at most ${opts.maxLength} characters (got ${value.length})`);
    if (CONTROL_CHARS.test(value)) return this.add(field, 'must not contain control characters');
    return value;
  }

  guid(value: unknown, field: string): string | undefined {
    if (typeof value !== 'string' || !isGuid(value)) {
      // A wrong id is never echoed, not even escaped: rejections and logs carry only a GUID that is one.
      const got = typeof value === 'string' ? `a ${value.length}-character string` : describe(value);
      return this.add(field, `must be a GUID such as 0b7f0e3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b (got ${got})`);
    }
    return value.toLowerCase();
  }

  oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], opts: { caseInsensitive?: boolean } = {}): T | undefined {
    if (typeof value === 'string') {
      const match = allowed.find((candidate) =>
        opts.caseInsensitive ? candidate.replace(/_/g, '') === value.replace(/_/g, '').toLowerCase() : candidate === value,
      );
      if (match !== undefined) return match;
    }
    return this.add(field, `must be one of ${allowed.join(', ')} (got ${describe(value)})`);
  }

  boolean(value: unknown, field: string): boolean | undefined {
    return typeof value === 'boolean' ? value : this.add(field, `must be true or false (got ${describe(value)})`);
  }

  integer(value: unknown, field: string, min: number, max: number): number | undefined {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      return this.add(field, `must be a whole number from ${min} to ${max} (got ${describe(value)})`);
    }
    return value;
  }
}

const MAX_PLAIN_KEY = 64;

/**
 * `lineItems[2]` + `termDuration` → `lineItems[2].termDuration`; the body itself has the empty path. A key that is not
 * a plain name (empty, spaces, dots, longer than 64 characters) is quoted, `provisioningContext["a.b"]`, so every path
 * stays unambiguous; quoted keys are cut at 80 characters.
 */
export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  // A long name is quoted and cut too: field names come from the sender, and an answer must stay small.
  if (!/^[A-Za-z_$][\w$-]*$/.test(key) || key.length > MAX_PLAIN_KEY) return `${path}[${printable(JSON.stringify(key), 80)}]`;
  return path === '' ? key : `${path}.${key}`;
}
