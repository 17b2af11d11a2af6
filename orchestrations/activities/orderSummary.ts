import type { Order } from '../../shared/partner-center';
import type { OrderSummary } from '../../shared/orders';

/** Only what the workflow and the ERP need from an order: ids, status, billing cycle and subscription ids. */
export function summarizeOrder(order: Order): OrderSummary {
  return {
    id: order.id,
    status: order.status,
    billingCycle: order.billingCycle,
    lineItems: order.lineItems.map((line) => {
      const summary: OrderSummary['lineItems'][number] = { lineItemNumber: line.lineItemNumber, offerId: line.offerId, quantity: line.quantity };
      if (line.subscriptionId !== undefined) summary.subscriptionId = line.subscriptionId;
      return summary;
    }),
  };
}
