// The workflow's decisions that are pure functions of time, counts and statuses: when a cart may still be checked
// out, how long to wait, and what the final statuses add up to. The orchestration calls them; tests check them alone.

import type { WorkflowPolicy } from '../shared/config';
import { HUMAN_WAIT_ORDER_STATUSES, TERMINAL_ORDER_STATUSES } from '../shared/partner-center/models';
import type { FailureReason, OrderSummary, OutcomeError, OutcomeStatus } from '../shared/orders';

/** Failures that pass by themselves: waited out on durable timers until the order's deadline. */
export const PASSING_FAILURES: ReadonlySet<FailureReason> = new Set(['throttled', 'unavailable', 'credentialsUnavailable']);

export const addMs = (instant: Date, ms: number): Date => new Date(instant.getTime() + ms);
export const isoOf = (instant: Date): string => instant.toISOString();
export const isAtOrAfter = (now: Date, instant: string): boolean => now.getTime() >= Date.parse(instant);

/**
 * Expiry is read, not assumed: check out only while at least the margin is left before expirationTimestamp (carts
 * live 7 days now, 15 minutes in older API versions; reference partner-center-api.md §1.2). An unreadable expiry is
 * "no known limit", rather than a reason to recreate carts forever.
 */
export function canCheckOut(now: Date, expiresAt: string, policy: Pick<WorkflowPolicy, 'cartExpiryMarginMs'>): boolean {
  const expiry = Date.parse(expiresAt);
  return Number.isNaN(expiry) || now.getTime() < expiry - policy.cartExpiryMarginMs;
}

/** The order status of a Partner Center order that waits for the partner to upload a purchase order. */
export const PURCHASE_ORDER_WAIT = 'pending_po_upload';

export const isSettled = (order: Pick<OrderSummary, 'status'>) => TERMINAL_ORDER_STATUSES.has(order.status);
export const pendingOrders = <T extends Pick<OrderSummary, 'status'>>(orders: readonly T[]): T[] => orders.filter((o) => !isSettled(o));
export const waitForPeople = (pending: readonly Pick<OrderSummary, 'status'>[]) =>
  pending.length > 0 && pending.every((o) => HUMAN_WAIT_ORDER_STATUSES.has(o.status));

/**
 * Until the next poll: the first interval doubling per completed poll, up to the cap; the slow rate while every
 * pending order waits for people (PO upload, deal review).
 */
export function nextPollDelayMs(pending: readonly Pick<OrderSummary, 'status'>[], polls: number, policy: WorkflowPolicy): number {
  const backoff = Math.min(policy.pollInitialMs * 2 ** Math.min(polls, 30), policy.pollMaxMs);
  return waitForPeople(pending) ? Math.max(backoff, policy.humanWaitPollMs) : backoff;
}

/** The n-th (0-based) wait of an outage: doubling from the first interval up to the cap. */
export const outageDelayMs = (n: number, policy: WorkflowPolicy) => Math.min(policy.outageRetryInitialMs * 2 ** Math.min(n, 30), policy.outageRetryMaxMs);

/**
 * Up to `retryJitterMs`, derived from the instance id and the wait's number (FNV-1a), so orders throttled at the same
 * moment retry at different moments while every replay computes the same value.
 */
export function jitterMs(instanceId: string, n: number, policy: Pick<WorkflowPolicy, 'retryJitterMs'>): number {
  if (policy.retryJitterMs <= 0) return 0;
  let hash = 0x811c9dc5;
  for (const char of `${instanceId}#${n}`) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % (policy.retryJitterMs + 1);
}

const FAILED_ORDER_STATUSES = new Set(['error', 'cancelled', 'po_review_rejected']);
/**
 * Settled and bought, but not (wholly) usable: `partial_success` provisioned only some subscriptions; `suspended` was
 * bought and is billed, but the partner suspended its subscription (order-resources.md; subscription-lifecycle.md).
 */
const BOUGHT_NOT_COMPLETED_STATUSES = new Set(['partial_success', 'suspended']);

/**
 * completed: every order completed and no order group was refused; partiallyCompleted: something was bought (an order
 * completed, partly succeeded or was suspended), so it is never `failed`.
 */
export function settledStatus(orders: readonly OrderSummary[], errors: readonly OutcomeError[]): OutcomeStatus {
  const completed = orders.filter((o) => o.status === 'completed').length;
  const refusedGroups = errors.some((e) => e.source === 'orderGroup' || (e.source === 'workflow' && e.reason === 'ordersIncomplete'));
  if (orders.length > 0 && completed === orders.length && !refusedGroups) return 'completed';
  if (completed > 0 || orders.some((o) => BOUGHT_NOT_COMPLETED_STATUSES.has(o.status))) return 'partiallyCompleted';
  return 'failed';
}

const NOT_COMPLETED_DETAIL: Record<string, string> = {
  suspended: ': it was bought and is billed, but its subscription is suspended (not usable) until the partner reactivates it',
  unknown: ": Partner Center has not said whether it was bought; check Partner Center",
};

/**
 * One error per order that did not end completed, so the ERP sees why without reading statuses: those that ended
 * without (all of) their purchase, suspended ones, and (in a timedOut outcome) ones still `unknown`.
 */
export function orderStatusErrors(orders: readonly OrderSummary[]): OutcomeError[] {
  return orders
    .filter((o) => FAILED_ORDER_STATUSES.has(o.status) || BOUGHT_NOT_COMPLETED_STATUSES.has(o.status) || o.status === 'unknown')
    .map((o) => ({
      source: 'workflow',
      reason: 'orderNotCompleted',
      message: `Partner Center order ${o.id} ${o.status === 'unknown' ? 'still had' : 'ended with'} status ${o.status}${NOT_COMPLETED_DETAIL[o.status] ?? ''}`,
    }));
}

/**
 * What the status shows while orders read `unknown` (OrderStatus 0, "Enum initializer", order-resources.md): not
 * settled, so the workflow keeps asking, and says so rather than looking like an order that is simply processing.
 */
export function undeterminedOrderNote(orders: readonly Pick<OrderSummary, 'id' | 'status'>[]): string | null {
  const ids = orders.filter((o) => o.status === 'unknown').map((o) => o.id);
  return ids.length === 0 ? null : `Partner Center reports status unknown for order${ids.length > 1 ? 's' : ''} ${ids.join(', ')}; asking again`;
}

/** The n-th (0-based) wait for a checked-out cart's orders once the recovery window has closed: doubling to the poll cap. */
export const recoveryDelayMs = (n: number, policy: WorkflowPolicy) => Math.min(policy.recoveryRetryMs * 2 ** Math.min(n, 30), Math.max(policy.pollMaxMs, policy.recoveryRetryMs));
