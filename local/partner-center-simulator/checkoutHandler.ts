// POST /carts/{id}/checkout. Decisions for what the docs leave open (reference §1.5, §9.4):
// - a cart already ordered: knobs.checkoutReplay 'idempotent' repeats the first result (documented), 'reject' → 400/800065;
// - a checkout while another is committing → 409/800064 (the window is knobs.checkoutProcessingMs);
// - an expired cart → 400/800002 or 404/800008 (knobs.expiredCartCheckout), the description says it expired;
// - a cart with line-item errors → 400/800009 "Error in Cart item(s)" naming the items;
// - a cart holding an item with `checkoutRefusal` → that status and code (e.g. 403/13605), nothing bought, cart Active;
// - a line whose availability was withdrawn after the cart was made → 404/400019 "Availability not found" (error-codes.md);
// - groups whose catalog item is configured to fail land in orderErrors; the cart becomes Ordered when at least one
//   order was created. When every group failed the cart stays Active so the checkout can be re-attempted
//   ("In a scenario where an order fails due to error, the call can be made again").
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { CartCheckoutResult, OrderError } from '../../shared/partner-center/models';
import { cartNotFound, expiredDescription, isExpired, itemRefusal } from './cartHandlers';
import type { StoredLineItem } from './lineItems';
import { orderToWire, currentStatus, settleSettings } from './orderLifecycle';
import { errorResponse, json, type SimResponse } from './responses';
import type { ServiceHandler, SimulatorState } from './serviceContext';
import type { CartRecord, OrderRecord } from './store';

export const checkoutCart: ServiceHandler = async (state, request) => {
  const { customerId, cartId } = request.params;
  const cart = state.store.getCart(customerId, cartId);
  if (!cart) return cartNotFound(customerId, cartId);
  if (cart.checkoutInProgress) return errorResponse(409, 800064, `Cart ${cart.id} is being processed by another request.`);
  const knobs = state.knobs();
  if (cart.status === 'Ordered' && cart.checkoutResult) {
    return knobs.checkoutReplay === 'idempotent'
      ? json(201, cart.checkoutResult)
      : errorResponse(400, 800065, `can't check out an already submitted cart ${cart.id}.`);
  }
  if (isExpired(cart, state.clock.now())) {
    return knobs.expiredCartCheckout === 'not-found'
      ? errorResponse(404, 800008, `Unable to retrieve cart ID: ${expiredDescription(cart)}`)
      : errorResponse(400, 800002, `Invalid request input: ${expiredDescription(cart)}`);
  }
  const attestationNeeded = knobs.requirePartnerAttestation === 'always' || (knobs.requirePartnerAttestation === 'withParticipants' && cart.lineItems.some((item) => item.participants?.length));
  if (attestationNeeded && cart.partnerOnRecordAttestationAccepted !== true) {
    const why = knobs.requirePartnerAttestation === 'always' ? '' : ' and names a reseller (participants)';
    return errorResponse(400, 900206, `Partner Attestation is missing: cart ${cart.id} was created without PartnerOnRecordAttestationAccepted: true${why}.`);
  }
  const broken = cart.lineItems.filter((item) => item.problem);
  if (broken.length) {
    const list = broken.map((item) => `line item ${item.id} (${item.catalogItemId || 'no catalogItemId'}): ${item.problem!.code ?? item.problem!.name}`).join('; ');
    return errorResponse(400, 800009, `Error in Cart item(s): ${list}. Fix or remove them with PUT before checking out.`);
  }
  const refused = itemRefusal(state, cart.lineItems, 'checkoutRefusal', `the checkout of cart ${cart.id}`);
  if (refused) return refused;
  const withdrawn = cart.lineItems.find((item) => catalogEntry(state, item).withdrawn);
  if (withdrawn)
    return errorResponse(404, 400019, `Availability not found: line item ${withdrawn.id} (${withdrawn.catalogItemId}) is no longer sold. Get the current availability id and update the cart before checking out.`);
  cart.checkoutInProgress = true;
  try {
    if (knobs.checkoutProcessingMs > 0) await delay(knobs.checkoutProcessingMs);
    return commitCheckout(state, cart);
  } finally {
    cart.checkoutInProgress = false;
  }
};

function commitCheckout(state: SimulatorState, cart: CartRecord): SimResponse {
  const result: CartCheckoutResult = { orders: [], orderErrors: [] };
  for (const [groupId, items] of groupsOf(cart.lineItems)) {
    const failure = checkoutFailure(state, groupId, items);
    if (failure) {
      result.orderErrors.push(failure);
      continue;
    }
    const order = createOrder(state, cart, groupId, items);
    state.store.addOrder(order);
    result.orders.push(orderToWire(order, currentStatus(order, order.createdAt)));
  }
  if (result.orders.length > 0) {
    cart.status = 'Ordered';
    cart.checkoutResult = result;
    cart.modifiedAt = state.clock.now();
    state.store.recordCheckout(cart.customerId);
  }
  return json(201, result);
}

function groupsOf(items: StoredLineItem[]): Map<string, StoredLineItem[]> {
  const groups = new Map<string, StoredLineItem[]>();
  for (const item of items) groups.set(item.orderGroup!, [...(groups.get(item.orderGroup!) ?? []), item]);
  return groups;
}

/** The catalog is read at checkout (not at cart creation) so that behaviour changed at run time applies. */
const catalogEntry = (state: SimulatorState, item: StoredLineItem) => state.catalog.find(item.catalogItemId) ?? item.catalogItem!;

function checkoutFailure(state: SimulatorState, groupId: string, items: StoredLineItem[]): OrderError | undefined {
  for (const item of items) {
    const failure = catalogEntry(state, item).behaviour.checkoutFailure;
    if (!failure || (failure.times !== undefined && failure.times <= 0)) continue;
    if (failure.times !== undefined) failure.times -= 1;
    return {
      orderGroupId: groupId,
      code: failure.code ?? 800005,
      description: failure.description ?? `Create order isn't successful: order group ${groupId} (${item.catalogItemId}) failed at checkout.`,
    };
  }
  return undefined;
}

/**
 * The documented id forms (checkout-a-cart.md; reference partner-center-orders-detail.md §6): new-commerce orders
 * have 12 hex characters with alternateId equal to id ("a68736758d9c"); orders of legacy (OMS) offers have a
 * 33-character base64url id ("HVu_cO8Ea7fNRQP4ia1QTpZap-kg_7P71", every example ends in 1) and a 12-hex alternateId.
 */
function newOrderId(state: SimulatorState, customerId: string, legacy: boolean): { id: string; alternateId: string } {
  for (;;) {
    const alternateId = randomBytes(6).toString('hex');
    const id = legacy ? `${randomBytes(24).toString('base64url')}1` : alternateId;
    if (!state.store.getOrder(customerId, id)) return { id, alternateId };
  }
}

function createOrder(state: SimulatorState, cart: CartRecord, groupId: string, items: StoredLineItem[]): OrderRecord {
  const knobs = state.knobs();
  const settings = settleSettings(items.map((item) => catalogEntry(state, item).behaviour), knobs);
  return {
    ...newOrderId(state, cart.customerId, items.some((item) => catalogEntry(state, item).orderChannel === 'OMS')),
    customerId: cart.customerId,
    cartId: cart.id,
    orderGroup: groupId,
    // Items of one group share a billing cycle (grouping rule), and the order carries it (reference §2.2).
    billingCycle: items[0].billingCycle,
    currencyCode: knobs.currencyCode,
    createdAt: state.clock.now(),
    polls: 0,
    ...settings,
    purchaseOrderUpload: knobs.purchaseOrderUpload,
    lines: items.map((item, index) => ({
      lineItemNumber: index,
      offerId: item.catalogItemId,
      friendlyName: item.friendlyName,
      quantity: item.quantity,
      termDuration: item.termDuration,
      renewsTo: item.renewsTo,
      provisioningContext: item.provisioningContext,
      subscriptionId: randomUUID(),
      unitPrice: catalogEntry(state, item).unitPrice,
      billingCycle: item.billingCycle,
    })),
  };
}
