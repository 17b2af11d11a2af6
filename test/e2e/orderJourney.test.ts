// One order through the whole app, as an ERP and a person see it: the HTTP API and the queue in, the results topic
// out, Partner Center (the simulator) in between, tokens from the Entra ID stand-in with the secret from Key Vault.
import sampleOrder from '../fixtures/orders/sample-order.json';
import { orderInstanceId } from '../../shared/orders';
import { getJson, postJson, receiveResults, useE2eStack } from './stack';

const stack = useE2eStack({}, { resetSimulatorAfterEach: false });

it('buys an order posted over HTTP once, publishes its milestone and outcome, and reports it', async () => {
  const api = stack.runtime.apiBaseUrl;
  const accepted = await postJson(`${api}/orders`, sampleOrder);
  expect(accepted.status).toBe(202);
  expect(accepted.headers.get('location')).toContain(`/api/orders/${sampleOrder.orderId}`);

  const final = await stack.runtime.waitForInstance(orderInstanceId(sampleOrder.orderId), { timeoutMs: 30_000 });
  expect(final.runtimeStatus).toBe('Completed');

  // The same order posted again starts nothing and buys nothing.
  const again = await postJson(`${api}/orders`, sampleOrder);
  expect(again.status).toBe(200);
  expect(again.body.alreadyExists).toBe(true);

  const counts = stack.simulator.controls.counts(sampleOrder.customerId);
  expect(counts.carts).toBe(1);
  expect(counts.orders).toBeGreaterThan(0);

  const messages = await receiveResults(stack, 2);
  expect(messages.map((m) => m.subject)).toEqual(['submitted', 'completed']);
  const instanceId = orderInstanceId(sampleOrder.orderId);
  expect(messages.map((m) => m.messageId)).toEqual([`${instanceId}:submitted`, `${instanceId}:completed`]);
  expect(messages.every((m) => m.correlationId === sampleOrder.orderId)).toBe(true);
  const outcome = messages[1].body;
  expect(outcome.status).toBe('completed');
  expect(outcome.orders).toHaveLength(counts.orders);
  for (const order of outcome.orders) {
    expect(order.status).toBe('completed');
    expect(order.lineItems.every((l: { subscriptionId?: string }) => typeof l.subscriptionId === 'string')).toBe(true);
  }

  const status = await getJson(`${api}/orders/${sampleOrder.orderId}`);
  expect(status.status).toBe(200);
  expect(status.body.outcome).toBe('completed');
  expect(status.body.cartId).toBe(outcome.cartId);

  // The secret and the tokens never reach the logs.
  expect(stack.output.join('\n')).not.toContain(stack.clientSecret);
  // One Key Vault read and one token served every Partner Center call of the order.
  expect(stack.identity.keyVault.controls.reads()).toBe(1);
  expect(stack.identity.entraId.controls.tokenRequests()).toEqual({ issued: 1, rejected: 0, total: 1 });
}, 60_000);
