// After 800065, a busy cart or a checkout whose answer was lost: find out what Partner Center did with the cart
// instead of guessing, and recover the orders it produced.

import { ACTIVITY, type CartRef, type RecoverOrdersResult } from './activities/contracts';
import { callActivity, waitSeconds, type OrderRun, type Step } from './orderRun';
import { finished, partnerCenterError, workflowError, type Finished, type Submitted } from './stepResults';
import { addSeconds, isAtOrAfter, isoOf } from './time';

/**
 * Finds the orders of a cart that was (or may have been) checked out without us seeing the answer. The order list
 * lags, so it looks again on a timer until the window closes; `notOrdered` means checkout never happened.
 */
export function* recoverOrders(run: OrderRun, ref: CartRef): Step<Submitted | Finished | { kind: 'notOrdered' }> {
  run.report({ stage: 'recoveringOrders' });
  const windowEnd = addSeconds(run.now(), run.policy.recoveryWindowSeconds);
  let throttled = 0;
  for (;;) {
    const call = yield* callActivity<RecoverOrdersResult>(run, ACTIVITY.recoverOrders, ref);
    if (!call.ok) return finished('failed', ref.cartId, [workflowError(`could not tell whether cart ${ref.cartId} was checked out: ${call.error}`)]);
    const result = call.value;
    switch (result.kind) {
      case 'notOrdered':
        return result;
      case 'rejected':
        return finished('failed', ref.cartId, [partnerCenterError(result.error)]);
      case 'throttled':
        if (++throttled > run.policy.maxThrottleWaits) return finished('failed', ref.cartId, [workflowError('Partner Center kept throttling order recovery')]);
        yield* waitSeconds(run, result.retryAfterSeconds);
        break;
      case 'recovered': {
        const timeUp = isAtOrAfter(run.now(), windowEnd);
        if (result.complete || (timeUp && result.orders.length > 0)) {
          run.report({ lastError: null });
          const errors = result.complete ? [] : [workflowError(`only some orders of cart ${ref.cartId} appeared in Partner Center's order list`)];
          return { kind: 'submitted', cartId: ref.cartId, orders: result.orders, errors, submittedAt: isoOf(run.now()) };
        }
        if (timeUp) {
          return finished('failed', ref.cartId, [workflowError(`cart ${ref.cartId} was checked out but its orders did not appear in the order list within ${run.policy.recoveryWindowSeconds / 60} minutes`)]);
        }
        run.report({ lastError: `orders of cart ${ref.cartId} not yet in the order list (it lags up to 15 minutes)` });
        yield* waitSeconds(run, run.policy.recoveryRetrySeconds);
      }
    }
  }
}
