// How the final statuses of the orders become the order's outcome. Pure, so every combination is easy to test.

import type { OrderOutcome, OrderSummary, OutcomeError, OutcomeStatus } from '../shared/orders/outcome';
import type { ProcessOrderInput } from './contracts';

const FAILED_ORDER_STATUSES = new Set(['error', 'cancelled', 'po_review_rejected']);

/** completed: every order completed and no order group was refused; partiallyCompleted: something was bought. */
export function settledStatus(orders: readonly OrderSummary[], orderGroupErrors: number): OutcomeStatus {
  const completed = orders.filter((o) => o.status === 'completed').length;
  if (orders.length > 0 && completed === orders.length && orderGroupErrors === 0) return 'completed';
  if (completed > 0 || orders.some((o) => o.status === 'partial_success')) return 'partiallyCompleted';
  return 'failed';
}

/** One error per order that ended without (all of) its purchase, so the ERP sees why without reading statuses. */
export function orderStatusErrors(orders: readonly OrderSummary[]): OutcomeError[] {
  return orders
    .filter((o) => FAILED_ORDER_STATUSES.has(o.status) || o.status === 'partial_success')
    .map((o) => ({ source: 'workflow', message: `Partner Center order ${o.id} ended with status ${o.status}` }));
}

export interface OutcomeDetails {
  cartId: string | null;
  orders: OrderSummary[];
  errors: OutcomeError[];
  submittedAt: string | null;
}

export function buildOutcome(input: ProcessOrderInput, instanceId: string, status: OutcomeStatus, details: OutcomeDetails, finishedAt: string): OrderOutcome {
  return {
    kind: 'outcome',
    status,
    orderId: input.request.orderId,
    customerId: input.request.customerId,
    instanceId,
    cartId: details.cartId,
    orders: details.orders,
    errors: details.errors,
    receivedAt: input.receivedAt,
    submittedAt: details.submittedAt,
    finishedAt,
  };
}
