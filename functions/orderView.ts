// The friendly view of an order for GET /api/orders/{orderId}: outcome or current stage, cart, orders, errors and when
// the workflow looks again, read from the instance's custom status and output.

import type { DurableOrchestrationStatus } from 'durable-functions';
import type { OrderCustomStatus } from '../orchestrations';
import { PURCHASE_ORDER_WAIT, purchaseOrderUploadPath } from '../orchestrations/activities/getOrder';
import type { OrderOutcome } from '../shared/orders';

export interface OrderView {
  orderId: string;
  instanceId: string;
  runtimeStatus: string;
  /** The outcome once the order has finished, or decided and being published (stage `publishing`); else null. */
  outcome: string | null;
  stage: string;
  cartId: string | null;
  orders: { id: string; status: string; subscriptionIds?: string[] }[];
  errors: unknown[];
  lastError: string | null;
  /** What the order waits for until nextCheckAt: Partner Center's throttling or an outage, the order list, orders... */
  waitingFor: string | null;
  nextCheckAt: string | null;
  /**
   * Present while Partner Center orders wait for the customer's purchase order (`pending_po_upload`): nothing moves
   * until it is uploaded with POST `uploadPath`.
   */
  purchaseOrder?: { required: true; partnerCenterOrderIds: string[]; uploadPath: string };
  createdAt: string;
  lastUpdatedAt: string;
}

// The SDK's getStatus gives Dates, the raw instance query (the list) gives the backend's strings: one form for both.
const asIso = (value: Date | string) => {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
};

export function orderView(orderId: string, status: DurableOrchestrationStatus): OrderView {
  const custom = (status.customStatus ?? null) as Partial<OrderCustomStatus> | null;
  const output = (status.output ?? null) as Partial<OrderOutcome> | null;
  const finished = output?.kind === 'outcome';
  const waitingForPo = finished ? [] : (custom?.orders ?? []).filter((o) => o.status === PURCHASE_ORDER_WAIT).map((o) => o.id);
  const purchaseOrder = waitingForPo.length > 0 ? { purchaseOrder: { required: true as const, partnerCenterOrderIds: waitingForPo, uploadPath: purchaseOrderUploadPath(orderId) } } : {};
  return {
    orderId,
    instanceId: status.instanceId,
    runtimeStatus: String(status.runtimeStatus),
    outcome: finished ? (output.status ?? null) : (custom?.outcome ?? null),
    stage: custom?.stage ?? (String(status.runtimeStatus) === 'Pending' ? 'queued' : 'unknown'),
    cartId: (finished ? output.cartId : custom?.cartId) ?? null,
    orders: finished
      ? (output.orders ?? []).map((o) => ({ id: o.id, status: o.status, subscriptionIds: o.lineItems.flatMap((l) => (l.subscriptionId ? [l.subscriptionId] : [])) }))
      : (custom?.orders ?? []),
    errors: finished ? (output.errors ?? []) : [],
    lastError: custom?.lastError ?? (String(status.runtimeStatus) === 'Failed' ? 'the workflow failed; see the Durable status for details' : null),
    waitingFor: custom?.waitingFor ?? null,
    nextCheckAt: custom?.nextCheckAt ?? null,
    ...purchaseOrder,
    createdAt: asIso(status.createdTime),
    lastUpdatedAt: asIso(status.lastUpdatedTime),
  };
}
