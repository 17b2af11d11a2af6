// The order request the ERP sends (queue message body or POST /api/orders body), after validation.
// Line items carry the fields Partner Center's cart takes (reference partner-center-api.md §1.3), nothing else.

import type { Participant, RenewsTo } from '../partner-center/models';

/** Billing cycles an order may ask for (`unknown` and the SDK-only `biennial` are not purchasable). */
export const REQUESTABLE_BILLING_CYCLES = ['monthly', 'annual', 'triennial', 'one_time', 'none'] as const;
export type RequestableBillingCycle = (typeof REQUESTABLE_BILLING_CYCLES)[number];

/** New-commerce terms (reference §8). */
export const TERM_DURATIONS = ['P1M', 'P1Y', 'P3Y'] as const;
export type TermDuration = (typeof TERM_DURATIONS)[number];

/** Terms a subscription may renew into (reference §8: `renewsTo.termDuration` only P1M/P1Y). */
export const RENEWAL_TERM_DURATIONS = ['P1M', 'P1Y'] as const;

export const PARTICIPANT_KEYS = ['transaction_reseller', 'additional_transaction_reseller'] as const;

export interface OrderLineItemRequest {
  catalogItemId: string;
  quantity: number;
  billingCycle: RequestableBillingCycle;
  termDuration?: TermDuration;
  friendlyName?: string;
  provisioningContext?: Record<string, string>;
  renewsTo?: RenewsTo;
  promotionId?: string;
  participants?: Participant[];
}

export interface OrderRequest {
  /** The ERP's order id: the idempotency key (one order id, one orchestration instance). */
  orderId: string;
  /** The Partner Center customer (tenant) id, a GUID. */
  customerId: string;
  lineItems: OrderLineItemRequest[];
}

/** A validation failure: the field's path (`lineItems[2].termDuration`) and what was expected there. */
export interface FieldError {
  field: string;
  message: string;
}
