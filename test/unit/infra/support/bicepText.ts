// Lexical helpers for reading Bicep as text (the Bicep compiler is not installable from npm): comments removed,
// strings masked so brackets and separators inside them are never mistaken for structure.

export interface ScannedText {
  /** The text with comments blanked (newlines kept), so indices match the original. */
  clean: string;
  /** `clean` with every string literal's contents (interpolations included) replaced by 'x'. */
  mask: string;
}

type Frame = { kind: 'code'; braces: number } | { kind: 'string'; multiline: boolean };

/** Blanks comments and masks strings, following `${...}` interpolations (which may hold strings of their own). */
export function scan(text: string): ScannedText {
  const clean = text.split('');
  const mask = text.split('');
  const stack: Frame[] = [{ kind: 'code', braces: 0 }];
  let stringDepth = 0;
  let i = 0;
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) {
      if (text[k] !== '\n') clean[k] = mask[k] = ' ';
    }
  };
  while (i < text.length) {
    const frame = stack[stack.length - 1];
    const ch = text[i];
    if (frame.kind === 'code') {
      if (ch === '/' && text[i + 1] === '/') {
        const end = text.indexOf('\n', i);
        const stop = end === -1 ? text.length : end;
        blank(i, stop);
        i = stop;
        continue;
      }
      if (ch === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        if (end === -1) throw new Error('unterminated /* comment */');
        blank(i, end + 2);
        i = end + 2;
        continue;
      }
      if (ch === "'") {
        const multiline = text.startsWith("'''", i);
        if (stringDepth > 0) mask[i] = 'x'; // a string nested in an interpolation is part of the outer string
        stack.push({ kind: 'string', multiline });
        stringDepth++;
        i += multiline ? 3 : 1;
        continue;
      }
      if (ch === '{') frame.braces++;
      if (ch === '}') {
        if (frame.braces === 0 && stack.length > 1) {
          stack.pop(); // end of an interpolation: back inside the string
          mask[i] = 'x';
          i++;
          continue;
        }
        frame.braces--;
      }
      if (stringDepth > 0 && ch !== '\n') mask[i] = 'x';
      i++;
      continue;
    }
    // Inside a string.
    if (frame.multiline) {
      if (text.startsWith("'''", i)) {
        stack.pop();
        stringDepth--;
        i += 3;
        continue;
      }
    } else if (ch === '\\') {
      mask[i] = 'x';
      if (i + 1 < text.length) mask[i + 1] = 'x';
      i += 2;
      continue;
    } else if (ch === "'") {
      stack.pop();
      stringDepth--;
      if (stringDepth > 0) mask[i] = 'x';
      i++;
      continue;
    } else if (ch === '$' && text[i + 1] === '{') {
      mask[i] = mask[i + 1] = 'x';
      stack.push({ kind: 'code', braces: 0 });
      i += 2;
      continue;
    }
    if (ch !== '\n') mask[i] = 'x';
    i++;
  }
  if (stack.length !== 1) throw new Error('unterminated string or interpolation');
  return { clean: clean.join(''), mask: mask.join('') };
}

const OPEN = '([{';
const CLOSE = ')]}';

/** Index of the bracket closing the one at `open` (positions in `mask`). */
export function matchingBracket(mask: string, open: number): number {
  let depth = 0;
  for (let i = open; i < mask.length; i++) {
    if (OPEN.includes(mask[i])) depth++;
    if (CLOSE.includes(mask[i])) {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new Error(`unbalanced bracket at ${open}: ${mask.slice(open, open + 40)}`);
}

/**
 * Splits at top-level separators (newlines and/or commas outside any bracket), returning trimmed, non-empty pieces
 * of the clean text.
 */
export function splitTopLevel(scanned: ScannedText, separators: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let start = 0;
  const { clean, mask } = scanned;
  for (let i = 0; i <= mask.length; i++) {
    const ch = mask[i];
    if (i === mask.length || (depth === 0 && separators.includes(ch))) {
      const piece = clean.slice(start, i).trim();
      if (piece) pieces.push(piece);
      start = i + 1;
      continue;
    }
    if (OPEN.includes(ch)) depth++;
    if (CLOSE.includes(ch)) depth--;
    if (depth < 0) throw new Error(`unbalanced closing bracket: ${clean.slice(Math.max(0, i - 40), i + 1)}`);
  }
  return pieces;
}

/** Index of the first occurrence of `ch` outside strings and brackets, or -1. */
export function topLevelIndexOf(mask: string, ch: string): number {
  let depth = 0;
  for (let i = 0; i < mask.length; i++) {
    if (depth === 0 && mask[i] === ch) return i;
    if (OPEN.includes(mask[i])) depth++;
    if (CLOSE.includes(mask[i])) depth--;
  }
  return -1;
}
