// Lenient readers for Partner Center responses. The service and its docs disagree on casing and types
// (PascalCase property names in some examples, enum values in any case, line-item error codes as integers or
// snake_case strings, error `code` as number or string), so each reader accepts every form seen and normalises it.
// Unknown fields are ignored; unknown order statuses are preserved as sent.

import {
  BILLING_CYCLES,
  CART_ERROR_CODES,
  KNOWN_ORDER_STATUSES,
  type BillingCycle,
  type Cart,
  type CartCheckoutResult,
  type CartError,
  type CartErrorName,
  type CartLineItem,
  type CartStatus,
  type Order,
  type OrderError,
  type OrderLineItem,
  type OrderList,
  type OrderStatus,
  type Participant,
  type PartnerCenterErrorBody,
  type RenewsTo,
} from './models';

type Json = Record<string, unknown>;

/** Thrown when a 2xx body lacks what the operation must return (an id, a status...). */
export class PartnerCenterResponseShapeError extends Error {
  constructor(what: string, expected: string) {
    super(`Partner Center response: ${what} must be ${expected}`);
    this.name = 'PartnerCenterResponseShapeError';
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a property whatever its casing (`lineItems`, `LineItems`, `lineitems`). */
export function field(obj: Json, name: string): unknown {
  if (name in obj) return obj[name];
  const wanted = name.toLowerCase();
  for (const key of Object.keys(obj)) {
    if (key.toLowerCase() === wanted) return obj[key];
  }
  return undefined;
}

/** Letters and digits only, lower case: "OneTime", "one_time" and "ONE-TIME" all become "onetime". */
function enumKey(value: string): string {
  return value.replace(/[^a-z0-9]/gi, '').toLowerCase();
}

function optionalString(obj: Json, name: string): string | undefined {
  const value = field(obj, name);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function requiredString(obj: Json, name: string, what: string): string {
  const value = optionalString(obj, name);
  if (value === undefined || value === '') throw new PartnerCenterResponseShapeError(`${what}.${name}`, 'a non-empty string');
  return value;
}

function optionalNumber(obj: Json, name: string): number | undefined {
  const value = field(obj, name);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

function optionalBoolean(obj: Json, name: string): boolean | undefined {
  const value = field(obj, name);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

function arrayOf(obj: Json, name: string): unknown[] {
  const value = field(obj, name);
  return Array.isArray(value) ? value : [];
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v !== undefined && v !== null) out[key] = String(v);
  }
  return out;
}

const billingCycleByKey = new Map<string, BillingCycle>(BILLING_CYCLES.map((c) => [enumKey(c), c]));

export function parseBillingCycle(value: unknown): BillingCycle {
  if (typeof value === 'number') {
    // BillingCycleType numeric positions: Unknown=0, Monthly=1, Annual=2, None=3, OneTime=4, Triennial=5, Biennial=6.
    const byNumber: BillingCycle[] = ['unknown', 'monthly', 'annual', 'none', 'one_time', 'triennial', 'biennial'];
    return byNumber[value] ?? 'unknown';
  }
  if (typeof value !== 'string') return 'unknown';
  return billingCycleByKey.get(enumKey(value)) ?? 'unknown';
}

export function parseCartStatus(value: unknown): CartStatus {
  if (typeof value === 'string') {
    const key = enumKey(value);
    if (key === 'active') return 'Active';
    if (key === 'ordered') return 'Ordered';
    return value;
  }
  // No status is not "Active": whether a cart was ordered is never assumed (findCartOrders treats it as unreadable).
  return '';
}

const orderStatusByKey = new Map<string, string>(KNOWN_ORDER_STATUSES.map((s) => [enumKey(s), s]));

export function parseOrderStatus(value: unknown): OrderStatus {
  if (typeof value !== 'string' || value === '') return 'unknown';
  return orderStatusByKey.get(enumKey(value)) ?? value;
}

const cartErrorNameByKey = new Map<string, CartErrorName>(
  (Object.keys(CART_ERROR_CODES) as CartErrorName[]).map((name) => [enumKey(name), name]),
);
const cartErrorNameByNumber = new Map<number, CartErrorName>(
  (Object.entries(CART_ERROR_CODES) as [CartErrorName, number][]).map(([name, code]) => [code, name]),
);

/** Line-item error codes arrive as 10001, "10001", "catalog_item_id_is_not_valid" or "CatalogItemIdIsNotValid". */
export function parseCartErrorCode(value: unknown): { name: CartErrorName; number: number } {
  const numeric = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
  if (numeric !== undefined) {
    return { name: cartErrorNameByNumber.get(numeric) ?? 'Unknown', number: numeric };
  }
  const name = typeof value === 'string' ? cartErrorNameByKey.get(enumKey(value)) : undefined;
  return name ? { name, number: CART_ERROR_CODES[name] } : { name: 'Unknown', number: 0 };
}

function parseCartError(value: unknown): CartError | undefined {
  if (!isObject(value)) return undefined;
  const code = parseCartErrorCode(field(value, 'errorCode'));
  const additional = field(value, 'additionalInformation');
  return {
    errorCode: code.name,
    errorCodeNumber: code.number,
    errorDescription: optionalString(value, 'errorDescription') ?? '',
    ...(isObject(additional) ? { additionalInformation: additional } : {}),
  };
}

function parseRenewsTo(value: unknown): RenewsTo | undefined {
  // The docs call it an array, examples and the SDK use an object: accept both.
  const item = Array.isArray(value) ? value[0] : value;
  if (!isObject(item)) return undefined;
  const termDuration = optionalString(item, 'termDuration');
  return termDuration ? { termDuration } : undefined;
}

function parseParticipants(value: unknown): Participant[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(isObject).map((p) => ({ key: optionalString(p, 'key') ?? '', value: optionalString(p, 'value') ?? '' }));
}

function withoutUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

function parseCartLineItem(value: unknown, index: number): CartLineItem {
  if (!isObject(value)) throw new PartnerCenterResponseShapeError(`cart.lineItems[${index}]`, 'an object');
  return withoutUndefined({
    id: optionalNumber(value, 'id') ?? index,
    catalogItemId: requiredString(value, 'catalogItemId', `cart.lineItems[${index}]`),
    quantity: optionalNumber(value, 'quantity') ?? 0,
    billingCycle: parseBillingCycle(field(value, 'billingCycle')),
    termDuration: optionalString(value, 'termDuration'),
    friendlyName: optionalString(value, 'friendlyName'),
    currencyCode: optionalString(value, 'currencyCode'),
    orderGroup: optionalString(value, 'orderGroup'),
    provisioningContext: stringRecord(field(value, 'provisioningContext')),
    renewsTo: parseRenewsTo(field(value, 'renewsTo')),
    promotionId: optionalString(value, 'promotionId'),
    participants: parseParticipants(field(value, 'participants')),
    customTermEndDate: optionalString(value, 'customTermEndDate'),
    attestationAccepted: optionalBoolean(value, 'attestationAccepted'),
    error: parseCartError(field(value, 'error')),
  });
}

export function parseCart(value: unknown): Cart {
  if (!isObject(value)) throw new PartnerCenterResponseShapeError('cart', 'a JSON object');
  return withoutUndefined({
    id: requiredString(value, 'id', 'cart'),
    creationTimestamp: optionalString(value, 'creationTimestamp') ?? '',
    lastModifiedTimestamp: optionalString(value, 'lastModifiedTimestamp'),
    expirationTimestamp: requiredString(value, 'expirationTimestamp', 'cart'),
    lastModifiedUser: optionalString(value, 'lastModifiedUser'),
    lineItems: arrayOf(value, 'lineItems').map(parseCartLineItem),
    status: parseCartStatus(field(value, 'status')),
  });
}

function parseOrderLineItem(value: unknown, index: number): OrderLineItem {
  if (!isObject(value)) throw new PartnerCenterResponseShapeError(`order.lineItems[${index}]`, 'an object');
  return withoutUndefined({
    lineItemNumber: optionalNumber(value, 'lineItemNumber') ?? index,
    offerId: optionalString(value, 'offerId') ?? '',
    subscriptionId: optionalString(value, 'subscriptionId'),
    parentSubscriptionId: optionalString(value, 'parentSubscriptionId'),
    termDuration: optionalString(value, 'termDuration'),
    transactionType: optionalString(value, 'transactionType'),
    friendlyName: optionalString(value, 'friendlyName'),
    quantity: optionalNumber(value, 'quantity') ?? 0,
    promotionId: optionalString(value, 'promotionId'),
    renewsTo: parseRenewsTo(field(value, 'renewsTo')),
    provisioningContext: stringRecord(field(value, 'provisioningContext')),
  });
}

export function parseOrder(value: unknown): Order {
  if (!isObject(value)) throw new PartnerCenterResponseShapeError('order', 'a JSON object');
  return withoutUndefined({
    id: requiredString(value, 'id', 'order'),
    alternateId: optionalString(value, 'alternateId'),
    referenceCustomerId: optionalString(value, 'referenceCustomerId'),
    billingCycle: parseBillingCycle(field(value, 'billingCycle')),
    transactionType: optionalString(value, 'transactionType'),
    currencyCode: optionalString(value, 'currencyCode'),
    creationDate: optionalString(value, 'creationDate'),
    status: parseOrderStatus(field(value, 'status')),
    lineItems: arrayOf(value, 'lineItems').map(parseOrderLineItem),
  });
}

function parseOrderError(value: unknown): OrderError {
  const obj = isObject(value) ? value : {};
  return {
    orderGroupId: optionalString(obj, 'orderGroupId') ?? '',
    code: optionalNumber(obj, 'code') ?? 0,
    description: optionalString(obj, 'description') ?? '',
  };
}

export function parseCheckoutResult(value: unknown): CartCheckoutResult {
  if (!isObject(value)) throw new PartnerCenterResponseShapeError('checkout result', 'a JSON object');
  const result = {
    orders: arrayOf(value, 'orders').map(parseOrder),
    orderErrors: arrayOf(value, 'orderErrors').map(parseOrderError),
  };
  // Neither an order nor an order group's error: not an answer that says what was bought, so it is not read as "nothing".
  if (result.orders.length === 0 && result.orderErrors.length === 0) throw new PartnerCenterResponseShapeError('checkout result', 'orders or orderErrors');
  return result;
}

export function parseOrderList(value: unknown): OrderList {
  if (!isObject(value)) throw new PartnerCenterResponseShapeError('order list', 'a JSON object');
  const items = arrayOf(value, 'items').map(parseOrder);
  return { totalCount: optionalNumber(value, 'totalCount') ?? items.length, items };
}

/** Partner Center's error body, or undefined when the body is something else (HTML from a proxy, the 429 body...). */
export function parseErrorBody(value: unknown): PartnerCenterErrorBody | undefined {
  if (!isObject(value)) return undefined;
  const rawCode = field(value, 'code');
  const description = optionalString(value, 'description');
  if (rawCode === undefined && description === undefined) return undefined;
  const code =
    typeof rawCode === 'number' ? rawCode : typeof rawCode === 'string' && /^\d+$/.test(rawCode) ? Number(rawCode) : String(rawCode ?? '');
  const data = field(value, 'data');
  return withoutUndefined({
    code,
    description: description ?? '',
    data: Array.isArray(data) ? data : undefined,
    source: optionalString(value, 'source'),
  });
}

/**
 * Seconds to wait after a 429: the Retry-After header (seconds or an HTTP date), else the number in the body's
 * "Try again in N seconds." message, else the fallback.
 */
export function parseRetryAfterSeconds(header: string | null, body: unknown, nowMs: number, fallbackSeconds: number): number {
  if (header) {
    const trimmed = header.trim();
    if (/^\d+$/.test(trimmed)) return Number(trimmed);
    const date = Date.parse(trimmed);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - nowMs) / 1000));
  }
  if (isObject(body)) {
    const message = optionalString(body, 'message');
    const match = message?.match(/(\d+)\s*second/i);
    if (match) return Number(match[1]);
  }
  return fallbackSeconds;
}

/** The collection the attachment upload answers with (201, `{totalCount, items:[{attachmentId, fileName, sizeInKB, attachmentType}]}`). */
export function parseAttachments(value: unknown): { attachmentId: string; fileName: string; sizeInKB?: number; attachmentType?: string }[] {
  if (!isObject(value)) throw new PartnerCenterResponseShapeError('attachment upload result', 'a JSON object');
  return arrayOf(value, 'items')
    .filter(isObject)
    .map((item) =>
      withoutUndefined({
        attachmentId: optionalString(item, 'attachmentId') ?? '',
        fileName: optionalString(item, 'fileName') ?? '',
        sizeInKB: optionalNumber(item, 'sizeInKB'),
        attachmentType: optionalString(item, 'attachmentType'),
      }),
    );
}
