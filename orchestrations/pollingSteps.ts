// Step 3 of processOrder: poll every pending order on durable timers until all have settled or the deadline passes.
// After `pollsPerExecution` polls the orchestration continues as new with its state, so history stays bounded.

import type { OrderSummary } from '../shared/orders';
import { ACTIVITY, type GetOrderStatusResult, type OrderRef } from './activities/contracts';
import type { PollingState } from './contracts';
import { callActivity, type OrderRun, type Step } from './orderRun';
import { nextPollDelaySeconds, pendingOrders } from './pollingPolicy';
import { addSeconds, earlier, isAtOrAfter, isoOf } from './time';

export type PollingEnd = { kind: 'settled' | 'timedOut'; state: PollingState } | { kind: 'continuedAsNew' };

export function* pollUntilSettled(run: OrderRun, state: PollingState): Step<PollingEnd> {
  let pollsThisExecution = 0;
  let retryAfterSeconds = 0;
  reportPolling(run, state);
  for (;;) {
    const pending = pendingOrders(state.orders);
    if (pending.length === 0) return { kind: 'settled', state };
    if (isAtOrAfter(run.now(), state.deadline)) return { kind: 'timedOut', state };
    if (pollsThisExecution >= run.policy.pollsPerExecution) {
      // Not yielded: continueAsNew is fire-and-forget in the JS SDK.
      run.df.continueAsNew({ ...run.input, resume: state });
      return { kind: 'continuedAsNew' };
    }

    const delay = nextPollDelaySeconds(pending.map((o) => o.status), state.pollCount, run.policy, retryAfterSeconds);
    const fireAt = earlier(addSeconds(run.now(), delay), new Date(Date.parse(state.deadline)));
    run.report({ nextCheckAt: isoOf(fireAt) });
    yield run.df.createTimer(fireAt);

    retryAfterSeconds = 0;
    for (const order of pending) {
      const ref: OrderRef = { instanceId: run.instanceId, customerId: run.input.request.customerId, orderId: order.id };
      const call = yield* callActivity<GetOrderStatusResult>(run, ACTIVITY.getOrderStatus, ref);
      if (!call.ok) {
        state = { ...state, lastError: `reading order ${order.id} failed: ${call.error}` };
      } else if (call.value.kind === 'order') {
        state = { ...state, orders: replaceOrder(state.orders, call.value.order), lastError: null };
      } else if (call.value.kind === 'rejected') {
        state = { ...state, lastError: `reading order ${order.id}: ${call.value.error.description}` };
      } else {
        // Throttled: stop this round; the next poll waits at least Retry-After.
        retryAfterSeconds = call.value.retryAfterSeconds;
        state = { ...state, lastError: `throttled by Partner Center; next poll after at least ${retryAfterSeconds} s` };
        break;
      }
    }
    state = { ...state, pollCount: state.pollCount + 1 };
    pollsThisExecution++;
    reportPolling(run, state);
  }
}

function replaceOrder(orders: OrderSummary[], updated: OrderSummary): OrderSummary[] {
  return orders.map((o) => (o.id === updated.id ? updated : o));
}

function reportPolling(run: OrderRun, state: PollingState): void {
  run.report({
    stage: 'waitingForOrders',
    cartId: state.cartId,
    orders: state.orders.map(({ id, status }) => ({ id, status })),
    attempts: { ...run.status.attempts, polls: state.pollCount },
    lastError: state.lastError,
    nextCheckAt: null,
  });
}
