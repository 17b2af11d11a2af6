// A CI-sized burst through the whole local stack (issue 10): 200 orders sent to the queue at once while the
// simulator admits 100 requests per minute per partner tenant and counts refused requests too, as Partner Center
// documents, on the virtual clock. It is `npm run bench`'s burst scenario (bench/burst.ts) at a size that fits a test
// run, stopped at 1.5 × the lower bound (necessary calls ÷ rate); the counts do not depend on the machine.
//
// The app paces itself on the partner tenant's budget, set a little under the simulator's limit as the default (450)
// is under Partner Center's 500: the limit is never exceeded, no order fails on throttling, only necessary calls are
// admitted, every order completes within 1.5 × the lower bound, and 429s stay at or below 1% of calls. Without pacing
// (PARTNER_CENTER_BUDGET_PER_MINUTE=0) orders that each wait out Retry-After keep the window full of refused calls
// (they count) and most never get in: `npm run bench` shows both.
import { runBurst, type BurstResult } from '../../bench/burst';
import { necessaryCalls } from '../../bench/common';
import { REPO_ROOT } from './stack';

const ORDERS = 200;
const RATE = 100;
const BUDGET = { PARTNER_CENTER_BUDGET_PER_MINUTE: '95', PARTNER_CENTER_BUDGET_BURST: '10' };
const LOWER_BOUND_MINUTES = necessaryCalls(ORDERS) / RATE;
let result: BurstResult;

beforeAll(async () => {
  result = await runBurst({ appRoot: REPO_ROOT, appEntry: 'functions/index.ts', orders: ORDERS, requestsPerMinute: RATE, settings: BUDGET, capMinutes: 1.5 * LOWER_BOUND_MINUTES, timeoutMs: 120_000 });
}, 150_000);

it('never has more than the budget admitted in any 60 s', () => {
  expect(result.admittedCalls).toBeGreaterThanOrEqual(RATE);
  expect(result.peakAdmittedIn60s).toBeLessThanOrEqual(RATE);
  expect(result.admittedPerMinute.every((m) => m.admitted <= RATE)).toBe(true);
  expect(result.admittedPerMinute.reduce((sum, m) => sum + m.admitted, 0)).toBe(result.admittedCalls);
});

it('fails no order on throttling: every 429 is waited out', () => {
  expect(result.throttledAnswers).toBeGreaterThan(0);
  expect(result.failed).toBe(0);
  expect(result.failedOnThrottling).toBe(0);
  expect(result.otherOutcomes).toEqual({});
});

it('has only calls the orders need admitted: at most a cart, a checkout and one or two polls each', () => {
  expect(result.admittedCalls).toBeLessThanOrEqual(necessaryCalls(ORDERS));
  expect(result.callsPerOrder.createCart.admitted).toBeLessThanOrEqual(1);
  expect(result.callsPerOrder.checkout?.admitted ?? 0).toBeLessThanOrEqual(1);
  expect(result.calls).toBe(result.admittedCalls + result.throttledAnswers);
});

it('reserves budget once for a cart and its checkout and once per poll round, not once per call', () => {
  // Half the bench orders settle on the first poll and half on the second: 1 + 1.5 reservations per order, and a
  // reservation again after each 429 (at most 1% of calls); call by call it would be one per admitted call (3.5).
  expect(result.budgetReservationsPerOrder).toBeGreaterThanOrEqual(2.5);
  expect(result.budgetReservationsPerOrder).toBeLessThan(2.6);
  expect(result.admittedCalls / ORDERS).toBe(3.5);
});

it('needs one token and one Key Vault read for the whole burst', () => {
  expect(result.credentials).toMatchObject({ entraIdTokenRequests: 1, keyVaultReads: 1 });
});

it('completes every order within 1.5 × the lower bound', () => {
  expect({ completed: result.completed, unfinished: result.unfinished }).toEqual({ completed: ORDERS, unfinished: 0 });
});

it('keeps 429 answers at or below 1% of calls', () => {
  expect(result.throttledAnswers).toBeLessThanOrEqual(Math.floor(result.calls * 0.01));
});
