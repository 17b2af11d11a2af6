// Checks the cart out. The MS-RequestId is derived from the instance, the cart and the answers the checkout has had,
// so every retry of a call whose answer was lost (a later try after an outage, a re-run after a crash) is the same
// request to Partner Center, and a call after an answer is a new one.

import { requestIds, type OrderSummary } from '../../shared/orders';
import { failedWith, succeeded, type ActivityResult } from './activityResult';
import { logOf, type OrderActivityDeps } from './deps';
import { summarizeOrder } from './orderSummary';

export interface CartRef {
  instanceId: string;
  customerId: string;
  cartId: string;
  /** Answers this cart's checkout has had: the MS-RequestId's sequence (requestIds.checkout). Absent: 0. */
  requestSequence?: number;
}

export interface OrderGroupError {
  orderGroupId: string;
  code: number;
  description: string;
}

export interface CheckedOut {
  orders: OrderSummary[];
  orderErrors: OrderGroupError[];
}

export function checkoutCartActivity(deps: OrderActivityDeps) {
  return async (input: CartRef): Promise<ActivityResult<CheckedOut>> => {
    const { instanceId, customerId, cartId, requestSequence } = input;
    const ctx = { requestId: requestIds.checkout(instanceId, cartId, requestSequence), correlationId: requestIds.correlation(instanceId) };
    try {
      const result = await deps.partnerCenter.checkout(customerId, cartId, ctx);
      return succeeded({
        orders: result.orders.map(summarizeOrder),
        orderErrors: result.orderErrors.map(({ orderGroupId, code, description }) => ({ orderGroupId, code, description })),
      });
    } catch (error) {
      return failedWith(error, logOf(deps));
    }
  };
}
