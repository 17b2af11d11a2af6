// Partner Center order statuses that are neither success nor failure, through the whole app: an order the simulator
// shows `suspended` (bought and billed, its subscription suspended by the partner; order-resources.md OrderStatus 4)
// and one it shows `unknown` (OrderStatus 0, the enum initializer) before it completes.
import { M365_E3, validOrder } from '../fixtures/orders/requests';
import { customerIdFor, getJson, runOrderOverHttp, simulatorCalls, useE2eStack } from './stack';

const stack = useE2eStack();

it('an order Partner Center shows suspended ends partiallyCompleted, naming it, and is bought once', async () => {
  const customerId = customerIdFor('suspended-order');
  stack.simulator.controls.setCatalogItem(M365_E3, { outcome: 'suspended', pendingPolls: 1 });
  const order = validOrder({ orderId: 'SO-SUSPENDED-1', customerId, lineItems: [{ catalogItemId: M365_E3, quantity: 3, billingCycle: 'monthly', termDuration: 'P1Y' }] });

  const { final, results, outcome } = await runOrderOverHttp(stack, order);

  expect(final.runtimeStatus).toBe('Completed');
  expect(results.map((m) => m.subject)).toEqual(['submitted', 'partiallyCompleted']);
  expect(outcome.status).toBe('partiallyCompleted');
  expect(outcome.orders).toHaveLength(1);
  const [bought] = outcome.orders;
  expect(bought.status).toBe('suspended');
  // The subscription exists (it is suspended, not gone).
  expect(bought.lineItems[0].subscriptionId).toEqual(expect.any(String));
  expect(outcome.errors).toEqual([
    {
      source: 'workflow',
      reason: 'orderNotCompleted',
      message: `Partner Center order ${bought.id} ended with status suspended: it was bought and is billed, but its subscription is suspended (not usable) until the partner reactivates it`,
    },
  ]);
  // Polling stopped at the first `suspended`: pending once, then suspended.
  expect(simulatorCalls(stack, customerId, 'GET', /\/orders\/[^/]+$/)).toHaveLength(2);
  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, orders: 1 });
  const view = await getJson(`${stack.runtime.apiBaseUrl}/orders/${order.orderId}`);
  expect(view.body).toMatchObject({ outcome: 'partiallyCompleted', orders: [{ id: bought.id, status: 'suspended' }] });
}, 60_000);

it('an order Partner Center shows unknown is polled until it says completed', async () => {
  const customerId = customerIdFor('unknown-order');
  stack.simulator.controls.setCatalogItem(M365_E3, { outcome: 'unknown', pendingPolls: 3 });
  const order = validOrder({ orderId: 'SO-UNKNOWN-1', customerId, lineItems: [{ catalogItemId: M365_E3, quantity: 1, billingCycle: 'monthly', termDuration: 'P1M' }] });

  const { final, results, outcome } = await runOrderOverHttp(stack, order);

  expect(final.runtimeStatus).toBe('Completed');
  expect(results.map((m) => m.subject)).toEqual(['submitted', 'completed']);
  expect(outcome.orders.map((o: { status: string }) => o.status)).toEqual(['completed']);
  expect(outcome.errors).toEqual([]);
  // Three GETs answered unknown, the fourth completed.
  expect(simulatorCalls(stack, customerId, 'GET', /\/orders\/[^/]+$/)).toHaveLength(4);
}, 60_000);
