// Checks the cart out. The MS-RequestId is derived from the instance and the cart, so every retry of this checkout
// (Durable retries, a re-run after a crash) is the same request to Partner Center.

import { requestIds } from '../../shared/orders';
import { PartnerCenterError, PartnerCenterNotFoundError } from '../../shared/partner-center';
import type { CartRef, CheckoutResult } from './contracts';
import type { OrderActivityDeps } from './deps';
import { summarizeOrder } from './orderSummary';
import { codeOf, throttledOrRejected } from './partnerCenterFailures';

/** 409/800064 "Cart {0} is being processed by another request"; 400/800065 "can't check out an already submitted cart". */
const BEING_PROCESSED = '800064';
const ALREADY_SUBMITTED = '800065';
/** 404/800008 "Unable to retrieve cart ID": the cart is gone (expired carts are not documented; reference §1.5). */
const CART_NOT_FOUND = '800008';

export function checkoutCartActivity(deps: OrderActivityDeps) {
  return async function checkoutCart(input: CartRef): Promise<CheckoutResult> {
    const { instanceId, customerId, cartId } = input;
    const ctx = { requestId: requestIds.checkout(instanceId, cartId), correlationId: requestIds.correlation(instanceId) };
    try {
      const result = await deps.partnerCenter.checkout(customerId, cartId, ctx);
      return {
        kind: 'submitted',
        orders: result.orders.map(summarizeOrder),
        orderErrors: result.orderErrors.map(({ orderGroupId, code, description }) => ({ orderGroupId, code, description })),
      };
    } catch (error) {
      if (error instanceof PartnerCenterError) {
        const code = codeOf(error);
        if (error.status === 409 && code === BEING_PROCESSED) return { kind: 'busy' };
        if (code === ALREADY_SUBMITTED) return { kind: 'alreadySubmitted' };
        if (error instanceof PartnerCenterNotFoundError && (code === CART_NOT_FOUND || code === undefined)) return { kind: 'expired' };
        if (/expired/i.test(error.description ?? '')) return { kind: 'expired' };
      }
      return throttledOrRejected(error);
    }
  };
}
