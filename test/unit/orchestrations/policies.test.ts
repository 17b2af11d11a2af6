// The workflow's pure decisions (orchestrations/policy.ts), on the policy the settings table gives.
import { canCheckOut, jitterMs, nextPollDelayMs, orderStatusErrors, outageDelayMs, pendingOrders, recoveryDelayMs, settledStatus, undeterminedOrderNote, waitForPeople } from '../../../orchestrations/policy';
import { loadWorkflowPolicy } from '../../../shared/config';
import type { OrderSummary, OutcomeError } from '../../../shared/orders';

const order = (id: string, status: string): OrderSummary => ({ id, status, billingCycle: 'monthly', lineItems: [] });
const pending = (...statuses: string[]) => statuses.map((s, i) => order(`o${i}`, s));

const policy = loadWorkflowPolicy({
  ORDER_POLL_INITIAL_INTERVAL: 'PT30S',
  ORDER_POLL_MAX_INTERVAL: 'PT15M',
  ORDER_POLL_HUMAN_WAIT_INTERVAL: 'PT1H',
  OUTAGE_RETRY_INITIAL_INTERVAL: 'PT30S',
  OUTAGE_RETRY_MAX_INTERVAL: 'PT5M',
  ORDER_RECOVERY_RETRY_INTERVAL: 'PT2M',
  RETRY_JITTER: 'PT5S',
});

describe('nextPollDelayMs', () => {
  test.each([
    [0, 30_000],
    [1, 60_000],
    [2, 120_000],
    [4, 480_000],
    [5, 900_000],
    [50, 900_000],
    [5000, 900_000],
  ])('poll %i of a pending order waits %i ms', (polls, ms) => {
    expect(nextPollDelayMs(pending('pending'), polls, policy)).toBe(ms);
  });

  test('orders that all wait for people are polled slowly; one ordinary pending order keeps the fast schedule', () => {
    expect(nextPollDelayMs(pending('pending_po_upload', 'pending_review'), 0, policy)).toBe(3_600_000);
    expect(nextPollDelayMs(pending('po_upload_complete'), 1, policy)).toBe(3_600_000);
    expect(nextPollDelayMs(pending('pending_po_upload', 'pending'), 0, policy)).toBe(30_000);
    expect(waitForPeople(pending('pending_review'))).toBe(true);
    expect(waitForPeople(pending('pending_review', 'pending'))).toBe(false);
    expect(waitForPeople([])).toBe(false);
  });
});

describe('outageDelayMs and recoveryDelayMs', () => {
  test('an outage is waited out doubling from OUTAGE_RETRY_INITIAL_INTERVAL up to OUTAGE_RETRY_MAX_INTERVAL', () => {
    expect([0, 1, 2, 3, 4, 100].map((n) => outageDelayMs(n, policy))).toEqual([30_000, 60_000, 120_000, 240_000, 300_000, 300_000]);
  });

  test("a cart's orders are looked for doubling from ORDER_RECOVERY_RETRY_INTERVAL up to the poll cap", () => {
    expect([0, 1, 2, 3, 40].map((n) => recoveryDelayMs(n, policy))).toEqual([120_000, 240_000, 480_000, 900_000, 900_000]);
  });
});

describe('jitterMs', () => {
  test('stays within RETRY_JITTER, is the same for the same instance and wait, and differs between orders', () => {
    const values = Array.from({ length: 200 }, (_, n) => jitterMs('order-SO-10001', n, policy));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(5000);
    expect(new Set(values).size).toBeGreaterThan(100);
    expect(Array.from({ length: 200 }, (_, n) => jitterMs('order-SO-10001', n, policy))).toEqual(values);
    const others = Array.from({ length: 20 }, (_, i) => jitterMs(`order-SO-${20000 + i}`, 0, policy));
    expect(new Set(others).size).toBeGreaterThan(15);
  });

  test('is 0 when RETRY_JITTER is PT0S', () => {
    expect(jitterMs('order-SO-10001', 3, loadWorkflowPolicy({ RETRY_JITTER: 'PT0S' }))).toBe(0);
  });
});

describe('pendingOrders', () => {
  test('keeps everything that is not terminal, including `unknown` and statuses it does not know; suspended is settled', () => {
    const orders = pending('pending', 'completed', 'error', 'suspended', 'pending_review', 'partial_success', 'unknown', 'brand_new_status', 'cancelled', 'po_review_rejected');
    expect(pendingOrders(orders).map((o) => o.status)).toEqual(['pending', 'pending_review', 'unknown', 'brand_new_status']);
  });

  test('an order reading `unknown` is not waiting for people: it is polled at the normal interval', () => {
    expect(waitForPeople(pending('unknown'))).toBe(false);
    expect(nextPollDelayMs(pending('unknown'), 0, policy)).toBe(30_000);
  });
});

describe('undeterminedOrderNote', () => {
  test('names the orders that read `unknown`, and nothing else', () => {
    expect(undeterminedOrderNote(pending('pending', 'unknown'))).toBe('Partner Center reports status unknown for order o1; asking again');
    expect(undeterminedOrderNote(pending('unknown', 'pending_review', 'unknown'))).toBe('Partner Center reports status unknown for orders o0, o2; asking again');
    expect(undeterminedOrderNote(pending('pending', 'brand_new_status'))).toBeNull();
    expect(undeterminedOrderNote([])).toBeNull();
  });
});

describe('canCheckOut', () => {
  const expiresAt = '2026-03-02T10:00:00.000Z';
  test('only while more than the margin is left', () => {
    expect(canCheckOut(new Date('2026-03-02T09:54:59.999Z'), expiresAt, loadWorkflowPolicy({ CART_EXPIRY_MARGIN: 'PT5M' }))).toBe(true);
    expect(canCheckOut(new Date('2026-03-02T09:55:00.000Z'), expiresAt, loadWorkflowPolicy({ CART_EXPIRY_MARGIN: 'PT5M' }))).toBe(false);
    // The default margin is 10 minutes.
    expect(canCheckOut(new Date('2026-03-02T09:50:00.000Z'), expiresAt, loadWorkflowPolicy({}))).toBe(false);
    expect(canCheckOut(new Date('2026-03-02T11:00:00.000Z'), expiresAt, { cartExpiryMarginMs: 0 })).toBe(false);
  });

  test('an unreadable expiry is no known limit', () => {
    expect(canCheckOut(new Date('2030-01-01T00:00:00.000Z'), 'not a timestamp', { cartExpiryMarginMs: 0 })).toBe(true);
  });
});

describe('settledStatus and orderStatusErrors', () => {
  const groupError: OutcomeError = { source: 'orderGroup', orderGroupId: '1', code: 800005, description: 'refused' };
  const incomplete: OutcomeError = { source: 'workflow', reason: 'ordersIncomplete', message: 'only some' };
  const unrelated: OutcomeError = { source: 'workflow', reason: 'orderNotCompleted', message: 'x' };

  const errorsNamed: Record<string, OutcomeError[]> = { no: [], 'an orderNotCompleted': [unrelated], 'a refused order group': [groupError], 'an ordersIncomplete': [incomplete] };
  test.each<[string[], string, string]>([
    [['completed', 'completed'], 'no', 'completed'],
    [['completed'], 'an orderNotCompleted', 'completed'],
    [['completed'], 'a refused order group', 'partiallyCompleted'],
    [['completed'], 'an ordersIncomplete', 'partiallyCompleted'],
    [['completed', 'error'], 'no', 'partiallyCompleted'],
    [['partial_success'], 'no', 'partiallyCompleted'],
    [['error', 'cancelled'], 'no', 'failed'],
    [['po_review_rejected'], 'no', 'failed'],
    // Suspended was bought (and is billed): never failed, never completed.
    [['suspended'], 'no', 'partiallyCompleted'],
    [['completed', 'suspended'], 'no', 'partiallyCompleted'],
    [['suspended', 'error'], 'no', 'partiallyCompleted'],
    [[], 'a refused order group', 'failed'],
    [[], 'no', 'failed'],
  ])('%j with %s error → %s', (statuses, errors, expected) => {
    expect(settledStatus(pending(...statuses), errorsNamed[errors])).toBe(expected);
  });

  test('one error per order that ended without (all of) its purchase', () => {
    expect(orderStatusErrors(pending('completed', 'error', 'partial_success', 'cancelled', 'po_review_rejected'))).toEqual([
      { source: 'workflow', reason: 'orderNotCompleted', message: 'Partner Center order o1 ended with status error' },
      { source: 'workflow', reason: 'orderNotCompleted', message: 'Partner Center order o2 ended with status partial_success' },
      { source: 'workflow', reason: 'orderNotCompleted', message: 'Partner Center order o3 ended with status cancelled' },
      { source: 'workflow', reason: 'orderNotCompleted', message: 'Partner Center order o4 ended with status po_review_rejected' },
    ]);
  });

  test('a suspended order is named as bought but suspended; one still unknown (at the deadline) as undetermined', () => {
    expect(orderStatusErrors(pending('completed', 'suspended', 'pending', 'unknown'))).toEqual([
      {
        source: 'workflow',
        reason: 'orderNotCompleted',
        message: 'Partner Center order o1 ended with status suspended: it was bought and is billed, but its subscription is suspended (not usable) until the partner reactivates it',
      },
      { source: 'workflow', reason: 'orderNotCompleted', message: 'Partner Center order o3 still had status unknown: Partner Center has not said whether it was bought; check Partner Center' },
    ]);
  });
});
