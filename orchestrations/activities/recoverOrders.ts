// After 800065 (the cart was already submitted, but this workflow never saw the answer) find the orders the cart
// produced: read the cart, and if it is `Ordered`, look for the customer's orders created since the cart whose items
// are the cart's items. The order list lags up to 15 minutes (reference §2.1), so an incomplete match is reported as
// such and the orchestrator looks again later.

import { requestIds } from '../../shared/orders';
import type { Cart, Order } from '../../shared/partner-center';
import type { CartRef, RecoverOrdersResult } from './contracts';
import type { OrderActivityDeps } from './deps';
import { summarizeOrder } from './orderSummary';
import { throttledOrRejected } from './partnerCenterFailures';
import { randomUUID } from 'node:crypto';

/** Clock skew tolerated between the cart's and the orders' timestamps. */
const SKEW_MS = 5 * 60_000;

export function recoverOrdersActivity(deps: OrderActivityDeps) {
  const newRequestId = deps.newRequestId ?? randomUUID;
  return async function recoverOrders(input: CartRef): Promise<RecoverOrdersResult> {
    const { instanceId, customerId, cartId } = input;
    const correlationId = requestIds.correlation(instanceId);
    try {
      const cart = await deps.partnerCenter.getCart(customerId, cartId, { requestId: newRequestId(), correlationId });
      if (cart.status.toLowerCase() !== 'ordered') return { kind: 'notOrdered' };
      const list = await deps.partnerCenter.listOrders(customerId, { requestId: newRequestId(), correlationId });
      const orders = ordersOfCart(cart, list.items);
      const offers = new Set(orders.flatMap((order) => order.lineItems.map((line) => line.offerId.toUpperCase())));
      const complete = cart.lineItems.every((line) => line.error !== undefined || offers.has(line.catalogItemId.toUpperCase()));
      return { kind: 'recovered', orders: orders.map(summarizeOrder), complete };
    } catch (error) {
      return throttledOrRejected(error);
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
