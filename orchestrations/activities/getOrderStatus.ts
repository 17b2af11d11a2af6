// Reads one order by id (not the order list, which lags up to 15 minutes).

import { randomUUID } from 'node:crypto';
import { requestIds } from '../../shared/orders';
import type { GetOrderStatusResult, OrderRef } from './contracts';
import type { OrderActivityDeps } from './deps';
import { summarizeOrder } from './orderSummary';
import { throttledOrRejected } from './partnerCenterFailures';

export function getOrderStatusActivity(deps: OrderActivityDeps) {
  const newRequestId = deps.newRequestId ?? randomUUID;
  return async function getOrderStatus(input: OrderRef): Promise<GetOrderStatusResult> {
    const ctx = { requestId: newRequestId(), correlationId: requestIds.correlation(input.instanceId) };
    try {
      return { kind: 'order', order: summarizeOrder(await deps.partnerCenter.getOrder(input.customerId, input.orderId, ctx)) };
    } catch (error) {
      return throttledOrRejected(error);
    }
  };
}
