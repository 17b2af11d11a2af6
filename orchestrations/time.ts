// Time arithmetic for the orchestrator. Every instant is derived from context.df.currentUtcDateTime or from
// timestamps in the input and activity results, never from the machine clock, so replays see the same values.

export const addSeconds = (instant: Date, seconds: number): Date => new Date(instant.getTime() + seconds * 1000);

export const isoOf = (instant: Date): string => instant.toISOString();

/** The earlier of two instants. */
export const earlier = (a: Date, b: Date): Date => (a.getTime() <= b.getTime() ? a : b);

export const isAtOrAfter = (now: Date, instant: Date | string): boolean =>
  now.getTime() >= (typeof instant === 'string' ? Date.parse(instant) : instant.getTime());
