import { canCheckOut } from '../../../orchestrations/checkoutPolicy';
import { DEFAULT_WORKFLOW_POLICY } from '../../../orchestrations/policy';
import { nextPollDelaySeconds, pendingOrders } from '../../../orchestrations/pollingPolicy';
import { settledStatus } from '../../../orchestrations/outcomePolicy';
import type { OrderSummary } from '../../../shared/orders';

const order = (id: string, status: string): OrderSummary => ({ id, status, billingCycle: 'monthly', lineItems: [] });

const policy = { pollInitialSeconds: 30, pollMaxSeconds: 900, humanWaitPollSeconds: 3600 };

describe('nextPollDelaySeconds', () => {
  test.each([
    [0, 30],
    [1, 60],
    [2, 120],
    [4, 480],
    [5, 900],
    [50, 900],
  ])('poll %i of a pending order waits %i s', (pollCount, seconds) => {
    expect(nextPollDelaySeconds(['pending'], pollCount, policy)).toBe(seconds);
  });

  test('orders that all wait for people are polled slowly; one ordinary pending order keeps the fast schedule', () => {
    expect(nextPollDelaySeconds(['pending_po_upload', 'pending_review'], 0, policy)).toBe(3600);
    expect(nextPollDelaySeconds(['po_upload_complete'], 1, policy)).toBe(3600);
    expect(nextPollDelaySeconds(['pending_po_upload', 'pending'], 0, policy)).toBe(30);
  });

  test('never sooner than Retry-After', () => {
    expect(nextPollDelaySeconds(['pending'], 0, policy, 120)).toBe(120);
    expect(nextPollDelaySeconds(['pending'], 5, policy, 10)).toBe(900);
  });
});

describe('pendingOrders', () => {
  test('keeps everything that is not terminal, including unknown statuses', () => {
    const orders = ['pending', 'completed', 'error', 'suspended', 'pending_review', 'partial_success', 'brand_new_status'].map((s, i) => order(`o${i}`, s));
    expect(pendingOrders(orders).map((o) => o.status)).toEqual(['pending', 'suspended', 'pending_review', 'brand_new_status']);
  });
});

describe('canCheckOut', () => {
  const expiresAt = '2026-03-02T10:00:00.000Z';
  test('only while more than the margin is left', () => {
    expect(canCheckOut(new Date('2026-03-02T09:54:59.999Z'), expiresAt, { cartExpiryMarginSeconds: 300 })).toBe(true);
    expect(canCheckOut(new Date('2026-03-02T09:55:00.000Z'), expiresAt, { cartExpiryMarginSeconds: 300 })).toBe(false);
    expect(canCheckOut(new Date('2026-03-02T11:00:00.000Z'), expiresAt, DEFAULT_WORKFLOW_POLICY)).toBe(false);
  });
});

describe('settledStatus', () => {
  test.each<[string[], number, string]>([
    [['completed', 'completed'], 0, 'completed'],
    [['completed'], 1, 'partiallyCompleted'],
    [['completed', 'error'], 0, 'partiallyCompleted'],
    [['partial_success'], 0, 'partiallyCompleted'],
    [['error', 'cancelled'], 0, 'failed'],
    [['po_review_rejected'], 0, 'failed'],
    [[], 1, 'failed'],
  ])('%j with %i refused order groups → %s', (statuses, groupErrors, expected) => {
    expect(settledStatus(statuses.map((s, i) => order(`o${i}`, s)), groupErrors)).toBe(expected);
  });
});
