// What the workflow tells the ERP: a `submitted` milestone as soon as checkout returns order ids, exactly one
// outcome per order, and a rejection per queue message that could not be read or validated (about the message, never
// an order's outcome). All travel on the results topic (shared/results/) and are small on purpose: ids, statuses and
// errors, never whole Partner Center payloads.

import type { BillingCycle, OrderStatus } from '../partner-center/models';
import type { FailureReason } from './failure';
import type { FieldError } from './request';

/** The workflow's own reasons, stable for an ERP to act on (failure reasons from ./failure.ts appear too). */
export type WorkflowReason =
  | 'cancelled'
  /** The order's deadline passed while it waited (throttling, an outage, orders that did not settle). */
  | 'deadlinePassed'
  /** Every cart expired before it could be checked out. */
  | 'cartsExpired'
  /** A checked-out cart's orders appeared only in part in Partner Center's order list. */
  | 'ordersIncomplete'
  /** A Partner Center order did not end completed: without (all of) its purchase, suspended, or still `unknown`. */
  | 'orderNotCompleted'
  /** Whether the cart was checked out could not be told by the deadline: check Partner Center. */
  | 'checkoutUnknown';

/**
 * `unknown`: the workflow could not tell, up to the order's deadline, whether Partner Center checked the cart out; the
 * outcome names the cart so an operator can look in Partner Center. It is never reported as `failed`.
 */
export const OUTCOME_STATUSES = ['completed', 'partiallyCompleted', 'failed', 'cancelled', 'timedOut', 'unknown'] as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];

export interface OrderLineSummary {
  lineItemNumber: number;
  offerId: string;
  quantity: number;
  /** Present once Partner Center has provisioned the subscription. */
  subscriptionId?: string;
}

/** One Partner Center order produced by the checkout, as last seen. */
export interface OrderSummary {
  id: string;
  status: OrderStatus;
  billingCycle: BillingCycle;
  lineItems: OrderLineSummary[];
}

/** Every error the ERP may need, tagged by where it came from. */
export type OutcomeError =
  | ({ source: 'validation' } & FieldError)
  /** A cart line item Partner Center refused (returned inside the created cart). */
  | { source: 'lineItem'; lineItemIndex: number; lineItemId?: number; code: string; codeNumber: number; description: string }
  /** An order group that checkout could not order (CartCheckoutResult.orderErrors). */
  | { source: 'orderGroup'; orderGroupId: string; code: number; description: string }
  /** A Partner Center call that failed for good. */
  | { source: 'partnerCenter'; reason: FailureReason; operation: string; status?: number; code?: string; description: string }
  /** The workflow's own reason (deadline, expired carts, credentials refused...), with a short message. */
  | { source: 'workflow'; reason: WorkflowReason | FailureReason; message: string };

interface MessageIdentity {
  /** The ERP order id. */
  orderId: string | null;
  customerId: string | null;
  /** The orchestration instance. */
  instanceId: string | null;
}

export interface SubmittedMilestone extends MessageIdentity {
  kind: 'submitted';
  cartId: string;
  orders: OrderSummary[];
  errors: OutcomeError[];
  submittedAt: string;
}

/**
 * A Partner Center order of this order waits for the customer's purchase order (`pending_po_upload`): nothing happens
 * until the partner uploads it, through POST /api/orders/{orderId}/purchase-order. One per Partner Center order.
 */
export interface PurchaseOrderRequiredMilestone extends MessageIdentity {
  kind: 'purchaseOrderRequired';
  /** The Partner Center order that waits. */
  partnerCenterOrderId: string;
  /** Where the ERP uploads the purchase order (relative to the app's /api). */
  uploadPath: string;
  /** When the workflow saw the order waiting. */
  seenAt: string;
}

export interface OrderOutcome extends MessageIdentity {
  kind: 'outcome';
  status: OutcomeStatus;
  cartId: string | null;
  orders: OrderSummary[];
  errors: OutcomeError[];
  /** When the workflow accepted the order. */
  receivedAt: string;
  /** When checkout returned the orders, if it did. */
  submittedAt: string | null;
  finishedAt: string;
}

/**
 * The answer to a queue message that could not be read or validated. It names the message and what it claimed; it
 * is never an order's outcome: it carries no `orderId` or `instanceId`, and its correlationId on the topic is the
 * rejected message's id. When an order with the claimed id exists, `claimedOrderExists` says so: that order and its
 * own outcome are unaffected.
 */
export interface MessageRejection {
  kind: 'rejection';
  /** The rejected queue message's Service Bus message id. */
  messageId: string;
  /**
   * The order id the message claimed, as a printable rendering (invisible, bidi and separator characters shown as
   * \u{XXXX}); null when the message had no string order id of at most 100 characters.
   */
  claimedOrderId: string | null;
  /** Whether an order with the claimed id exists (its instance id then, for operators); false when none was claimed. */
  claimedOrderExists: boolean;
  claimedInstanceId: string | null;
  /** The message's customerId, only when it was a valid GUID. */
  customerId: string | null;
  errors: OutcomeError[];
  rejectedAt: string;
}

export type ResultMessage = SubmittedMilestone | PurchaseOrderRequiredMilestone | OrderOutcome | MessageRejection;

/** The message's subject on the topic: the outcome status, `submitted`, `purchaseOrderRequired`, or `rejected` for a message rejection. */
export function resultSubject(message: ResultMessage): string {
  if (message.kind === 'rejection') return 'rejected';
  return message.kind === 'outcome' ? message.status : message.kind;
}
