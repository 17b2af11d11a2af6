import { reserveSlot, type BudgetState } from '../../../orchestrations/partnerCenterBudget';

const T0 = Date.parse('2026-11-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

test('after a quiet spell a burst goes at once; then calls are spaced at the rate, a reservation of c calls once its last one conforms', () => {
  let state: BudgetState = { tat: 0, reserved: 0 };
  const reserve = (cost: number, at = T0) => {
    const result = reserveSlot(state, { now: iso(at), cost, callsPerMinute: 60, burst: 3 });
    state = result.state;
    return (Date.parse(result.slot) - T0) / 1000;
  };
  // Three calls of one second each fit the burst of three: both reservations go now.
  expect(reserve(2)).toBe(0);
  expect(reserve(1)).toBe(0);
  // The budget is used up to T0+3 s: a pair goes once its second call conforms (T0+4 s less the tolerance of two
  // calls), one second later than a single call would; the next single call follows a second after.
  expect(reserve(2)).toBe(2);
  expect(reserve(1)).toBe(3);
  expect(state).toEqual({ tat: T0 + 6000, reserved: 4 });
});

test('whatever mix of reservations, calls made at their slots never exceed the rate plus the burst in any minute', () => {
  const callsPerMinute = 120;
  const burst = 5;
  let state: BudgetState = { tat: 0, reserved: 0 };
  const calls: number[] = [];
  // A fixed pseudo-random mix of costs 1..burst asked at moments that drift forward (seeded, so the test is stable).
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let now = T0;
  for (let i = 0; i < 2000; i++) {
    now += Math.floor(next() * 400);
    const cost = 1 + Math.floor(next() * burst);
    const { slot, state: after } = reserveSlot(state, { now: iso(now), cost, callsPerMinute, burst });
    state = after;
    expect(Date.parse(slot)).toBeGreaterThanOrEqual(now);
    for (let c = 0; c < cost; c++) calls.push(Date.parse(slot));
  }
  calls.sort((a, b) => a - b);
  let worst = 0;
  for (let first = 0, last = 0; last < calls.length; last++) {
    while (calls[last] - calls[first] >= 60_000) first++;
    worst = Math.max(worst, last - first + 1);
  }
  expect(worst).toBeLessThanOrEqual(callsPerMinute + burst);
  expect(worst).toBeGreaterThan(callsPerMinute * 0.9);
});
