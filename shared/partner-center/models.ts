// Partner Center cart and order resources as they travel on the wire (camelCase JSON).
// Facts and sources: ../shared/reference/partner-center-api.md §1–§2.

/** Billing cycles as the service writes them (lower snake_case). */
export const BILLING_CYCLES = ['monthly', 'annual', 'none', 'one_time', 'triennial', 'biennial', 'unknown'] as const;
export type BillingCycle = (typeof BILLING_CYCLES)[number];

/** Cart status: "Active" until checked out, then "Ordered". Other values are preserved as sent. */
export type CartStatus = 'Active' | 'Ordered' | (string & {});

/** Order statuses documented by Partner Center. Unknown values are preserved as plain strings. */
export const KNOWN_ORDER_STATUSES = [
  'unknown',
  'completed',
  'pending',
  'cancelled',
  'suspended',
  'pending_review',
  'pending_po_upload',
  'po_upload_complete',
  'po_review_rejected',
  'partial_success',
  'error',
] as const;
export type KnownOrderStatus = (typeof KNOWN_ORDER_STATUSES)[number];
// `string & {}` keeps editor completion for the known values while accepting any string.
export type OrderStatus = KnownOrderStatus | (string & {});

/**
 * Order statuses after which polling stops. `suspended` is one: the order was bought and is billed, but the partner
 * suspended its subscription (order-resources.md OrderStatus 4; subscription-lifecycle.md "NCE suspended"); nothing
 * about the purchase changes by waiting. `unknown` (the enum initializer, position 0) is not: it says nothing yet.
 */
export const TERMINAL_ORDER_STATUSES: ReadonlySet<string> = new Set([
  'completed',
  'cancelled',
  'suspended',
  'error',
  'partial_success',
  'po_review_rejected',
]);

/** Order statuses that wait for people (PO upload, deal review): long-running, not failures. */
export const HUMAN_WAIT_ORDER_STATUSES: ReadonlySet<string> = new Set([
  'pending_review',
  'pending_po_upload',
  'po_upload_complete',
]);

export interface Link {
  uri: string;
  method: string;
  headers: unknown[];
}

export interface Participant {
  key: string;
  value: string;
}

export interface RenewsTo {
  termDuration: string;
}

/** CartErrorCode values (reference §1.4). The wire form is an integer or a snake_case/PascalCase name. */
export const CART_ERROR_CODES = {
  Unknown: 0,
  CurrencyIsNotSupported: 10000,
  CatalogItemIdIsNotValid: 10001,
  QuotaNotAvailable: 10002,
  InventoryNotAvailable: 10003,
  ParticipantsIsNotSupportedForPartner: 10004,
  UnableToProcessCartLineItem: 10006,
  SubscriptionIsNotValid: 10007,
  SubscriptionIsNotEnabledForRI: 10008,
  SandboxLimitExceeded: 10009,
  InvalidInput: 10010,
  SubscriptionNotRegistered: 10011,
  AttestationNotAccepted: 10012,
  BillingPlanNotSupported: 10013,
  InvalidPromotionId: 10014,
  MaxAllowedSeatsPerSubscriptionExceeded: 10015,
  InvalidCustomTermEndDateProduct: 10016,
  InvalidCustomTermEndDate: 10017,
  BaseOfferSeatQuantityNotMet: 10018,
  MinimumAddOnSeatsNotMet: 10019,
  LegacyOfferNotEligibleForPurchase: 500600,
} as const;
export type CartErrorName = keyof typeof CART_ERROR_CODES;

/** A line-item error returned inside a 201/200 cart. */
export interface CartError {
  /** Normalised name, e.g. "CatalogItemIdIsNotValid" ("Unknown" when the code is not recognised). */
  errorCode: CartErrorName;
  /** Numeric code (10001...), derived from the name when the service sent a string. */
  errorCodeNumber: number;
  errorDescription: string;
  additionalInformation?: Record<string, unknown>;
}

/** A line item as the caller sends it when creating or updating a cart. */
export interface CartLineItemInput {
  id?: number;
  catalogItemId: string;
  quantity: number;
  billingCycle: BillingCycle;
  termDuration?: string;
  friendlyName?: string;
  provisioningContext?: Record<string, string>;
  renewsTo?: RenewsTo;
  promotionId?: string;
  participants?: Participant[];
  customTermEndDate?: string;
  attestationAccepted?: boolean;
}

/** A line item as the service returns it. */
export interface CartLineItem extends CartLineItemInput {
  id: number;
  currencyCode?: string;
  /** Assigned by the service: items with the same group are bought in one order. */
  orderGroup?: string;
  error?: CartError;
}

export interface Cart {
  id: string;
  creationTimestamp: string;
  lastModifiedTimestamp?: string;
  expirationTimestamp: string;
  lastModifiedUser?: string;
  lineItems: CartLineItem[];
  status: CartStatus;
}

export interface OrderLineItem {
  lineItemNumber: number;
  offerId: string;
  subscriptionId?: string;
  parentSubscriptionId?: string;
  termDuration?: string;
  transactionType?: string;
  friendlyName?: string;
  quantity: number;
  promotionId?: string;
  renewsTo?: RenewsTo;
  provisioningContext?: Record<string, string>;
}

export interface Order {
  id: string;
  alternateId?: string;
  referenceCustomerId?: string;
  billingCycle: BillingCycle;
  transactionType?: string;
  currencyCode?: string;
  creationDate?: string;
  status: OrderStatus;
  lineItems: OrderLineItem[];
}

/** An order group that could not be ordered at checkout. */
export interface OrderError {
  orderGroupId: string;
  code: number;
  description: string;
}

export interface CartCheckoutResult {
  orders: Order[];
  orderErrors: OrderError[];
}

export interface OrderList {
  totalCount: number;
  items: Order[];
}

/** Partner Center's error body (`code` is a number in practice, a string in the docs table). */
export interface PartnerCenterErrorBody {
  code: number | string;
  description: string;
  data?: unknown[];
  source?: string;
}
