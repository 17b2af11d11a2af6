// The activities' names, inputs and results: all the orchestrator knows about them (it imports nothing else from
// this folder). Results are small discriminated unions; a transient failure is thrown instead, so the Durable retry
// policy retries it, and throttling comes back as a value so the orchestrator can wait on a durable timer.

import type { OrderRequest, OrderSummary, ResultMessage } from '../../shared/orders';

export const ACTIVITY = {
  createCart: 'createCart',
  checkoutCart: 'checkoutCart',
  recoverOrders: 'recoverOrders',
  getOrderStatus: 'getOrderStatus',
  publishResult: 'publishResult',
} as const;

/** A Partner Center refusal, without secrets: what the ERP and an operator need to act on it. */
export interface PartnerCenterFailure {
  operation: string;
  status?: number;
  code?: string;
  description: string;
}

export interface LineItemError {
  lineItemIndex: number;
  code: string;
  codeNumber: number;
  description: string;
}

export interface OrderGroupError {
  orderGroupId: string;
  code: number;
  description: string;
}

export type Throttled = { kind: 'throttled'; retryAfterSeconds: number };
export type Rejected = { kind: 'rejected'; error: PartnerCenterFailure };

export interface CreateCartInput {
  instanceId: string;
  /** 1 for the first cart, 2 for its first replacement...: part of the MS-RequestId. */
  attempt: number;
  request: OrderRequest;
}
export type CreateCartResult =
  | { kind: 'created'; cartId: string; createdAt: string; expiresAt: string; lineItemErrors: LineItemError[] }
  | Throttled
  | Rejected;

export interface CartRef {
  instanceId: string;
  customerId: string;
  cartId: string;
}
export type CheckoutResult =
  | { kind: 'submitted'; orders: OrderSummary[]; orderErrors: OrderGroupError[] }
  | Throttled
  /** 409/800064: another request is processing this cart. */
  | { kind: 'busy' }
  /** 400/800065: the cart was already checked out (by an earlier attempt whose answer was lost). */
  | { kind: 'alreadySubmitted' }
  /** The cart no longer exists or has expired: create a new one. */
  | { kind: 'expired' }
  | Rejected;

export type RecoverOrdersResult =
  /** `complete` is false while the order list (which lags up to 15 minutes) does not yet show every cart item. */
  | { kind: 'recovered'; orders: OrderSummary[]; complete: boolean }
  /** The cart is still `Active`: checkout never happened, so it can be tried again. */
  | { kind: 'notOrdered' }
  | Throttled
  | Rejected;

export interface OrderRef {
  instanceId: string;
  customerId: string;
  orderId: string;
}
export type GetOrderStatusResult = { kind: 'order'; order: OrderSummary } | Throttled | Rejected;

export type PublishResultInput = ResultMessage;
export interface PublishResultOutput {
  messageId: string;
}
