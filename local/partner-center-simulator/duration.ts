// Durations for options and CLI flags: "15m", "7d", "30s", "500ms", "2h", or a plain number of milliseconds.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses a duration; returns undefined when the text is not one, so callers can name the setting in their error. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(value);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[(match[2] ?? 'ms').toLowerCase()]);
}

export const DURATION_HELP = 'a duration such as 500ms, 30s, 15m, 2h, 7d or a number of milliseconds';
