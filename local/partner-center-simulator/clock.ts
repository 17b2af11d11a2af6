// The simulator's own clock. Cart expiry, order settle delays, the order-listing delay and throttling all read it, so
// a test can "wait" seven days without waiting. Token expiry deliberately uses real time (see auth.ts).
// - 'real' (alone): real time plus an offset that tests move forward with /_simulator/clock/advance.
// - 'driven' (next to a runtime's clock, see server.ts clockSource): stands still between requests and moves only when
//   advanced or when it follows its source, so under a virtual runtime clock the throttling windows pass with virtual
//   time and a burst gives the same figures on any machine.

export interface SimulatorClock {
  now(): number;
  advance(ms: number): number;
  /** Moves forward to `ms` (never back). */
  follow(ms: number): void;
  offsetMs(): number;
  reset(): void;
}

export function createSimulatorClock(realNow: () => number = Date.now, mode: 'real' | 'driven' = 'real'): SimulatorClock {
  if (mode === 'driven') {
    let current = realNow();
    return {
      now: () => current,
      advance(ms: number) {
        current += ms;
        return current;
      },
      follow(ms: number) {
        if (ms > current) current = ms;
      },
      offsetMs: () => current - realNow(),
      reset() {
        current = realNow();
      },
    };
  }
  let offset = 0;
  return {
    now: () => realNow() + offset,
    advance(ms: number) {
      offset += ms;
      return realNow() + offset;
    },
    follow(ms: number) {
      const lag = ms - (realNow() + offset);
      if (lag > 0) offset += lag;
    },
    offsetMs: () => offset,
    reset() {
      offset = 0;
    },
  };
}
