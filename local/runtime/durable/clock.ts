import fs from 'node:fs';

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

/** `onMove` hears every new time (and the start) before anything runs at it. */
export function createVirtualClock(start: number, autoAdvance = true, onMove: (time: number) => void = () => {}): VirtualClock {
  let current = start;
  onMove(current);
  return {
    kind: 'virtual',
    autoAdvance,
    now: () => current,
    advanceTo(time) {
      if (time > current) {
        current = time;
        onMove(current);
      }
    },
    advanceBy(ms) {
      if (!(ms >= 0)) throw new Error(`advanceClock: ms must be a non-negative number, got ${ms}.`);
      current += ms;
      onMove(current);
    },
  };
}

/**
 * Publishes a virtual clock's time in a file (ms since the epoch, replaced atomically), written before anything runs
 * at the new time. Stand-ins in other processes that share the runtime's time (the Partner Center simulator) read it
 * on each request instead of asking the runtime over HTTP: a read of a small file costs microseconds, a round trip
 * to the runtime an HTTP exchange on the runtime's one thread for every Partner Center call.
 */
export function clockFileWriter(file: string): (time: number) => void {
  return (time) => {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, String(time));
    fs.renameSync(temporary, file);
  };
}

/** The time a clock file holds, or undefined when there is none (yet) or it cannot be read. */
export function readClockFile(file: string): number | undefined {
  try {
    const time = Number(fs.readFileSync(file, 'utf8'));
    return Number.isFinite(time) && time > 0 ? time : undefined;
  } catch {
    return undefined;
  }
}

export const isVirtual = (clock: Clock): clock is VirtualClock => clock.kind === 'virtual';
