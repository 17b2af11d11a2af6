// Validates an order request from the ERP. Never throws: every problem becomes a FieldError naming the field
// (`lineItems[2].termDuration`) and what was expected, so the ERP can fix the request without a Partner Center call.

import { FieldErrors, describe, isObject, join } from './fieldChecks';
import { validateLineItem } from './lineItemValidation';
import { checkOrderId, MAX_ORDER_ID_LENGTH } from './orderId';
import type { FieldError, OrderLineItemRequest, OrderRequest } from './request';

export const ORDER_REQUEST_FIELDS = ['orderId', 'customerId', 'lineItems', 'partnerOnRecordAttestationAccepted'] as const;
/** This workflow's bound on line items per order: keeps the orchestration input and history small. */
export const MAX_LINE_ITEMS = 100;
/** Errors listed in one answer: a rejection must stay far below the topic's 256 KB message limit. */
export const MAX_REPORTED_ERRORS = 50;

export type OrderValidation =
  | { ok: true; request: OrderRequest }
  /**
   * `claimedOrderId` is the order id as sent when it was a short string, valid or not (to name it in a rejection, never
   * to act on it); `customerId` only when it is a valid GUID.
   */
  | { ok: false; errors: FieldError[]; claimedOrderId?: string; customerId?: string };

export function validateOrderRequest(raw: unknown): OrderValidation {
  const errors = new FieldErrors();
  if (!isObject(raw)) {
    errors.add('(body)', `must be a JSON object with orderId, customerId and lineItems (got ${describe(raw)})`);
    return { ok: false, errors: errors.errors };
  }
  const body = errors.canonical(raw, ORDER_REQUEST_FIELDS, '', ['partnerOnRecordAttestationAccepted']);
  const checked = checkOrderId(body.orderId);
  const orderId = checked.ok ? checked.orderId : errors.add('orderId', checked.message);
  const customerId = errors.guid(body.customerId, 'customerId');
  const lineItems = validateLineItems(body.lineItems, errors);
  const attestation = body.partnerOnRecordAttestationAccepted;
  const partnerOnRecordAttestationAccepted = attestation === undefined ? undefined : errors.boolean(attestation, 'partnerOnRecordAttestationAccepted');

  if (errors.errors.length > 0 || orderId === undefined || customerId === undefined || lineItems === undefined) {
    return { ok: false, errors: capped(errors.errors), claimedOrderId: orderId ?? readableString(body.orderId), customerId };
  }
  const request: OrderRequest = { orderId, customerId, lineItems };
  if (partnerOnRecordAttestationAccepted !== undefined) request.partnerOnRecordAttestationAccepted = partnerOnRecordAttestationAccepted;
  return { ok: true, request };
}

function validateLineItems(value: unknown, errors: FieldErrors): OrderLineItemRequest[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LINE_ITEMS) {
    return errors.add('lineItems', `must be an array of 1 to ${MAX_LINE_ITEMS} line items (got ${describeArray(value)})`);
  }
  const items = value.map((item: unknown, index) => validateLineItem(item, join('lineItems', index), errors));
  // Line ids name cart lines (and their errors): either every line has one, all different, or none has.
  const ids = items.map((item) => item?.id);
  const given = ids.filter((id) => id !== undefined).length;
  if (given > 0 && given < items.length && items.every((item) => item !== undefined)) {
    errors.add('lineItems', `must give an id on every line item or on none (${given} of ${items.length} have one)`);
  }
  ids.forEach((id, index) => {
    if (id !== undefined && ids.indexOf(id) !== index) errors.add(join(join('lineItems', index), 'id'), `must be unique in the order (${id} is also lineItems[${ids.indexOf(id)}].id)`);
  });
  return items.every((item): item is OrderLineItemRequest => item !== undefined) ? items : undefined;
}

function describeArray(value: unknown): string {
  return Array.isArray(value) ? `${value.length} items` : describe(value);
}

function readableString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= MAX_ORDER_ID_LENGTH ? value : undefined;
}

function capped(errors: FieldError[]): FieldError[] {
  if (errors.length <= MAX_REPORTED_ERRORS) return errors;
  return [...errors.slice(0, MAX_REPORTED_ERRORS), moreErrors(errors.length - MAX_REPORTED_ERRORS)];
}

/** The last error of a list that was cut: how many were left out. */
export const moreErrors = (count: number): FieldError => ({ field: '(body)', message: `has ${count} more error(s) not listed; fix the ones above first` });

/** How many errors a `moreErrors` entry says were left out (0 for any other error). */
export function leftOutCount(error: FieldError): number {
  const match = error.field === '(body)' ? /^has (\d+) more error\(s\) not listed/.exec(error.message) : null;
  return match ? Number(match[1]) : 0;
}
