// Cart line items: reading them from a create/update request, validating them against the catalog, assigning order
// groups, and writing them back out in the service's wire shape.
//
// Which problems fail the whole request and which come back inside the 201 (decisions, reference §1.4, §8, §9):
// - the body is not a cart with a non-empty `lineItems` array, or an item is not an object → 400 / 800002;
// - a term/billing combination outside the documented table (P1M: monthly; P1Y: monthly|annual;
//   P3Y: monthly|annual|triennial) → 400 / 900270 "The billing cycle cannot be longer than the term" when the
//   cycle is longer than the term, else 400 / 900269 "The billing cycle is invalid";
// - everything about one item (unknown catalog item, missing/invalid field, a billing cycle or term the item does not
//   sell) → a line-item `error` inside the 201: CatalogItemIdIsNotValid, InvalidInput or BillingPlanNotSupported.
// - a SKU's provisioningVariables missing from the line's provisioningContext, or a scope it does not support →
//   the documented 900313 / 900312 (error-codes.md), as a line-item error by default or, with
//   knobs.provisioningContextErrors = 'request', as a 400 refusal of the whole request (which the service does is undocumented).
// Items with an error get no orderGroup; checking out such a cart answers 400 / 800009 "Error in Cart item(s)".
import { BILLING_CYCLES, CART_ERROR_CODES, type BillingCycle, type CartErrorName, type Participant, type RenewsTo } from '../../shared/partner-center/models';
import type { Catalog, CatalogItem } from './catalog';
import type { SimulatorKnobs } from './knobs';
import { enumValue, field, isObject, type JsonObject } from './requestFields';
import { errorResponse, quote, type SimResponse } from './responses';

export interface LineItemProblem {
  name: CartErrorName;
  /** A documented code outside CartErrorCode (900313, 900312) written as `errorCode` in either format; else the name's code. */
  code?: number;
  description: string;
  additionalInformation?: Record<string, number>;
}

export interface StoredLineItem {
  id: number;
  catalogItemId: string;
  friendlyName?: string;
  quantity: number;
  billingCycle: string;
  termDuration?: string;
  provisioningContext: Record<string, string>;
  renewsTo?: RenewsTo;
  promotionId?: string;
  participants?: Participant[];
  customTermEndDate?: string;
  attestationAccepted?: boolean;
  orderGroup?: string;
  problem?: LineItemProblem;
  /** The catalog entry that matched, kept for checkout (absent when the id is unknown). */
  catalogItem?: CatalogItem;
  /** With provisioningContextErrors = 'request': what refuses the whole create/update (never stored on a cart). */
  provisioningRefusal?: { code: number; description: string };
}

type LineItemKnobs = Pick<SimulatorKnobs, 'participantsSupported' | 'provisioningContextErrors'>;

/** A sanity bound, not a documented limit: keeps prices finite. */
const MAX_QUANTITY = 100_000;
const MONTHS: Record<string, number> = { P1M: 1, P1Y: 12, P3Y: 36, monthly: 1, annual: 12, biennial: 24, triennial: 36 };
const VALID_CYCLES_BY_TERM: Record<string, string[]> = { P1M: ['monthly'], P1Y: ['monthly', 'annual'], P3Y: ['monthly', 'annual', 'triennial'] };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** Reads and validates the line items of a create/update body; either the items or a whole-request error. */
export function readLineItems(body: unknown, catalog: Catalog, knobs: LineItemKnobs): { items: StoredLineItem[] } | { error: SimResponse } {
  const invalid = (what: string) => ({ error: errorResponse(400, 800002, `Invalid request input: ${what}`) });
  if (!isObject(body)) return invalid('the body must be a JSON object (a Cart) with a "lineItems" array');
  const rawItems = field(body, 'lineItems');
  if (!Array.isArray(rawItems) || rawItems.length === 0) return invalid('"lineItems" must be a non-empty array of cart line items');
  const items: StoredLineItem[] = [];
  for (const [index, raw] of rawItems.entries()) {
    if (!isObject(raw)) return invalid(`lineItems[${index}] must be an object, got ${quote(raw)}`);
    const item = readLineItem(raw, index, catalog, knobs);
    // The line ids a request gives are the cart's line ids (create-a-cart.md sends 0..5 and gets them back).
    if (items.some((other) => other.id === item.id)) return invalid(`lineItems[${index}].id ${item.id} is used by another line item`);
    items.push(item);
  }
  const refused = items.find((item) => item.provisioningRefusal)?.provisioningRefusal;
  if (refused) return { error: errorResponse(400, refused.code, refused.description) };
  const requestError = quantityError(items) ?? termBillingError(items);
  return requestError ? { error: requestError } : { items: assignOrderGroups(items) };
}

function readLineItem(raw: JsonObject, index: number, catalog: Catalog, knobs: LineItemKnobs): StoredLineItem {
  const catalogItemId = text(field(raw, 'catalogItemId')) ?? '';
  const rawCycle = field(raw, 'billingCycle');
  const rawTerm = field(raw, 'termDuration');
  const rawQuantity = field(raw, 'quantity');
  const rawId = field(raw, 'id');
  const item: StoredLineItem = {
    id: Number.isInteger(rawId) && (rawId as number) >= 0 ? (rawId as number) : typeof rawId === 'string' && /^\d{1,9}$/.test(rawId) ? Number(rawId) : index,
    catalogItemId,
    quantity: typeof rawQuantity === 'number' ? rawQuantity : 0,
    billingCycle: typeof rawCycle === 'string' ? enumValue(rawCycle) : '',
    termDuration: text(rawTerm)?.toUpperCase(),
    provisioningContext: {},
  };
  copyOptional(raw, item);
  const problems: LineItemProblem[] = [];
  const invalidInput = (description: string) => problems.push({ name: 'InvalidInput', description });

  if (!catalogItemId) invalidInput('catalogItemId is required (product:sku:availability).');
  if (!Number.isInteger(rawQuantity) || (rawQuantity as number) < 1 || (rawQuantity as number) > MAX_QUANTITY)
    invalidInput(`quantity must be a whole number from 1 to ${MAX_QUANTITY}, got ${quote(rawQuantity)}.`);
  if (!(BILLING_CYCLES as readonly string[]).includes(item.billingCycle) || item.billingCycle === 'unknown')
    invalidInput(`billingCycle must be one of monthly, annual, triennial, one_time, none, got ${quote(rawCycle)}.`);
  if (rawTerm !== undefined && rawTerm !== null && rawTerm !== '' && typeof rawTerm !== 'string') invalidInput(`termDuration must be an ISO 8601 string such as "P1Y", got ${quote(rawTerm)}.`);
  readStructuredFields(raw, item, invalidInput);

  const found = catalogItemId ? catalog.find(catalogItemId) : undefined;
  const catalogItem = found?.withdrawn ? undefined : found;
  if (catalogItemId && !catalogItem) problems.unshift({ name: 'CatalogItemIdIsNotValid', description: `The catalog item ID ${quote(catalogItemId)} is not valid.` });
  if (catalogItem) {
    item.catalogItem = catalogItem;
    catalogProblems(item, catalogItem, knobs).forEach((p) => problems.push(p));
    const provisioningProblem = provisioningContextProblem(item, catalogItem);
    if (provisioningProblem && knobs.provisioningContextErrors === 'request')
      item.provisioningRefusal = { code: provisioningProblem.code ?? 800002, description: provisioningProblem.code ? provisioningProblem.description : `Invalid request input: ${provisioningProblem.description}` };
    else if (provisioningProblem) problems.push(provisioningProblem);
  }
  if (problems.length) item.problem = problems[0];
  return item;
}

function copyOptional(raw: JsonObject, item: StoredLineItem): void {
  const friendlyName = text(field(raw, 'friendlyName'));
  if (friendlyName) item.friendlyName = friendlyName;
  const promotionId = text(field(raw, 'promotionId'));
  if (promotionId) item.promotionId = promotionId;
  const customTermEndDate = text(field(raw, 'customTermEndDate'));
  if (customTermEndDate) item.customTermEndDate = customTermEndDate;
  const attestation = field(raw, 'attestationAccepted');
  if (typeof attestation === 'boolean') item.attestationAccepted = attestation;
}

function readStructuredFields(raw: JsonObject, item: StoredLineItem, invalidInput: (d: string) => void): void {
  const context = field(raw, 'provisioningContext');
  if (isObject(context) && Object.values(context).every((v) => typeof v === 'string')) item.provisioningContext = { ...(context as Record<string, string>) };
  else if (context !== undefined && context !== null) invalidInput('provisioningContext must be an object of string values.');

  const renewsTo = field(raw, 'renewsTo');
  if (isObject(renewsTo)) {
    const term = text(field(renewsTo, 'termDuration'))?.toUpperCase();
    if (term === 'P1M' || term === 'P1Y') item.renewsTo = { termDuration: term };
    else invalidInput(`renewsTo.termDuration must be "P1M" or "P1Y", got ${quote(field(renewsTo, 'termDuration'))}.`);
  } else if (renewsTo !== undefined && renewsTo !== null) invalidInput('renewsTo must be an object {"termDuration": "P1M" | "P1Y"}.');

  const participants = field(raw, 'participants');
  if (Array.isArray(participants) && participants.every((p) => isObject(p) && typeof field(p, 'key') === 'string' && typeof field(p, 'value') === 'string'))
    item.participants = participants.map((p) => ({ key: String(field(p as JsonObject, 'key')), value: String(field(p as JsonObject, 'value')) }));
  else if (participants !== undefined && participants !== null) invalidInput('participants must be an array of {"key", "value"} strings.');
}

/** Scopes of an Azure reservation (product-resources.md, Sku provisioningVariables: "Single", "Shared"; create-a-cart.md sends them lowercase). */
const RESERVATION_SCOPES = ['single', 'shared'];

/**
 * The SKU's provisioningVariables must be in the line's provisioningContext ("The provisioningVariables property in a
 * SKU indicates which properties are required", create-a-cart.md). Keys match ignoring case (the docs write
 * `subscriptionId`, product-resources.md `SubscriptionId`). Codes from error-codes.md: no subscriptionId → 900313
 * "Entitlement ID (Azure subscription ID) in the provisioning context is required for the transaction."; a scope other
 * than Single/Shared → 900312 "The selected scope '{0}' in the provisioning context is not supported.". Any other
 * missing variable has no documented code: InvalidInput (10010) naming it.
 */
function provisioningContextProblem(item: StoredLineItem, catalogItem: CatalogItem): LineItemProblem | undefined {
  const required = catalogItem.provisioningVariables ?? [];
  if (required.length === 0) return undefined;
  const given = new Map(Object.entries(item.provisioningContext).map(([key, value]) => [key.toLowerCase(), value.trim()]));
  const where = `line item ${item.id} (${item.catalogItemId})`;
  for (const variable of required) {
    const value = given.get(variable.toLowerCase());
    if (value && variable.toLowerCase() === 'scope' && !RESERVATION_SCOPES.includes(value.toLowerCase()))
      return { name: 'Unknown', code: 900312, description: `The selected scope '${value}' in the provisioning context is not supported: ${where} (supported: Single, Shared).` };
    if (value) continue;
    if (variable.toLowerCase() === 'subscriptionid')
      return { name: 'Unknown', code: 900313, description: `Entitlement ID (Azure subscription ID) in the provisioning context is required for the transaction: ${where} has no provisioningContext.subscriptionId.` };
    return { name: 'InvalidInput', description: `provisioningContext.${variable} is required for ${item.catalogItemId} (its provisioningVariables: ${required.join(', ')}): ${where}.` };
  }
  return undefined;
}

function catalogProblems(item: StoredLineItem, catalogItem: CatalogItem, knobs: LineItemKnobs): LineItemProblem[] {
  const problems: LineItemProblem[] = [];
  // Documented line-item codes (cart-resources.md CartErrorCode; 10014 from the SDK's enum).
  if (catalogItem.enforceAttestation && item.attestationAccepted !== true)
    problems.push({ name: 'AttestationNotAccepted', description: `Attestation hasn't been accepted: ${item.catalogItemId} requires attestationAccepted: true.` });
  const maxSeats = catalogItem.maxSeatsPerSubscription;
  if (maxSeats && item.quantity > maxSeats)
    problems.push({ name: 'MaxAllowedSeatsPerSubscriptionExceeded', description: `Requested number of seats exceeds the limit: ${item.quantity} requested, at most ${maxSeats} per subscription of ${item.catalogItemId}.`, additionalInformation: { availableQuantity: maxSeats, purchasedQuantity: 0 } });
  if (item.promotionId && !(catalogItem.promotionIds ?? []).some((p) => p.toUpperCase() === item.promotionId!.toUpperCase()))
    problems.push({ name: 'InvalidPromotionId', description: `The promotion ${item.promotionId} is not valid for ${item.catalogItemId} (check promotionEligibilities before ordering).` });
  if (item.participants?.length && !knobs.participantsSupported)
    problems.push({ name: 'ParticipantsIsNotSupportedForPartner', description: 'Participants are not supported for this partner: only indirect providers may name a transaction reseller.' });
  const cycles = catalogItem.billingCycles.join(', ');
  if ((BILLING_CYCLES as readonly string[]).includes(item.billingCycle) && !catalogItem.billingCycles.includes(item.billingCycle as BillingCycle))
    problems.push({ name: 'BillingPlanNotSupported', description: `Billing cycle "${item.billingCycle}" is not supported for ${item.catalogItemId}; supported: ${cycles}.` });
  const terms = catalogItem.termDurations;
  if (item.termDuration && terms.length === 0)
    problems.push({ name: 'InvalidInput', description: `termDuration does not apply to ${item.catalogItemId} (${catalogItem.name}); omit it.` });
  else if (item.termDuration && !terms.includes(item.termDuration))
    problems.push({ name: 'InvalidInput', description: `termDuration "${item.termDuration}" is not offered for ${item.catalogItemId}; expected one of ${terms.join(', ')}.` });
  else if (!item.termDuration && catalogItem.termRequired)
    problems.push({ name: 'InvalidInput', description: `termDuration is required for ${item.catalogItemId}; expected one of ${terms.join(', ')}.` });
  return problems;
}

/**
 * An offer's minimum and maximum quantity: 400/900275 "The requested quantity for line item {0} is not within the
 * allowed quantity for this offer." (error-codes.md). The code names a line item, so it fails the whole request; which
 * operation returns it is undocumented, here the create/update that carries the line. The range is added to the text.
 */
function quantityError(items: StoredLineItem[]): SimResponse | undefined {
  for (const item of items) {
    const { minQuantity, maxQuantity } = item.catalogItem ?? {};
    if (item.problem || (!minQuantity && !maxQuantity)) continue;
    if ((minQuantity && item.quantity < minQuantity) || (maxQuantity && item.quantity > maxQuantity))
      return errorResponse(400, 900275, `The requested quantity for line item ${item.id} is not within the allowed quantity for this offer: ${item.quantity} requested, ${minQuantity ?? 1} to ${maxQuantity ?? MAX_QUANTITY} allowed for ${item.catalogItemId}.`);
  }
  return undefined;
}

/** The documented term/billing table (reference §8) applies to periodic billing cycles; one_time and none are separate plans. */
function termBillingError(items: StoredLineItem[]): SimResponse | undefined {
  for (const item of items) {
    const term = item.termDuration;
    if (!term || !(term in VALID_CYCLES_BY_TERM) || !(item.billingCycle in MONTHS)) continue;
    if (VALID_CYCLES_BY_TERM[term].includes(item.billingCycle)) continue;
    const where = `line item ${item.id} (${item.catalogItemId}): billing cycle "${item.billingCycle}" with term ${term}`;
    return MONTHS[item.billingCycle] > MONTHS[term]
      ? errorResponse(400, 900270, `The billing cycle cannot be longer than the term: ${where}.`)
      : errorResponse(400, 900269, `The billing cycle is invalid: ${where}; valid for ${term}: ${VALID_CYCLES_BY_TERM[term].join(', ')}.`);
  }
  return undefined;
}

/** Group rule: see OrderChannel in catalog.ts. Groups are numbered in order of first appearance. */
function assignOrderGroups(items: StoredLineItem[]): StoredLineItem[] {
  const groups = new Map<string, string>();
  const counters = { OMS: 0, other: 0 };
  for (const item of items) {
    if (item.problem || !item.catalogItem) continue;
    const channel = item.catalogItem.orderChannel;
    const key = `${channel}|${item.billingCycle}`;
    if (!groups.has(key)) groups.set(key, channel === 'OMS' ? `OMS-${counters.OMS++}` : String(counters.other++));
    item.orderGroup = groups.get(key);
  }
  return items;
}

const snakeCase = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** A line item as the service writes it (camelCase, lowercase enums, error code as integer or snake_case). */
export function lineItemToWire(item: StoredLineItem, knobs: Pick<SimulatorKnobs, 'currencyCode' | 'lineItemErrorCodeFormat'>): JsonObject {
  const { catalogItem, problem, provisioningRefusal: _refusal, ...fields } = item;
  const wire: JsonObject = { ...fields, currencyCode: knobs.currencyCode };
  if (catalogItem && !problem) wire.pricing = pricing(item, catalogItem.unitPrice);
  if (problem) {
    wire.error = {
      // A code outside CartErrorCode has no name to write in snake_case, so it stays a number in both formats.
      errorCode: problem.code ?? (knobs.lineItemErrorCodeFormat === 'integer' ? CART_ERROR_CODES[problem.name] : snakeCase(problem.name)),
      errorDescription: problem.description,
      additionalInformation: problem.additionalInformation ?? {},
    };
  }
  return wire;
}

/** Pre-tax pricing shaped like the NCE example: extendedPrice covers the whole term (30.4 monthly × P1Y = 364.8). */
export function pricing(item: StoredLineItem, unitPrice: number) {
  const termMonths = item.termDuration ? MONTHS[item.termDuration] : undefined;
  const cycleMonths = MONTHS[item.billingCycle];
  const periods = termMonths && cycleMonths ? Math.max(1, termMonths / cycleMonths) : 1;
  const extendedPrice = Math.round(unitPrice * item.quantity * periods * 100) / 100;
  return { listPrice: unitPrice, discountedPrice: unitPrice, proratedPrice: unitPrice, price: unitPrice, extendedPrice };
}
