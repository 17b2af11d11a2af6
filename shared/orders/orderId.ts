// What an ERP order id may be, and how it is compared. The order id is the idempotency key of a purchase, so two ids
// that a person cannot tell apart must either be the same order or be refused:
// - it is NFC-normalised (a precomposed "é" and "e" + combining accent are one id);
// - it must be well-formed Unicode (no lone surrogates) and must not contain U+FFFD, the mark of bytes that were not
//   UTF-8 (two different invalid ids would otherwise decode to the same text);
// - it must not contain control, format (zero-width, bidi overrides), line/paragraph separators, private-use,
//   unassigned or default-ignorable (invisible) characters, nor white space other than U+0020, nor start or end with
//   white space;
// - case does not make a different order: "SO-1" and "so-1" are one order (compared by a full case fold).

/** The longest order id accepted (before normalisation). */
export const MAX_ORDER_ID_LENGTH = 100;

// Cc, Cf, Cs, Co, Cn, Zl, Zp and default-ignorables; white space other than U+0020 is refused separately.
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\uFFFD]/u;
const LONE_SURROGATE = /\p{Cs}/u;
const OTHER_WHITE_SPACE = /[^\S ]/u;
const ESCAPED = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\uFFFD]|[^\S ]/gu;

export type OrderIdCheck = { ok: true; orderId: string } | { ok: false; message: string };

/** The order id in its one accepted form (NFC), or why it is refused. Never throws, whatever the input. */
export function checkOrderId(value: unknown): OrderIdCheck {
  if (typeof value !== 'string') return { ok: false, message: `must be a string (got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value})` };
  if (value.trim().length === 0) return { ok: false, message: 'must not be empty' };
  if (value.length > MAX_ORDER_ID_LENGTH) return { ok: false, message: `must be at most ${MAX_ORDER_ID_LENGTH} characters (got ${value.length})` };
  if (LONE_SURROGATE.test(value)) return { ok: false, message: 'must be well-formed Unicode (it contains a lone surrogate)' };
  const orderId = value.normalize('NFC');
  const forbidden = FORBIDDEN.exec(orderId) ?? OTHER_WHITE_SPACE.exec(orderId);
  if (forbidden) {
    return {
      ok: false,
      message:
        'must not contain control characters, format characters (zero-width, bidi), line or paragraph separators, invisible, private-use, ' +
        `unassigned or replacement characters, nor white space other than a plain space (found ${codePoint(forbidden[0])})`,
    };
  }
  if (orderId.trim() !== orderId) return { ok: false, message: 'must not start or end with white space' };
  // URLs resolve these segments away (/api/orders/.. is /api/), so such an order could never be looked up or cancelled.
  if (orderId === '.' || orderId === '..') return { ok: false, message: 'must not be "." or ".." (the status URL /api/orders/{orderId} cannot address it)' };
  return { ok: true, orderId };
}

/** The form two order ids are compared in: NFC of the full case fold. Ids with the same key are one order. */
export function orderIdKey(orderId: string): string {
  // Lower then upper folds ß/SS, the Kelvin sign/K, final sigma and ligatures the way full case folding does; upper
  // keeps the readable instance ids of upper-case ERP ids (SO-10001) unchanged.
  return orderId.normalize('NFC').toLowerCase().toUpperCase().normalize('NFC');
}

/**
 * Text that is safe to write into a log line or a message: every character an order id may not contain is shown as
 * \u{XXXX}, so a CR/LF, U+2028 or a bidi override cannot forge or reorder a line. Long text is cut.
 */
export function printable(value: string, maxLength = 120): string {
  const escaped = value.replace(ESCAPED, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}}`);
  return escaped.length > maxLength ? `${escaped.slice(0, maxLength)}…` : escaped;
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
