// Reads one order by id (not the order list, which lags up to 15 minutes). Partner Center has no call that reads
// several orders by id, so an order with n pending Partner Center orders costs n calls per poll.

import { randomUUID } from 'node:crypto';
import { requestIds, type OrderSummary } from '../../shared/orders';
import { failedWith, succeeded, type ActivityResult } from './activityResult';
import { logOf, type OrderActivityDeps } from './deps';
import { summarizeOrder } from './orderSummary';

export interface OrderRef {
  instanceId: string;
  customerId: string;
  orderId: string;
}

export function getOrderActivity(deps: OrderActivityDeps) {
  const newRequestId = deps.newRequestId ?? randomUUID;
  return async (input: OrderRef): Promise<ActivityResult<OrderSummary>> => {
    const ctx = { requestId: newRequestId(), correlationId: requestIds.correlation(input.instanceId) };
    try {
      return succeeded(summarizeOrder(await deps.partnerCenter.getOrder(input.customerId, input.orderId, ctx)));
    } catch (error) {
      return failedWith(error, logOf(deps));
    }
  };
}
