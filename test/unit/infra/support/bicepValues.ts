// Bicep literal syntax as a small tree: objects, arrays, strings; anything else is kept as expression text for the
// evaluator (bicepEval.ts).
import { matchingBracket, scan, splitTopLevel, topLevelIndexOf } from './bicepText';

export type BicepValue =
  | { kind: 'object'; entries: Map<string, BicepValue> }
  | { kind: 'array'; items: BicepValue[] }
  | { kind: 'string'; text: string; interpolated: boolean }
  | { kind: 'expr'; text: string };

export function parseValue(source: string): BicepValue {
  const text = source.trim();
  if (!text) throw new Error('empty value');
  const scanned = scan(text);
  const last = text.length - 1;
  if (text[0] === '{' && matchingBracket(scanned.mask, 0) === last) {
    return { kind: 'object', entries: parseEntries(text.slice(1, -1)) };
  }
  if (text[0] === '[' && !/^\[\s*for\b/.test(text) && matchingBracket(scanned.mask, 0) === last) {
    return { kind: 'array', items: splitTopLevel(scan(text.slice(1, -1)), '\n,').map(parseValue) };
  }
  if (text[0] === "'" && isSingleString(scanned.mask)) {
    const multiline = text.startsWith("'''");
    const inner = multiline ? text.slice(3, -3) : text.slice(1, -1);
    return { kind: 'string', text: inner, interpolated: !multiline && inner.includes('${') };
  }
  return { kind: 'expr', text };
}

/** True when the whole text is one string literal (its only unmasked characters are the quotes at both ends). */
function isSingleString(mask: string): boolean {
  const body = mask.startsWith("'''") ? mask.slice(3, -3) : mask.slice(1, -1);
  return /^[x\s]*$/.test(body) && mask.endsWith("'");
}

function parseEntries(body: string): Map<string, BicepValue> {
  const entries = new Map<string, BicepValue>();
  for (const piece of splitTopLevel(scan(body), '\n,')) {
    const colon = topLevelIndexOf(scan(piece).mask, ':');
    if (colon === -1) throw new Error(`object entry without "key: value": ${piece}`);
    const rawKey = piece.slice(0, colon).trim();
    const key = rawKey.startsWith("'") ? rawKey.slice(1, -1) : rawKey;
    if (!/^[\w$.-]+$/.test(key)) throw new Error(`unexpected object key: ${rawKey}`);
    if (entries.has(key)) throw new Error(`duplicate object key: ${key}`);
    entries.set(key, parseValue(piece.slice(colon + 1)));
  }
  return entries;
}

/** Entry of an object value, or undefined (with a clear error when the value is not an object). */
export function entry(value: BicepValue | undefined, key: string): BicepValue | undefined {
  if (value === undefined) return undefined;
  if (value.kind !== 'object') throw new Error(`expected an object to read "${key}" from, got ${value.kind}`);
  return value.entries.get(key);
}

/** Follows a path of keys through nested objects. */
export function at(value: BicepValue | undefined, ...path: string[]): BicepValue | undefined {
  return path.reduce<BicepValue | undefined>((current, key) => entry(current, key), value);
}

/** Text of a value as written: string contents for strings, expression text otherwise. */
export function textOf(value: BicepValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.kind === 'string') return value.text;
  if (value.kind === 'expr') return value.text;
  return undefined;
}
