// POST /carts, GET /carts/{id}, PUT /carts/{id}.
import { randomUUID } from 'node:crypto';
import type { Cart } from '../../shared/partner-center/models';
import { lineItemToWire, readLineItems, type StoredLineItem } from './lineItems';
import { field, isObject } from './requestFields';
import { errorResponse, json, type SimResponse } from './responses';
import { iso, parseJsonBody, type ServiceHandler, type SimulatorState } from './serviceContext';
import type { CartRecord } from './store';

const CART_SHAPE = 'a cart such as {"lineItems":[{"catalogItemId":"…","quantity":1,"billingCycle":"monthly","termDuration":"P1M"}]}';

export function cartToWire(cart: CartRecord, state: SimulatorState): Cart & Record<string, unknown> {
  return {
    id: cart.id,
    creationTimestamp: iso(cart.createdAt),
    lastModifiedTimestamp: iso(cart.modifiedAt),
    expirationTimestamp: iso(cart.expiresAt),
    lastModifiedUser: cart.lastModifiedUser,
    status: cart.status,
    lineItems: cart.lineItems.map((item) => lineItemToWire(item, state.knobs())) as unknown as Cart['lineItems'],
    links: { self: { uri: `/customers/${cart.customerId}/carts/${cart.id}`, method: 'GET', headers: [] } },
    attributes: { objectType: 'Cart' },
  };
}

export function cartNotFound(customerId: string, cartId: string): SimResponse {
  return errorResponse(404, 800008, `Unable to retrieve cart ID: no cart ${cartId} exists for customer ${customerId}.`);
}

/**
 * The first `createRefusal` / `checkoutRefusal` among the items' catalog entries, as the service's error body; each
 * refusal given `times` counts down. The catalog is read now, so behaviour changed at run time applies.
 */
export function itemRefusal(state: SimulatorState, items: StoredLineItem[], which: 'createRefusal' | 'checkoutRefusal', what: string): SimResponse | undefined {
  for (const item of items) {
    const refusal = (state.catalog.find(item.catalogItemId) ?? item.catalogItem)?.behaviour[which];
    if (!refusal || (refusal.times !== undefined && refusal.times <= 0)) continue;
    if (refusal.times !== undefined) refusal.times -= 1;
    return errorResponse(refusal.status, refusal.code, refusal.description ?? `Partner Center refused ${what}: ${item.catalogItemId} (simulated refusal ${refusal.code}).`);
  }
  return undefined;
}

export const isExpired = (cart: CartRecord, now: number) => now >= cart.expiresAt;

export function expiredDescription(cart: CartRecord): string {
  return `cart ${cart.id} expired at ${iso(cart.expiresAt)} (carts expire a fixed time after creation; read expirationTimestamp) and can no longer be checked out or updated. Create a new cart.`;
}

export const createCart: ServiceHandler = (state, request) => {
  const parsed = parseJsonBody(request.body, CART_SHAPE);
  if ('error' in parsed) return parsed.error;
  const read = readLineItems(parsed.value, state.catalog, state.knobs());
  if ('error' in read) return read.error;
  const refused = itemRefusal(state, read.items, 'createRefusal', 'the cart');
  if (refused) return refused;
  const now = state.clock.now();
  const cart: CartRecord = {
    id: randomUUID(),
    customerId: request.params.customerId,
    createdAt: now,
    modifiedAt: now,
    expiresAt: now + state.knobs().cartTtlMs,
    lastModifiedUser: request.caller.userId,
    status: 'Active',
    lineItems: read.items,
    checkoutInProgress: false,
  };
  const attestation = isObject(parsed.value) ? field(parsed.value, 'partnerOnRecordAttestationAccepted') : undefined;
  if (typeof attestation === 'boolean') cart.partnerOnRecordAttestationAccepted = attestation;
  state.store.addCart(cart);
  return json(201, cartToWire(cart, state));
};

export const getCart: ServiceHandler = (state, request) => {
  const { customerId, cartId } = request.params;
  const cart = state.store.getCart(customerId, cartId);
  return cart ? json(200, cartToWire(cart, state)) : cartNotFound(customerId, cartId);
};

/** PUT replaces the line items (the whole cart is sent back). The docs' example answers 201, so this does too. */
export const updateCart: ServiceHandler = (state, request) => {
  const { customerId, cartId } = request.params;
  const cart = state.store.getCart(customerId, cartId);
  if (!cart) return cartNotFound(customerId, cartId);
  if (cart.checkoutInProgress) return errorResponse(409, 800064, `Cart ${cart.id} is being processed by another request.`);
  if (cart.status === 'Ordered') return errorResponse(400, 800065, `can't check out an already submitted cart ${cart.id}: an ordered cart can't be updated.`);
  const now = state.clock.now();
  if (isExpired(cart, now)) return errorResponse(400, 800002, `Invalid request input: ${expiredDescription(cart)}`);
  const parsed = parseJsonBody(request.body, CART_SHAPE);
  if ('error' in parsed) return parsed.error;
  const read = readLineItems(parsed.value, state.catalog, state.knobs());
  if ('error' in read) return read.error;
  cart.lineItems = read.items;
  cart.modifiedAt = now;
  cart.lastModifiedUser = request.caller.userId;
  return json(201, cartToWire(cart, state));
};
