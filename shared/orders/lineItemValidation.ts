// Rules for one line item, from what Partner Center documents it rejects (reference partner-center-api.md §1.3, §8):
// catalog item id shape, term/billing combinations, renewal terms, participants. Checking them here answers the ERP
// in milliseconds instead of after a cart round trip.

import {
  PARTICIPANT_KEYS,
  RENEWAL_TERM_DURATIONS,
  REQUESTABLE_BILLING_CYCLES,
  TERM_DURATIONS,
  type OrderLineItemRequest,
  type RequestableBillingCycle,
  type TermDuration,
} from './request';
import { FieldErrors, describe, isObject, join } from './fieldChecks';
import type { Participant } from '../partner-center/models';

export const LINE_ITEM_FIELDS = [
  'catalogItemId',
  'quantity',
  'billingCycle',
  'termDuration',
  'friendlyName',
  'provisioningContext',
  'renewsTo',
  'promotionId',
  'participants',
] as const;

/** This workflow's sanity bound on seats per line item (Partner Center's own per-SKU limits are not published). */
export const MAX_QUANTITY = 100_000;
export const MAX_FRIENDLY_NAME_LENGTH = 256;
const MAX_ADDITIONAL_RESELLERS = 5;
/**
 * Bounds on provisioningContext, which travels in the orchestration input and its history: Partner Center's documented
 * contexts hold a handful of short values (subscriptionId, scope, duration, parentSubscriptionId; reference §1.3).
 */
export const PROVISIONING_CONTEXT_LIMITS = { maxKeys: 20, maxKeyLength: 64, maxValueLength: 1024 } as const;

/** `productId:skuId:availabilityId`, e.g. CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5 (12, 4 and 12 letters or digits). */
const CATALOG_ITEM_ID = /^[A-Za-z0-9]{12}:[A-Za-z0-9]{4}:[A-Za-z0-9]{12}$/;
const CATALOG_ITEM_ID_HELP = 'productId:skuId:availabilityId such as CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5';

/**
 * Billing cycles each term may be billed with (create-a-new-subscription tables, reference §8): billing can never be
 * longer than the term (Partner Center 900270). One-time and trial ("none") purchases are not recurring bills.
 */
const BILLING_FOR_TERM: Record<TermDuration, readonly RequestableBillingCycle[]> = {
  P1M: ['monthly', 'none'],
  P1Y: ['monthly', 'annual', 'one_time', 'none'],
  P3Y: ['monthly', 'annual', 'triennial', 'one_time'],
};
/** Recurring billing cycles need a term to be billed against. */
const TERM_REQUIRED_FOR: readonly RequestableBillingCycle[] = ['annual', 'triennial'];

export function validateLineItem(raw: unknown, path: string, errors: FieldErrors): OrderLineItemRequest | undefined {
  if (!isObject(raw)) return errors.add(path, `must be an object with catalogItemId, quantity and billingCycle (got ${describe(raw)})`);
  const at = (key: string) => join(path, key);
  errors.unknownFields(raw, LINE_ITEM_FIELDS, path);

  const catalogItemId = catalogId(raw.catalogItemId, at('catalogItemId'), errors, true);
  const quantity = errors.integer(raw.quantity, at('quantity'), 1, MAX_QUANTITY);
  const billingCycle = errors.oneOf(raw.billingCycle, at('billingCycle'), REQUESTABLE_BILLING_CYCLES, { caseInsensitive: true });
  const termDuration = raw.termDuration === undefined ? undefined : errors.oneOf(raw.termDuration, at('termDuration'), TERM_DURATIONS);
  const friendlyName = errors.string(raw.friendlyName, at('friendlyName'), { maxLength: MAX_FRIENDLY_NAME_LENGTH });
  const provisioningContext = stringMap(raw.provisioningContext, at('provisioningContext'), errors);
  const renewsTo = renewal(raw.renewsTo, at('renewsTo'), termDuration, errors);
  const promotionId = catalogId(raw.promotionId, at('promotionId'), errors, false);
  const participants = participantList(raw.participants, at('participants'), errors);

  if (billingCycle !== undefined) {
    if (termDuration !== undefined && !BILLING_FOR_TERM[termDuration].includes(billingCycle)) {
      errors.add(at('billingCycle'), `must be one of ${BILLING_FOR_TERM[termDuration].join(', ')} for termDuration ${termDuration} (got ${billingCycle})`);
    } else if (raw.termDuration === undefined && TERM_REQUIRED_FOR.includes(billingCycle)) {
      errors.add(at('termDuration'), `is required with billingCycle ${billingCycle} (expected ${billingCycle === 'triennial' ? 'P3Y' : 'P1Y or P3Y'})`);
    }
  }

  if (catalogItemId === undefined || quantity === undefined || billingCycle === undefined) return undefined;
  const item: OrderLineItemRequest = { catalogItemId, quantity, billingCycle };
  if (termDuration !== undefined) item.termDuration = termDuration;
  if (friendlyName !== undefined) item.friendlyName = friendlyName;
  if (provisioningContext !== undefined) item.provisioningContext = provisioningContext;
  if (renewsTo !== undefined) item.renewsTo = { termDuration: renewsTo };
  if (promotionId !== undefined) item.promotionId = promotionId;
  if (participants !== undefined) item.participants = participants;
  return item;
}

function catalogId(value: unknown, field: string, errors: FieldErrors, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || !CATALOG_ITEM_ID.test(value)) {
    return errors.add(field, `must be ${CATALOG_ITEM_ID_HELP} (got ${describe(value)})`);
  }
  return value.toUpperCase();
}

function stringMap(value: unknown, field: string, errors: FieldErrors): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) return errors.add(field, `must be an object of string values (got ${describe(value)})`);
  const { maxKeys, maxKeyLength, maxValueLength } = PROVISIONING_CONTEXT_LIMITS;
  const entries = Object.entries(value);
  if (entries.length > maxKeys) return errors.add(field, `must have at most ${maxKeys} keys (got ${entries.length})`);
  const result: Record<string, string> = {};
  for (const [key, entry] of entries) {
    const at = join(field, key.length > maxKeyLength ? key.slice(0, maxKeyLength) : key);
    if (key.trim() === '') errors.add(at, 'must have a non-empty key');
    else if (key.length > maxKeyLength) errors.add(at, `must have a key of at most ${maxKeyLength} characters (got ${key.length})`);
    else if (isObject(entry) || Array.isArray(entry)) errors.add(at, `must be a string: provisioningContext is one level deep (got ${describe(entry)})`);
    else if (typeof entry !== 'string') errors.add(at, `must be a string (got ${describe(entry)})`);
    else if (entry.length > maxValueLength) errors.add(at, `must be at most ${maxValueLength} characters (got ${entry.length})`);
    else result[key] = entry;
  }
  return result;
}

function renewal(value: unknown, field: string, termDuration: TermDuration | undefined, errors: FieldErrors): string | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) return errors.add(field, `must be an object {"termDuration": "P1M" | "P1Y"} (got ${describe(value)})`);
  errors.unknownFields(value, ['termDuration'], field);
  const term = errors.oneOf(value.termDuration, join(field, 'termDuration'), RENEWAL_TERM_DURATIONS);
  if (term !== undefined && termDuration === undefined) {
    errors.add(join(field, 'termDuration'), 'needs the line item\'s own termDuration (a renewal changes an existing term)');
    return undefined;
  }
  return term;
}

function participantList(value: unknown, field: string, errors: FieldErrors): Participant[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return errors.add(field, `must be an array of {key, value} (got ${describe(value)})`);
  const result: Participant[] = [];
  value.forEach((entry: unknown, index) => {
    const at = join(field, index);
    if (!isObject(entry)) return void errors.add(at, `must be an object {key, value} (got ${describe(entry)})`);
    errors.unknownFields(entry, ['key', 'value'], at);
    const key = errors.oneOf(entry.key, join(at, 'key'), PARTICIPANT_KEYS);
    const partnerId = errors.string(entry.value, join(at, 'value'), { maxLength: 64, required: true });
    if (key !== undefined && partnerId !== undefined) result.push({ key, value: partnerId });
  });
  const resellers = result.filter((p) => p.key === 'transaction_reseller').length;
  const additional = result.filter((p) => p.key === 'additional_transaction_reseller').length;
  if (resellers > 1) errors.add(field, `must have at most one transaction_reseller (got ${resellers})`);
  if (additional > MAX_ADDITIONAL_RESELLERS) {
    errors.add(field, `must have at most ${MAX_ADDITIONAL_RESELLERS} additional_transaction_reseller entries (got ${additional})`);
  }
  return result;
}
