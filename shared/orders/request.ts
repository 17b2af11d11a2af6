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
  /** The cart line id Partner Center keeps (a whole number, unique in the order); 0..n-1 by position when absent. */
  id?: number;
  /** `productId:skuId:availabilityId`, or a legacy offer id such as MS-AZR-0145P. */
  catalogItemId: string;
  quantity: number;
  billingCycle: RequestableBillingCycle;
  termDuration?: TermDuration;
  friendlyName?: string;
  provisioningContext?: Record<string, string>;
  renewsTo?: RenewsTo;
  promotionId?: string;
  participants?: Participant[];
  /** Co-terminates the first term with an existing subscription (custom-term-end-dates.md). */
  customTermEndDate?: string;
  /** The offer's or SKU's conditions accepted; Partner Center requires it where the catalog enforces attestation. */
  attestationAccepted?: boolean;
}

export interface OrderRequest {
  /** The ERP's order id: the idempotency key (one order id, one orchestration instance). */
  orderId: string;
  /** The Partner Center customer (tenant) id, a GUID. */
  customerId: string;
  lineItems: OrderLineItemRequest[];
  /**
   * The partner-of-record attestation, sent on the cart as `PartnerOnRecordAttestationAccepted` ("Confirms Attestation
   * completion", create-a-cart.md). Only the ERP can give it: the workflow never sends it on its own.
   */
  partnerOnRecordAttestationAccepted?: boolean;
}

/** A validation failure: the field's path (`lineItems[2].termDuration`) and what was expected there. */
export interface FieldError {
  field: string;
  message: string;
}
