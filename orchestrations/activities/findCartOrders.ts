// After 800065 or a checkout whose answer was lost: find out what Partner Center did with the cart, and which orders
// it produced. Read the cart; if it is `Ordered`, ask Partner Center for the checkout's result again: the checkout is
// documented as idempotent ("If a cart was successfully checked out previously and an additional checkout call is made
// to that same cart, the API response will re-iterate the information returned after initial checkout", reference
// partner-center-api.md §1.5), and it is sent with the MS-RequestId of the checkout call whose answer is missing (a
// new one after an answer such as 800065), so Partner Center's idempotency promises tie the answer to this cart and
// nothing else.
//
// Nothing else ties an order to its cart: an order carries no cart id, and the only partner-defined line fields it
// keeps (friendlyName, provisioningContext) are the ERP's, not promised verbatim, and the same for two orders of the
// same items. So when Partner Center will not repeat the result (400/800065), the customer's orders with the cart's
// items are only candidates: the workflow says `unknown` and names them, never claims them (README, "Which orders
// are an order's").

import { randomUUID } from 'node:crypto';
import { describeFailure, requestIds, type OrderSummary } from '../../shared/orders';
import { PartnerCenterResponseShapeError, type Cart, type Order } from '../../shared/partner-center';
import { failedWith, succeeded, type ActivityResult } from './activityResult';
import type { CartRef, OrderGroupError } from './checkoutCart';
import { logOf, type OrderActivityDeps } from './deps';
import { summarizeOrder } from './orderSummary';

export type CartOrders =
  /** The cart is still `Active`: checkout never happened, so it can be tried again. */
  | { kind: 'notOrdered' }
  /**
   * Partner Center repeated the cart's checkout result: exactly the orders this cart produced, and the order groups
   * it could not order. `complete` is always true now; histories recorded before kept `false` while the order list
   * lagged behind the cart.
   */
  | { kind: 'ordered'; orders: OrderSummary[]; complete: boolean; orderErrors?: OrderGroupError[] }
  /**
   * The cart was checked out, but Partner Center would not repeat the result. `candidates`: ids of the customer's
   * orders created since the cart with only the cart's items, which may as well be another order's (at most
   * MAX_CANDIDATES).
   */
  | { kind: 'untied'; candidates: string[]; moreCandidates: number };

/** Clock skew tolerated between the cart's and the orders' timestamps. */
const SKEW_MS = 5 * 60_000;
/** Candidate ids named in an `untied` answer (and so in the outcome's error message). */
export const MAX_CANDIDATES = 10;

export function findCartOrdersActivity(deps: OrderActivityDeps) {
  const newRequestId = deps.newRequestId ?? randomUUID;
  return async (input: CartRef): Promise<ActivityResult<CartOrders>> => {
    const { instanceId, customerId, cartId, requestSequence } = input;
    const correlationId = requestIds.correlation(instanceId);
    try {
      const cart = await deps.partnerCenter.getCart(customerId, cartId, { requestId: newRequestId(), correlationId });
      if (cart.status === 'Active') return succeeded({ kind: 'notOrdered' });
      // Only `Active` says "not ordered": a missing or unknown status is an answer that cannot be read, waited out.
      if (cart.status !== 'Ordered') throw new PartnerCenterResponseShapeError('cart status', `"Active" or "Ordered" (got ${JSON.stringify(cart.status).slice(0, 40)})`);
      try {
        // The cart is Ordered, so this cannot buy anything: Partner Center repeats what the checkout produced.
        // The id of the checkout call whose answer is missing: if that call committed, this is its retry.
        const repeated = await deps.partnerCenter.checkout(customerId, cartId, { requestId: requestIds.checkout(instanceId, cartId, requestSequence), correlationId });
        return succeeded({
          kind: 'ordered',
          orders: repeated.orders.map(summarizeOrder),
          complete: true,
          orderErrors: repeated.orderErrors.map(({ orderGroupId, code, description }) => ({ orderGroupId, code, description })),
        });
      } catch (error) {
        if (describeFailure(error)?.reason !== 'cartAlreadySubmitted') throw error;
        logOf(deps)(`cart ${cartId} is Ordered and Partner Center would not repeat its checkout result (800065); its orders cannot be identified`);
      }
      const list = await deps.partnerCenter.listOrders(customerId, { requestId: newRequestId(), correlationId });
      const candidates = candidateOrders(cart, list.items).map((order) => order.id);
      return succeeded({ kind: 'untied', candidates: candidates.slice(0, MAX_CANDIDATES), moreCandidates: Math.max(0, candidates.length - MAX_CANDIDATES) });
    } catch (error) {
      return failedWith(error, logOf(deps));
    }
  };
}

/**
 * Orders that could be the cart's: created since the cart, every line one of its catalog items. Only ever named as
 * candidates for an operator; two orders of the same customer and items look exactly alike here.
 */
export function candidateOrders(cart: Cart, orders: Order[]): Order[] {
  const catalogItems = new Set(cart.lineItems.map((line) => line.catalogItemId.toUpperCase()));
  const since = Date.parse(cart.creationTimestamp) - SKEW_MS;
  return orders.filter((order) => {
    const created = order.creationDate === undefined ? NaN : Date.parse(order.creationDate);
    const recentEnough = Number.isNaN(created) || Number.isNaN(since) || created >= since;
    return recentEnough && order.lineItems.length > 0 && order.lineItems.every((line) => catalogItems.has(line.offerId.toUpperCase()));
  });
}
