// Validates an order request from the ERP. Never throws: every problem becomes a FieldError naming the field
// (`lineItems[2].termDuration`) and what was expected, so the ERP can fix the request without a Partner Center call.

import { FieldErrors, describe, isObject, join } from './fieldChecks';
import { validateLineItem } from './lineItemValidation';
import type { FieldError, OrderLineItemRequest, OrderRequest } from './request';

export const ORDER_REQUEST_FIELDS = ['orderId', 'customerId', 'lineItems'] as const;
export const MAX_ORDER_ID_LENGTH = 100;
/** This workflow's bound on line items per order: keeps the orchestration input and history small. */
export const MAX_LINE_ITEMS = 100;

export type OrderValidation =
  | { ok: true; request: OrderRequest }
  /** `orderId`/`customerId` are whatever could be read, so a rejection can still be correlated. */
  | { ok: false; errors: FieldError[]; orderId?: string; customerId?: string };

export function validateOrderRequest(raw: unknown): OrderValidation {
  const errors = new FieldErrors();
  if (!isObject(raw)) {
    errors.add('(body)', `must be a JSON object with orderId, customerId and lineItems (got ${describe(raw)})`);
    return { ok: false, errors: errors.errors };
  }
  errors.unknownFields(raw, ORDER_REQUEST_FIELDS, '');
  const orderId = errors.string(raw.orderId, 'orderId', { maxLength: MAX_ORDER_ID_LENGTH, required: true });
  // URLs resolve these segments away (/api/orders/.. is /api/), so such an order could never be looked up or cancelled.
  // The id is still returned with the errors, so a rejection stays correlated.
  if (orderId === '.' || orderId === '..') errors.add('orderId', 'must not be "." or ".." (the status URL /api/orders/{orderId} cannot address it)');
  const customerId = errors.guid(raw.customerId, 'customerId');
  const lineItems = validateLineItems(raw.lineItems, errors);

  if (errors.errors.length > 0 || orderId === undefined || customerId === undefined || lineItems === undefined) {
    return { ok: false, errors: errors.errors, orderId, customerId: customerId ?? readableString(raw.customerId) };
  }
  return { ok: true, request: { orderId, customerId, lineItems } };
}

function validateLineItems(value: unknown, errors: FieldErrors): OrderLineItemRequest[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LINE_ITEMS) {
    return errors.add('lineItems', `must be an array of 1 to ${MAX_LINE_ITEMS} line items (got ${describeArray(value)})`);
  }
  const items = value.map((item: unknown, index) => validateLineItem(item, join('lineItems', index), errors));
  return items.every((item): item is OrderLineItemRequest => item !== undefined) ? items : undefined;
}

function describeArray(value: unknown): string {
  return Array.isArray(value) ? `${value.length} items` : describe(value);
}

function readableString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= MAX_ORDER_ID_LENGTH ? value : undefined;
}
