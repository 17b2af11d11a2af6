// The simulator's catalog: which catalogItemIds exist, what billing cycles and terms they accept, how they group
// into orders, and how their orders behave after checkout. The built-in items are the ones used in the Partner Center
// docs' examples (create-a-cart.md, checkout-a-cart.md), so the documented requests work unchanged.
import type { BillingCycle } from '../../shared/partner-center/models';

/** Final outcomes an order can be configured to reach; each has a fixed path of statuses (orderLifecycle.ts). */
export const ORDER_OUTCOMES = [
  'completed',
  'error',
  'partial_success',
  'cancelled',
  'pending_po_upload',
  'pending_review',
  'po_review_rejected',
  'suspended',
  'unknown',
] as const;
export type OrderOutcome = (typeof ORDER_OUTCOMES)[number];

export interface CheckoutFailure {
  /** OrderError.code; default 800005 "Create order isn't successful". */
  code?: number;
  description?: string;
  /** Fail only this many checkouts (then succeed); unlimited when absent. */
  times?: number;
}

/**
 * A refusal of the whole request, answered with the service's error body: Partner Center's documented 403/404 business
 * refusals (error-codes.md: 403/13605 no Customer Agreement, 403/800066-800089 limits, 403/800069 risk check,
 * 403/900121 credit limit, 403/2091 offer gone, 404/400019 availability not found) or any other 4xx but 429.
 */
export interface RequestRefusal {
  status: number;
  code: number;
  /** Default: a description naming the code, the cart and the item. */
  description?: string;
  /** Refuse only this many requests (then let them through); unlimited when absent. */
  times?: number;
}

/** How an item behaves after checkout. Unset fields fall back to the run-time knobs (knobs.ts). */
export interface ItemBehaviour {
  outcome?: OrderOutcome;
  /** GETs of the order that still answer each intermediate status (e.g. `pending`) before it moves on; null = GETs never move it. */
  pendingPolls?: number | null;
  /** Simulator-clock time each intermediate status lasts; whichever of polls or delay comes first moves it on; null = no delay. */
  settleDelayMs?: number | null;
  /** The item's order group lands in `orderErrors` at checkout instead of becoming an order. */
  checkoutFailure?: CheckoutFailure | null;
  /** A checkout of a cart holding the item is refused as a whole: nothing is bought and the cart stays Active. */
  checkoutRefusal?: RequestRefusal | null;
  /** Creating a cart holding the item is refused as a whole: no cart is created. */
  createRefusal?: RequestRefusal | null;
}

/**
 * Order groups (reference §1.3, §9.1: "items that can be bought together share a group"; the rule itself is
 * undocumented). Rule used here: group key = (orderChannel, billingCycle). Legacy MS-AZR offers go through the old
 * order system and get "OMS-n" groups; an Azure plan is always its own order; everything else ("commerce") shares a
 * group per billing cycle. This reproduces the docs' example exactly: MS-AZR-0145P → "OMS-0"; two reserved
 * instances + perpetual software (one_time) → "0"; SaaS (monthly) → "1"; SaaS trial (none) → "2".
 */
export type OrderChannel = 'OMS' | 'azure-plan' | 'commerce';

export interface CatalogItem {
  /**
   * The catalogItemId a cart line must name exactly (any case): `product:sku:availability`, or a legacy offer id. No
   * prefix matching: Partner Center refuses an availability it does not know even when the product exists.
   */
  id: string;
  name: string;
  orderChannel: OrderChannel;
  billingCycles: BillingCycle[];
  /** Terms the item sells; empty = the item has no term and `termDuration` must be absent. */
  termDurations: string[];
  /** Whether `termDuration` must be given (legacy Azure accepts one but does not need it). */
  termRequired: boolean;
  unitPrice: number;
  /** The SKU's attestationProperties.enforceAttestation: a line without attestationAccepted gets 10012. */
  enforceAttestation?: boolean;
  /** Seats one subscription may have; more on a line gets 10015 with additionalInformation. */
  maxSeatsPerSubscription?: number | null;
  /**
   * The SKU's provisioningVariables (product-resources.md: "SubscriptionId", "Scope", "Duration"): keys a line's
   * provisioningContext must carry. A missing subscriptionId gets 900313, an unsupported scope 900312 (lineItems.ts).
   */
  provisioningVariables?: string[];
  /** Quantities the offer sells (an offer's minimum/maximum quantity); a line outside them fails the create/update with 400/900275. */
  minQuantity?: number | null;
  maxQuantity?: number | null;
  /** Promotions this item is eligible for; any other promotionId gets 10014 InvalidPromotionId. */
  promotionIds?: string[];
  /**
   * The availability is no longer sold: a new cart line naming it gets 10001 CatalogItemIdIsNotValid, and checking out
   * a cart made before gets 404/400019 "Availability not found" (error-codes.md: "This error can occur when checking
   * out a cart"). Set at run time with setCatalogItem(id, {}, { withdrawn: true }).
   */
  withdrawn?: boolean;
  behaviour: ItemBehaviour;
}

const nce = (id: string, name: string, unitPrice: number): CatalogItem => ({
  id,
  name,
  orderChannel: 'commerce',
  billingCycles: ['monthly', 'annual', 'triennial'],
  termDurations: ['P1M', 'P1Y', 'P3Y'],
  termRequired: true,
  unitPrice,
  behaviour: {},
});

/** Built-in catalog items on the purchase-order path, exported so tests name the exact ids the catalog sells. */
export const ACCESS_LTSC_2021 = 'DG7GMGF0D7FV:0001:DG7GMGF0D9ZP';
export const EXCEL_LTSC_2021 = 'DG7GMGF0D7FT:0002:DG7GMGF0D9ZQ';
/** The built-in Azure reserved VM instances (create-a-cart.md's example), which require provisioningVariables. */
export const RESERVED_VM_1Y = 'DZH318Z0BQ36:004G:DZH318Z08C0S';
const RESERVATION_VARIABLES = ['subscriptionId', 'scope'];

export function defaultCatalog(): CatalogItem[] {
  return [
    // Azure plan: provisioned at once, so its order is `completed` in the checkout response (checkout-a-cart.md).
    { id: 'DZH318Z0BPS6:0001:DZH318Z0BPS6', name: 'Azure plan', orderChannel: 'azure-plan', billingCycles: ['monthly'], termDurations: [], termRequired: false, unitPrice: 0, behaviour: { pendingPolls: 0 } },
    { id: 'MS-AZR-0145P', name: 'Microsoft Azure (legacy)', orderChannel: 'OMS', billingCycles: ['monthly'], termDurations: ['P1Y'], termRequired: false, unitPrice: 0, behaviour: { pendingPolls: 0 } },
    // Reservations need the Azure subscription and scope (create-a-cart.md's REST example sends exactly these two;
    // product-resources.md also lists Duration, which that example omits, so requiring it would refuse the docs' request).
    { id: RESERVED_VM_1Y, name: 'Azure reserved VM instance (1 year)', orderChannel: 'commerce', billingCycles: ['one_time', 'monthly'], termDurations: ['P1Y'], termRequired: true, unitPrice: 611.0, provisioningVariables: RESERVATION_VARIABLES, behaviour: {} },
    { id: 'DZH318Z0BQ36:004J:DZH318Z08B8X', name: 'Azure reserved VM instance (3 years)', orderChannel: 'commerce', billingCycles: ['one_time', 'monthly'], termDurations: ['P3Y'], termRequired: true, unitPrice: 1433.0, provisioningVariables: RESERVATION_VARIABLES, behaviour: {} },
    { id: 'DG7GMGF0DWTL:0001:DG7GMGF0DSFM', name: 'Perpetual software', orderChannel: 'commerce', billingCycles: ['one_time'], termDurations: [], termRequired: false, unitPrice: 299.0, behaviour: {} },
    { id: 'DG7GMGF0DWM3:0002:DG7GMGF0DT1M', name: 'Perpetual software', orderChannel: 'commerce', billingCycles: ['one_time'], termDurations: [], termRequired: false, unitPrice: 299.0, behaviour: {} },
    // Access / Excel LTSC 2021: the docs' sandbox trigger for the purchase-order upload flow (pending-po-upload.md).
    // The docs give only the product ids; the SKU and availability ids are the simulator's choice (real ones come
    // from GET /products/{id}/skus/{sku}/availabilities and differ per market).
    { id: ACCESS_LTSC_2021, name: 'Access LTSC 2021', orderChannel: 'commerce', billingCycles: ['one_time'], termDurations: [], termRequired: false, unitPrice: 199.0, behaviour: { outcome: 'pending_po_upload' } },
    { id: EXCEL_LTSC_2021, name: 'Excel LTSC 2021', orderChannel: 'commerce', billingCycles: ['one_time'], termDurations: [], termRequired: false, unitPrice: 199.0, behaviour: { outcome: 'pending_po_upload' } },
    { id: 'DZH318Z0BXWC:0002:DZH318Z0BMRV', name: 'SaaS subscription', orderChannel: 'commerce', billingCycles: ['monthly', 'annual'], termDurations: ['P1M', 'P1Y'], termRequired: true, unitPrice: 10.0, behaviour: {} },
    { id: 'DZH318Z0C0WF:0001:DZH318Z0BP69', name: 'SaaS free trial', orderChannel: 'commerce', billingCycles: ['none'], termDurations: ['P1M'], termRequired: true, unitPrice: 0, behaviour: {} },
    // The only offers documented to enforce attestation: Windows 365 Business with Windows Hybrid Benefit
    // (pricing-and-offers.md#offer-attestation lists legacy offer ids such as this one).
    { id: '5f3a7cd2-c76f-4b21-9ddc-f48f09869cf6', name: 'Windows 365 Business with Windows Hybrid Benefit (legacy offer)', orderChannel: 'commerce', billingCycles: ['monthly', 'annual'], termDurations: [], termRequired: false, unitPrice: 31.0, enforceAttestation: true, behaviour: {} },
    nce('CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5', 'Microsoft 365 E3', 36.0),
    nce('CFQ7TTC0LH0Z:0001:CFQ7TTC0K18P', 'Microsoft 365 Business Basic', 6.0),
    nce('CFQ7TTC0LFLS:0002:CFQ7TTC0KDLJ', 'Microsoft 365 Business Standard', 12.5),
    nce('CFQ7TTC0LFLZ:0002:CFQ7TTC0K4TS', 'Microsoft 365 Business Premium', 22.0),
  ];
}

export interface Catalog {
  find(catalogItemId: string): CatalogItem | undefined;
  upsert(item: CatalogItem): void;
  list(): CatalogItem[];
}

/**
 * Exact ids only. A cart line names product, SKU and availability, and an availability the catalog does not sell is
 * refused even for a known product: line-item CatalogItemIdIsNotValid (10001, cart-resources.md) here; the service's
 * 404/400019 "Availability not found" (error-codes.md) is for an availability gone by checkout. Lookups ignore case
 * like the service's catalog ids do [INFERENCE].
 */
export function createCatalog(items: CatalogItem[]): Catalog {
  const byId = new Map<string, CatalogItem>();
  const upsert = (item: CatalogItem) => byId.set(item.id.toUpperCase(), structuredClone(item));
  items.forEach(upsert);
  return {
    find(catalogItemId) {
      return byId.get(catalogItemId.toUpperCase());
    },
    upsert,
    list: () => [...byId.values()].map((item) => structuredClone(item)),
  };
}
