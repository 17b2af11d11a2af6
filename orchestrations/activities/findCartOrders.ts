// After 800065 or a checkout whose answer was lost: find out what Partner Center did with the cart. Read the cart; if
// it is `Ordered`, look for the customer's orders created since the cart whose items are the cart's items. The order
// list lags up to 15 minutes (reference §2.1), so an incomplete match is reported as such and the orchestration looks
// again later.

import { randomUUID } from 'node:crypto';
import { requestIds, type OrderSummary } from '../../shared/orders';
import type { Cart, Order } from '../../shared/partner-center';
import { failedWith, succeeded, type ActivityResult } from './activityResult';
import type { CartRef } from './checkoutCart';
import { logOf, type OrderActivityDeps } from './deps';
import { summarizeOrder } from './orderSummary';

export type CartOrders =
  /** The cart is still `Active`: checkout never happened, so it can be tried again. */
  | { kind: 'notOrdered' }
  /** `complete` is false while the order list does not yet show every cart item. */
  | { kind: 'ordered'; orders: OrderSummary[]; complete: boolean };

/** Clock skew tolerated between the cart's and the orders' timestamps. */
const SKEW_MS = 5 * 60_000;

export function findCartOrdersActivity(deps: OrderActivityDeps) {
  const newRequestId = deps.newRequestId ?? randomUUID;
  return async (input: CartRef): Promise<ActivityResult<CartOrders>> => {
    const { instanceId, customerId, cartId } = input;
    const correlationId = requestIds.correlation(instanceId);
    try {
      const cart = await deps.partnerCenter.getCart(customerId, cartId, { requestId: newRequestId(), correlationId });
      if (cart.status.toLowerCase() !== 'ordered') return succeeded({ kind: 'notOrdered' });
      const list = await deps.partnerCenter.listOrders(customerId, { requestId: newRequestId(), correlationId });
      const orders = ordersOfCart(cart, list.items);
      const offers = new Set(orders.flatMap((order) => order.lineItems.map((line) => line.offerId.toUpperCase())));
      const complete = cart.lineItems.every((line) => line.error !== undefined || offers.has(line.catalogItemId.toUpperCase()));
      return succeeded({ kind: 'ordered', orders: orders.map(summarizeOrder), complete });
    } catch (error) {
      return failedWith(error, logOf(deps));
    }
  };
}

/** Orders created after the cart whose every line is one of the cart's catalog items. */
export function ordersOfCart(cart: Cart, orders: Order[]): Order[] {
  const catalogItems = new Set(cart.lineItems.map((line) => line.catalogItemId.toUpperCase()));
  const since = Date.parse(cart.creationTimestamp) - SKEW_MS;
  return orders.filter((order) => {
    const created = order.creationDate === undefined ? NaN : Date.parse(order.creationDate);
    const recentEnough = Number.isNaN(created) || Number.isNaN(since) || created >= since;
    return recentEnough && order.lineItems.length > 0 && order.lineItems.every((line) => catalogItems.has(line.offerId.toUpperCase()));
  });
}
