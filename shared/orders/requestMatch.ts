// Whether a request for an order id that is already in use is the same order (a redelivered message, an ERP retry)
// or a different request reusing the id. Both sides go through the validator, so field-name case, key order, GUID case
// and the order id's case and Unicode form (orderIdKey) make no difference; anything Partner Center would see does.

import { orderIdKey } from './orderId';
import type { OrderRequest } from './request';
import { validateOrderRequest } from './validation';

export type RequestMatch = { kind: 'same' } | { kind: 'different'; fields: string[] } | { kind: 'unreadable' };

/** JSON with object keys sorted, so two objects that differ only in key order compare equal. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Compares the request an instance runs (`stored`, as read back from its input: anything) with a new, validated one.
 * `different` names the top-level fields that differ; `unreadable` when the stored request does not validate (it
 * cannot be compared).
 */
export function compareOrderRequests(stored: unknown, request: OrderRequest): RequestMatch {
  const validated = validateOrderRequest(stored);
  if (!validated.ok) return { kind: 'unreadable' };
  const a = validated.request;
  const fields: string[] = [];
  if (orderIdKey(a.orderId) !== orderIdKey(request.orderId)) fields.push('orderId');
  if (a.customerId !== request.customerId) fields.push('customerId');
  if (canonicalJson(a.lineItems) !== canonicalJson(request.lineItems)) fields.push('lineItems');
  if (a.partnerOnRecordAttestationAccepted !== request.partnerOnRecordAttestationAccepted) fields.push('partnerOnRecordAttestationAccepted');
  return fields.length === 0 ? { kind: 'same' } : { kind: 'different', fields };
}
