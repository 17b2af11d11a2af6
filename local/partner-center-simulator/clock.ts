// The simulator's own clock: real time plus an offset that tests move forward with /_simulator/clock/advance.
// Cart expiry, order settle delays, the order-listing delay and the throttling buckets all read this clock,
// so a test can "wait" seven days without waiting. Token expiry deliberately uses real time (see auth.ts).

export interface SimulatorClock {
  now(): number;
  advance(ms: number): number;
  offsetMs(): number;
  reset(): void;
}

export function createSimulatorClock(realNow: () => number = Date.now): SimulatorClock {
  let offset = 0;
  return {
    now: () => realNow() + offset,
    advance(ms: number) {
      offset += ms;
      return realNow() + offset;
    },
    offsetMs: () => offset,
    reset() {
      offset = 0;
    },
  };
}
