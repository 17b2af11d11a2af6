/**
 * Time for the durable core: orchestration timestamps (currentUtcDateTime) and timers. The real clock is wall time;
 * the virtual clock only moves when told to, or (auto-advance) to the next due timer once nothing else can run.
 */
export interface Clock {
  readonly kind: 'real' | 'virtual';
  now(): number;
}

export interface VirtualClock extends Clock {
  readonly kind: 'virtual';
  readonly autoAdvance: boolean;
  advanceTo(time: number): void;
  advanceBy(ms: number): void;
}

export function createRealClock(): Clock {
  return { kind: 'real', now: () => Date.now() };
}

export function createVirtualClock(start: number, autoAdvance = true): VirtualClock {
  let current = start;
  return {
    kind: 'virtual',
    autoAdvance,
    now: () => current,
    advanceTo(time) {
      if (time > current) current = time;
    },
    advanceBy(ms) {
      if (!(ms >= 0)) throw new Error(`advanceClock: ms must be a non-negative number, got ${ms}.`);
      current += ms;
    },
  };
}

export const isVirtual = (clock: Clock): clock is VirtualClock => clock.kind === 'virtual';
