// Reads one order by id (not the order list, which lags up to 15 minutes). Partner Center has no call that reads
// several orders by id, so an order with n pending Partner Center orders costs n calls per poll.
//
// When an order is first seen waiting for a purchase order, this step also tells the ERP (a `purchaseOrderRequired`
// milestone): the orchestration passes what it saw last, so the milestone goes out on the change and its derived
// message id lets the topic drop a retried copy. It is published here rather than by a step of its own so that
// orchestrations already running keep the history they were recorded with (no new scheduled task on replay).

import { randomUUID } from 'node:crypto';
import { requestIds, type OrderSummary, type PurchaseOrderRequiredMilestone } from '../../shared/orders';
import { failedWith, succeeded, type ActivityResult } from './activityResult';
import { logOf, type OrderActivityDeps } from './deps';
import { PURCHASE_ORDER_WAIT } from '../policy';
import { summarizeOrder } from './orderSummary';

export interface OrderRef {
  instanceId: string;
  customerId: string;
  orderId: string;
  /**
   * The ERP order, the status this order had when last read and when the orchestration polls (its own clock, so the
   * activity reads none): set, the step announces a new PO wait.
   */
  announce?: { erpOrderId: string; previousStatus: string; polledAt: string };
}

export { PURCHASE_ORDER_WAIT };

/** The app's upload route for an ERP order id, relative to /api (functions/purchaseOrderHttp.ts). */
export const purchaseOrderUploadPath = (erpOrderId: string) => `/api/orders/${encodeURIComponent(erpOrderId)}/purchase-order`;

export function getOrderActivity(deps: OrderActivityDeps) {
  const newRequestId = deps.newRequestId ?? randomUUID;
  return async (input: OrderRef): Promise<ActivityResult<OrderSummary>> => {
    const ctx = { requestId: newRequestId(), correlationId: requestIds.correlation(input.instanceId) };
    let order: OrderSummary;
    try {
      order = summarizeOrder(await deps.partnerCenter.getOrder(input.customerId, input.orderId, ctx));
    } catch (error) {
      return failedWith(error, logOf(deps));
    }
    if (input.announce && order.status === PURCHASE_ORDER_WAIT && input.announce.previousStatus !== PURCHASE_ORDER_WAIT) {
      const milestone: PurchaseOrderRequiredMilestone = {
        kind: 'purchaseOrderRequired',
        orderId: input.announce.erpOrderId,
        customerId: input.customerId,
        instanceId: input.instanceId,
        partnerCenterOrderId: order.id,
        uploadPath: purchaseOrderUploadPath(input.announce.erpOrderId),
        seenAt: input.announce.polledAt,
      };
      // Like the submitted milestone, its loss does not fail the order: the status endpoint says the same.
      await deps.publisher.publish(milestone).catch((error: unknown) => logOf(deps)(`publishing the purchaseOrderRequired milestone of order ${order.id} failed: ${error instanceof Error ? error.message : String(error)}`));
    }
    return succeeded(order);
  };
}
