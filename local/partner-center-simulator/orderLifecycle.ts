// How an order moves: each configured outcome has a fixed path of statuses. The order advances one step each
// `pendingPolls` GETs by id or each `settleDelayMs` of simulator time, whichever comes first. Statuses are derived on
// read from (polls, age), so nothing needs timers and advancing the clock is enough to settle orders.
import type { BillingCycle, Order, OrderLineItem, OrderStatus } from '../../shared/partner-center/models';
import type { ItemBehaviour, OrderOutcome } from './catalog';
import type { OrderRecord } from './store';

const STATUS_PATHS: Record<OrderOutcome, OrderStatus[]> = {
  completed: ['pending', 'completed'],
  error: ['pending', 'error'],
  cancelled: ['pending', 'cancelled'],
  partial_success: ['pending', 'partial_success'],
  // The purchase-order flow (pending-po-upload.md, po-upload-complete-status.md) ends in completion or rejection.
  pending_po_upload: ['pending', 'pending_po_upload', 'po_upload_complete', 'completed'],
  po_review_rejected: ['pending', 'pending_po_upload', 'po_upload_complete', 'po_review_rejected'],
  pending_review: ['pending', 'pending_review', 'completed'],
  // Bought and billed, its subscription suspended by the partner (order-resources.md OrderStatus 4; announced with
  // "status": "suspended" in announcements april-2023/order-history-states.md).
  suspended: ['pending', 'suspended'],
  // OrderStatus 0, the "Enum initializer": when the service shows it is not documented; the simulator shows it until
  // the order completes, so a workflow that reads it must keep asking.
  unknown: ['unknown', 'completed'],
};

/** When items with different outcomes share an order, the worst one wins. */
const SEVERITY: OrderOutcome[] = ['error', 'cancelled', 'po_review_rejected', 'partial_success', 'suspended', 'pending_po_upload', 'pending_review', 'unknown', 'completed'];

export interface SettleSettings {
  outcome: OrderOutcome;
  /** null: GETs never move the order (only the delay does). */
  pendingPolls: number | null;
  settleDelayMs: number | null;
}

/** Combines the behaviours of the items of one order group with the knob defaults. */
export function settleSettings(behaviours: ItemBehaviour[], defaults: { orderPendingPolls: number | null; orderSettleDelayMs: number | null }): SettleSettings {
  const outcomes = behaviours.map((b) => b.outcome ?? 'completed');
  const outcome = SEVERITY.find((o) => outcomes.includes(o)) ?? 'completed';
  const polls = behaviours.map((b) => (b.pendingPolls === undefined ? defaults.orderPendingPolls : b.pendingPolls));
  const delays = behaviours.map((b) => (b.settleDelayMs === undefined ? defaults.orderSettleDelayMs : b.settleDelayMs)).filter((d): d is number => d !== null);
  return {
    outcome,
    pendingPolls: polls.includes(null) ? null : Math.max(...(polls as number[])),
    settleDelayMs: delays.length ? Math.max(...delays) : null,
  };
}

/** Steps taken after `polls` GETs and `elapsedMs` of simulator time, whichever moved further. */
function stepsAfter(order: OrderRecord, polls: number, elapsedMs: number, last: number): number {
  let step = 0;
  if (order.pendingPolls !== null) step = order.pendingPolls === 0 ? last : Math.floor(polls / order.pendingPolls);
  if (order.settleDelayMs !== null) step = Math.max(step, order.settleDelayMs === 0 ? last : Math.floor(elapsedMs / order.settleDelayMs));
  return step;
}

/**
 * The status an order shows now, before counting the current GET. An order that waits for a purchase order stays in
 * `pending_po_upload` until one is uploaded (unless knobs.purchaseOrderUpload was 'automatic' at checkout); the
 * upload shows at once as `po_upload_complete` ("Get Order details can be called to see the status change",
 * po-upload-complete-status.md), and the review's steps are counted from the upload.
 */
export function currentStatus(order: OrderRecord, now: number): OrderStatus {
  const path = STATUS_PATHS[order.outcome];
  const last = path.length - 1;
  let step = stepsAfter(order, order.polls, now - order.createdAt, last);
  const waitStep = path.indexOf('pending_po_upload');
  if (waitStep >= 0 && order.purchaseOrderUpload === 'required') {
    const upload = order.purchaseOrder;
    step = upload === undefined ? Math.min(step, waitStep) : waitStep + 1 + stepsAfter(order, order.polls - upload.pollsAtUpload, now - upload.uploadedAt, last);
  }
  return path[Math.min(step, last)];
}

/**
 * Subscriptions exist once provisioned: all lines when completed or suspended (a suspended subscription still exists
 * and is billed, subscription-lifecycle.md), only the first line of a partial success.
 */
function provisioned(status: OrderStatus, lineIndex: number): boolean {
  return status === 'completed' || status === 'suspended' || (status === 'partial_success' && lineIndex === 0);
}

export function orderToWire(order: OrderRecord, status: OrderStatus): Order & Record<string, unknown> {
  const base = `/customers/${order.customerId}/orders/${order.id}`;
  const link = (uri: string, method = 'GET') => ({ uri, method, headers: [] });
  const lineItems: (OrderLineItem & Record<string, unknown>)[] = order.lines.map((line, index) => {
    const wire: OrderLineItem & Record<string, unknown> = {
      lineItemNumber: line.lineItemNumber,
      offerId: line.offerId,
      termDuration: line.termDuration,
      transactionType: 'New',
      friendlyName: line.friendlyName,
      quantity: line.quantity,
      renewsTo: line.renewsTo,
      provisioningContext: line.provisioningContext,
      links: {} as Record<string, unknown>,
    };
    if (provisioned(status, index)) {
      wire.subscriptionId = line.subscriptionId;
      wire.links = { subscription: link(`/customers/${order.customerId}/subscriptions/${line.subscriptionId}`) };
    }
    return JSON.parse(JSON.stringify(wire)); // drops undefined fields, as the service omits them
  });
  const totalPrice = Math.round(order.lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0) * 100) / 100;
  return {
    id: order.id,
    alternateId: order.alternateId,
    referenceCustomerId: order.customerId,
    billingCycle: order.billingCycle as BillingCycle,
    transactionType: 'UserPurchase',
    currencyCode: order.currencyCode,
    currencySymbol: order.currencyCode === 'USD' ? '$' : order.currencyCode,
    creationDate: new Date(order.createdAt).toISOString(),
    status,
    totalPrice,
    lineItems,
    client: {},
    links: { self: link(base), provisioningStatus: link(`${base}/provisioningstatus`), patchOperation: link(base, 'PATCH') },
    attributes: { objectType: 'Order' },
  };
}
