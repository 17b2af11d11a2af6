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
import { FieldErrors, describe, isGuid, isObject, join } from './fieldChecks';
import type { Participant } from '../partner-center/models';

export const LINE_ITEM_FIELDS = [
  'id',
  'catalogItemId',
  'quantity',
  'billingCycle',
  'termDuration',
  'friendlyName',
  'provisioningContext',
  'renewsTo',
  'promotionId',
  'participants',
  'customTermEndDate',
  'attestationAccepted',
] as const;
const OPTIONAL_FIELDS: readonly string[] = LINE_ITEM_FIELDS.filter((name) => !['catalogItemId', 'quantity', 'billingCycle'].includes(name));

/** This workflow's sanity bound on seats per line item (Partner Center's own per-SKU limits are not published). */
export const MAX_QUANTITY = 100_000;
export const MAX_FRIENDLY_NAME_LENGTH = 256;
/** Line ids are C# ints in the SDK (CartLineItem.Id). */
export const MAX_LINE_ID = 2_147_483_647;
const MAX_ADDITIONAL_RESELLERS = 5;
/**
 * Bounds on provisioningContext, which travels in the orchestration input and its history: Partner Center's documented
 * contexts hold a handful of short values (subscriptionId, scope, duration, parentSubscriptionId; reference §1.3).
 */
export const PROVISIONING_CONTEXT_LIMITS = { maxKeys: 20, maxKeyLength: 64, maxValueLength: 1024 } as const;

/** `productId:skuId:availabilityId`, e.g. CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5 (12, 4 and 12 letters or digits). */
const CATALOG_ITEM_ID = /^[A-Za-z0-9]{12}:[A-Za-z0-9]{4}:[A-Za-z0-9]{12}$/;
/**
 * Legacy offer ids, which Partner Center's cart still takes: Azure offers such as MS-AZR-0145P (create-a-cart.md's
 * first line item) and the GUIDs of legacy licence offers (pricing-and-offers.md lists them, e.g.
 * 5f3a7cd2-c76f-4b21-9ddc-f48f09869cf6).
 */
const LEGACY_OFFER_ID = /^(MS-AZR-\d{4}[A-Z]|[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12})$/i;
const CATALOG_ITEM_ID_HELP = 'productId:skuId:availabilityId such as CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5, or a legacy offer id such as MS-AZR-0145P';
const PROMOTION_ID_HELP = 'productId:skuId:availabilityId such as 39NFJQT1PHSN:0008:39NFJQT1Q5J0';
/** A PartnerID (formerly MPN id): digits, as in create-a-cart.md's participants ("5357564", "517285"). */
const PARTNER_ID = /^\d{1,12}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

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

export function validateLineItem(input: unknown, path: string, errors: FieldErrors): OrderLineItemRequest | undefined {
  if (!isObject(input)) return errors.add(path, `must be an object with catalogItemId, quantity and billingCycle (got ${describe(input)})`);
  const at = (key: string) => join(path, key);
  const raw = errors.canonical(input, LINE_ITEM_FIELDS, path, OPTIONAL_FIELDS);

  const id = lineId(raw.id, at('id'), errors);
  const catalogItemId = catalogId(raw.catalogItemId, at('catalogItemId'), errors);
  const quantity = errors.integer(raw.quantity, at('quantity'), 1, MAX_QUANTITY);
  const billingCycle = errors.oneOf(raw.billingCycle, at('billingCycle'), REQUESTABLE_BILLING_CYCLES, { caseInsensitive: true });
  const termDuration = raw.termDuration === undefined ? undefined : errors.oneOf(upper(raw.termDuration), at('termDuration'), TERM_DURATIONS);
  const friendlyName = errors.string(raw.friendlyName, at('friendlyName'), { maxLength: MAX_FRIENDLY_NAME_LENGTH });
  const provisioningContext = provisioning(raw.provisioningContext, at('provisioningContext'), errors);
  const renewsTo = renewal(raw.renewsTo, at('renewsTo'), termDuration, errors);
  const promotionId = promotion(raw.promotionId, at('promotionId'), errors);
  const participants = participantList(raw.participants, at('participants'), errors);
  const customTermEndDate = dateTime(raw.customTermEndDate, at('customTermEndDate'), errors);
  const attestationAccepted = raw.attestationAccepted === undefined ? undefined : errors.boolean(raw.attestationAccepted, at('attestationAccepted'));

  if (billingCycle !== undefined) {
    if (termDuration !== undefined && !BILLING_FOR_TERM[termDuration].includes(billingCycle)) {
      errors.add(at('billingCycle'), `must be one of ${BILLING_FOR_TERM[termDuration].join(', ')} for termDuration ${termDuration} (got ${billingCycle})`);
    } else if (raw.termDuration === undefined && TERM_REQUIRED_FOR.includes(billingCycle)) {
      errors.add(at('termDuration'), `is required with billingCycle ${billingCycle} (expected ${billingCycle === 'triennial' ? 'P3Y' : 'P1Y or P3Y'})`);
    }
  }

  if (catalogItemId === undefined || quantity === undefined || billingCycle === undefined) return undefined;
  const item: OrderLineItemRequest = { catalogItemId, quantity, billingCycle };
  if (id !== undefined) item.id = id;
  if (termDuration !== undefined) item.termDuration = termDuration;
  if (friendlyName !== undefined) item.friendlyName = friendlyName;
  if (provisioningContext !== undefined) item.provisioningContext = provisioningContext;
  if (renewsTo !== undefined) item.renewsTo = { termDuration: renewsTo };
  if (promotionId !== undefined) item.promotionId = promotionId;
  if (participants !== undefined) item.participants = participants;
  if (customTermEndDate !== undefined) item.customTermEndDate = customTermEndDate;
  if (attestationAccepted !== undefined) item.attestationAccepted = attestationAccepted;
  return item;
}

const upper = (value: unknown) => (typeof value === 'string' ? value.toUpperCase() : value);

/** The SDK's line id is an int; a string of digits is read as that number, as Newtonsoft does. */
function lineId(value: unknown, field: string, errors: FieldErrors): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
  return errors.integer(number, field, 0, MAX_LINE_ID);
}

function catalogId(value: unknown, field: string, errors: FieldErrors): string | undefined {
  if (typeof value !== 'string' || !(CATALOG_ITEM_ID.test(value) || LEGACY_OFFER_ID.test(value))) {
    return errors.add(field, `must be ${CATALOG_ITEM_ID_HELP} (got ${describe(value)})`);
  }
  return value.toUpperCase();
}

/** Promotions are new-commerce availabilities (new-commerce-promotions.md, e.g. 39NFJQT1PHSN:0008:39NFJQT1Q5J0). */
function promotion(value: unknown, field: string, errors: FieldErrors): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !CATALOG_ITEM_ID.test(value)) return errors.add(field, `must be ${PROMOTION_ID_HELP} (got ${describe(value)})`);
  return value.toUpperCase();
}

function dateTime(value: unknown, field: string, errors: FieldErrors): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    return errors.add(field, `must be an ISO 8601 date-time such as 2022-02-19T00:00:00Z (got ${describe(value)})`);
  }
  return value;
}

/**
 * The values Partner Center documents for its known keys (create-a-cart.md, purchase-azure-reservations and the
 * add-on pages): `subscriptionId` and `parentSubscriptionId` are subscription GUIDs, `scope` is shared or single,
 * `duration` 1Year or 3Years. Other keys are SKU-specific provisioningVariables and are passed on as given.
 */
const PROVISIONING_VALUES: Record<string, { test: (value: string) => boolean; expected: string }> = {
  subscriptionId: { test: isGuid, expected: 'a subscription GUID' },
  parentSubscriptionId: { test: isGuid, expected: 'a subscription GUID' },
  // create-a-cart.md sends "shared"; product-resources.md names the values "Single" and "Shared": any case, as given.
  scope: { test: (v) => /^(shared|single)$/i.test(v), expected: '"shared" or "single" (any case)' },
  duration: { test: (v) => v === '1Year' || v === '3Years', expected: '"1Year" or "3Years"' },
};

/** By lower-cased key, as Partner Center matches them (a Map: "constructor" or "toString" finds nothing). */
const PROVISIONING_RULES = new Map(Object.entries(PROVISIONING_VALUES).map(([key, rule]) => [key.toLowerCase(), rule]));

function provisioning(value: unknown, field: string, errors: FieldErrors): Record<string, string> | undefined {
  const context = stringMap(value, field, errors);
  if (context === undefined) return undefined;
  for (const [key, entry] of Object.entries(context)) {
    const rule = PROVISIONING_RULES.get(key.toLowerCase());
    if (rule !== undefined && !rule.test(entry)) {
      errors.add(join(field, key), `must be ${rule.expected} (got ${describe(entry)})`);
      delete context[key];
    }
  }
  return context;
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
    // Assigning "__proto__" to an object sets its prototype instead of a key: it would vanish without a word.
    else if (key === '__proto__') errors.add(at, 'must not be "__proto__" (not a provisioning variable)');
    else if (isObject(entry) || Array.isArray(entry)) errors.add(at, `must be a string: provisioningContext is one level deep (got ${describe(entry)})`);
    else if (typeof entry !== 'string') errors.add(at, `must be a string (got ${describe(entry)})`);
    else if (entry.length > maxValueLength) errors.add(at, `must be at most ${maxValueLength} characters (got ${entry.length})`);
    else result[key] = entry;
  }
  return result;
}

function participantId(value: unknown, field: string, errors: FieldErrors): string | undefined {
  const number = typeof value === 'number' && Number.isInteger(value) && value >= 0 ? String(value) : value;
  if (typeof number !== 'string' || !PARTNER_ID.test(number)) return errors.add(field, `must be the reseller's PartnerID, 1 to 12 digits such as "5357564" (got ${describe(value)})`);
  return number;
}

function renewal(raw: unknown, field: string, termDuration: TermDuration | undefined, errors: FieldErrors): string | undefined {
  if (raw === undefined) return undefined;
  // The docs call renewsTo an array of RenewsTo in one table; every example and the SDK use one object.
  if (!isObject(raw)) return errors.add(field, `must be an object {"termDuration": "P1M" | "P1Y"} (got ${describe(raw)})`);
  const value = errors.canonical(raw, ['termDuration'], field);
  const term = errors.oneOf(upper(value.termDuration), join(field, 'termDuration'), RENEWAL_TERM_DURATIONS);
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
    const participant = errors.canonical(entry, ['key', 'value'], at);
    // The SDK's ParticipantType enum is written snake_case and read in any case (TransactionReseller too).
    const key = errors.oneOf(participant.key, join(at, 'key'), PARTICIPANT_KEYS, { caseInsensitive: true });
    const partnerId = participantId(participant.value, join(at, 'value'), errors);
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
