// When to look at pending orders again. Pure functions of the poll count and the statuses, so the orchestrator stays
// deterministic and the schedule can be tested on its own.

import { HUMAN_WAIT_ORDER_STATUSES, TERMINAL_ORDER_STATUSES } from '../shared/partner-center/models';
import type { OrderSummary } from '../shared/orders/outcome';
import type { WorkflowPolicy } from './policy';

type PollingSettings = Pick<WorkflowPolicy, 'pollInitialSeconds' | 'pollMaxSeconds' | 'humanWaitPollSeconds'>;

export const isSettled = (order: Pick<OrderSummary, 'status'>) => TERMINAL_ORDER_STATUSES.has(order.status);

export const pendingOrders = <T extends Pick<OrderSummary, 'status'>>(orders: readonly T[]): T[] => orders.filter((o) => !isSettled(o));

/**
 * Seconds until the next poll: 30 s doubling per poll up to the cap; when every pending order waits for people
 * (PO upload, deal review) the slow interval; never sooner than a Retry-After Partner Center asked for.
 */
export function nextPollDelaySeconds(
  pendingStatuses: readonly string[],
  pollCount: number,
  policy: PollingSettings,
  retryAfterSeconds = 0,
): number {
  const waitingForPeople = pendingStatuses.length > 0 && pendingStatuses.every((s) => HUMAN_WAIT_ORDER_STATUSES.has(s));
  const backoff = Math.min(policy.pollInitialSeconds * 2 ** Math.min(pollCount, 30), policy.pollMaxSeconds);
  const interval = waitingForPeople ? Math.max(backoff, policy.humanWaitPollSeconds) : backoff;
  return Math.max(interval, retryAfterSeconds);
}
