// GET /orders/{id} and GET /orders.
import { BILLING_CYCLES, TERMINAL_ORDER_STATUSES } from '../../shared/partner-center/models';
import { currentStatus, orderToWire } from './orderLifecycle';
import { errorResponse, json, quote } from './responses';
import type { ServiceHandler } from './serviceContext';

/** Each GET by id counts as one poll and moves the order along its path (orderLifecycle.ts). */
export const getOrder: ServiceHandler = (state, request) => {
  const { customerId, orderId } = request.params;
  const order = state.store.getOrder(customerId, orderId);
  if (!order) return errorResponse(404, 20000, `Order ID not found: no order ${orderId} exists for customer ${customerId}.`);
  const status = currentStatus(order, state.clock.now());
  order.polls += 1;
  return json(200, orderToWire(order, status));
};

/**
 * GET /orders/{id}/provisioningstatus, which the order's links point to. Per line: fulfilled once its subscription
 * exists, unfulfilled when the order ended without it, else prefulfillmentPending (get-order-provisioning-status.md).
 * The service allows this call for App+User tokens only; the simulator does not tell the two apart. Not a poll.
 */
export const getProvisioningStatus: ServiceHandler = (state, request) => {
  const { customerId, orderId } = request.params;
  const order = state.store.getOrder(customerId, orderId);
  if (!order) return errorResponse(404, 20000, `Order ID not found: no order ${orderId} exists for customer ${customerId}.`);
  const wire = orderToWire(order, currentStatus(order, state.clock.now()));
  const ended = TERMINAL_ORDER_STATUSES.has(wire.status);
  const items = wire.lineItems.map((line) => {
    const status = line.subscriptionId ? 'fulfilled' : ended ? 'unfulfilled' : 'prefulfillmentPending';
    return { lineItemNumber: line.lineItemNumber, status, quantityProvisioningInformation: [{ quantity: line.quantity, status }] };
  });
  return json(200, { totalCount: items.length, items, attributes: { objectType: 'Collection' } });
};

/** BillingCycleType by its numeric value (the .NET SDK's enum: Unknown=0 … Biennial=6). */
const CYCLE_BY_NUMBER = ['unknown', 'monthly', 'annual', 'none', 'one_time', 'triennial', 'biennial'];

/**
 * The forms of `billingType` the sources show: the wire name (`one_time`, the Order's billingCycle), the docs' request
 * example `billingType=onetime` (get-a-list-of-orders-by-customer-and-billing-cycle-type.md), the .NET SDK's
 * BillingCycleType.ToString() (`OneTime`, OrderCollectionByBillingCycleTypeOperations) and the REST reference's int32.
 * Which of them the service accepts is not documented beyond that; each means one cycle.
 */
function billingTypeFilter(raw: string): string | undefined {
  const value = raw.trim();
  if (/^\d{1,2}$/.test(value)) return CYCLE_BY_NUMBER[Number(value)];
  const key = value.replace(/_/g, '').toLowerCase();
  return BILLING_CYCLES.find((cycle) => cycle.replace(/_/g, '') === key);
}

/**
 * The list hides orders younger than knobs.orderListingDelayMs: the service documents "a delay of up to 15 minutes
 * between the time an order is submitted and when it will appear in a collection of a customer's orders".
 * Listing does not count as a poll.
 */
export const listOrders: ServiceHandler = (state, request) => {
  const { customerId } = request.params;
  const rawBillingType = request.query.get('billingType');
  const billingType = rawBillingType ? billingTypeFilter(rawBillingType) : undefined;
  if (rawBillingType && !billingType)
    return errorResponse(400, 800002, `Invalid request input: billingType must be a billing cycle type such as monthly, annual, one_time (also onetime, OneTime or 4), none, got ${quote(rawBillingType)}.`);
  const now = state.clock.now();
  const visible = state.store
    .ordersOf(customerId)
    .filter((order) => now - order.createdAt >= state.knobs().orderListingDelayMs)
    .filter((order) => !billingType || order.billingCycle === billingType);
  return json(200, {
    totalCount: visible.length,
    items: visible.map((order) => orderToWire(order, currentStatus(order, now))),
    links: { self: { uri: `/customers/${customerId}/orders`, method: 'GET', headers: [] } },
    attributes: { objectType: 'Collection' },
  });
};
