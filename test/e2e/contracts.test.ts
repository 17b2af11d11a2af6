// The published contracts (contracts/) against the running app: served as they are, and the checks every e2e suite
// runs (contractCheck.ts, installed by startE2eStack) do run here over a real order, the list, a cancel and a
// rejected queue message, and refuse an answer or a message that differs from the documents.
import fs from 'node:fs';
import path from 'node:path';
import { validOrder } from '../fixtures/orders/requests';
import { createContractValidators } from './contractCheck';
import { customerIdFor, deleteJson, getJson, REPO_ROOT, resultsFor, runOrderOverHttp, useE2eStack, waitFor } from './stack';

const stack = useE2eStack();
const validators = createContractValidators();

test('GET /api/contracts/{name} serves each document as committed; an unknown name is a 404', async () => {
  for (const name of ['openapi.json', 'order-request.schema.json', 'result-message.schema.json']) {
    const response = await fetch(`${stack.runtime.apiBaseUrl}/contracts/${name}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(fs.readFileSync(path.join(REPO_ROOT, 'contracts', name), 'utf8'));
  }
  const missing = await getJson(`${stack.runtime.apiBaseUrl}/contracts/secrets.json`);
  expect(missing.status).toBe(404);
});

test('an order, its status, the list, a cancel and a rejected message all match the documents', async () => {
  const customerId = customerIdFor('contracts-order');
  const order = validOrder({ orderId: 'SO-CONTRACT-1', customerId });
  expect(validators.checkOrderRequest(order)).toEqual([]);
  const finished = await runOrderOverHttp(stack, order);
  expect(finished.outcome.status).toBe('completed');
  expect((await getJson(`${stack.runtime.apiBaseUrl}/orders/SO-CONTRACT-1`)).status).toBe(200);
  const listed = await getJson(`${stack.runtime.apiBaseUrl}/orders?customerId=${customerId}&outcome=completed`);
  expect(listed.body.orders.map((o: { orderId: string }) => o.orderId)).toEqual(['SO-CONTRACT-1']);
  expect((await deleteJson(`${stack.runtime.apiBaseUrl}/orders/SO-CONTRACT-1`)).status).toBe(409);
  expect((await getJson(`${stack.runtime.apiBaseUrl}/orders?stage=nowhere`)).status).toBe(400);

  const sender = stack.serviceBus.createSender('orders');
  try {
    await sender.sendMessages({ body: { orderId: 'SO-CONTRACT-BAD', customerId }, messageId: 'contracts-bad-1', contentType: 'application/json' });
  } finally {
    await sender.close();
  }
  await waitFor('the rejection', () => (stack.broker.inspect.messages('order-results/Subscriptions/erp').some((m) => m.correlationId === 'contracts-bad-1') ? true : undefined));

  const messages = [...resultsFor(stack, 'SO-CONTRACT-1'), ...stack.broker.inspect.messages('order-results/Subscriptions/erp').filter((m) => m.correlationId === 'contracts-bad-1')];
  expect(messages.map((m) => (m.body as { kind: string }).kind)).toEqual(['submitted', 'outcome', 'rejection']);
  for (const message of messages) expect(validators.checkMessage(message.body)).toEqual([]);
  // The wrapper around fetch saw every answer above (the contract GETs of the other test too) and found nothing amiss.
  expect(stack.contracts.responses).toBeGreaterThanOrEqual(8);
  expect(stack.contracts.violations).toEqual([]);
});

test('the checks refuse what differs from the documents', async () => {
  const outcome = (await getJson(`${stack.runtime.apiBaseUrl}/orders/SO-CONTRACT-1`)).body;
  expect(validators.checkResponse('GET', '/orders/SO-CONTRACT-1', 200, 'application/json', outcome)).toEqual([]);
  expect(validators.checkResponse('GET', '/orders/SO-CONTRACT-1', 200, 'application/json', { ...outcome, stage: 'shipping' })?.[0]).toMatch(/stage/);
  expect(validators.checkResponse('GET', '/orders/SO-CONTRACT-1', 418, 'application/json', {})?.[0]).toMatch(/does not list/);
  const message = resultsFor(stack, 'SO-CONTRACT-1').at(-1)!;
  expect(validators.checkMessage({ ...(message.body as object), status: 'bought' })).not.toEqual([]);
  expect(validators.checkMessage({ ...(message.body as object), secret: 'x' })).not.toEqual([]);
  expect(validators.checkOrderRequest(validOrder({ lineItems: [] }))).not.toEqual([]);
});
