// Orders as the ERP sends them: messages on the `orders` queue, sent with the real @azure/service-bus sender, and the
// answers it reads from the `erp` subscription. A message is always completed: bought once, reported as a duplicate,
// or answered with a rejection (subject `rejected`); never retried into the dead-letter queue.
import { orderInstanceId } from '../../shared/orders';
import { M365_E3, PERPETUAL_SOFTWARE, validOrder } from '../fixtures/orders/requests';
import { ERP_SUBSCRIPTION, customerIdFor, receiveResults, resultsFor, simulatorCalls, waitFor, useE2eStack } from './stack';

const stack = useE2eStack({}, { resetSimulatorAfterEach: false });

/** Resolves once the broker holds no message of the `orders` queue in any state. */
async function queueDrained(): Promise<void> {
  await waitFor('the orders queue to be empty', () => {
    const counts = stack.broker.inspect.counts('orders');
    return counts.active + counts.locked + counts.deferred === 0 ? true : undefined;
  });
  expect(stack.broker.inspect.counts('orders')).toMatchObject({ active: 0, locked: 0, deferred: 0, deadLetter: 0 });
}

it('buys an order sent to the queue and publishes submitted then completed to the erp subscription', async () => {
  const customerId = customerIdFor('queue-single');
  const order = validOrder({ orderId: 'SO-Q-1', customerId });
  const sender = stack.serviceBus.createSender('orders');
  try {
    await sender.sendMessages({ body: order, messageId: 'erp-msg-q1', contentType: 'application/json' });
  } finally {
    await sender.close();
  }

  const instanceId = orderInstanceId(order.orderId);
  const final = await stack.runtime.waitForInstance(instanceId, { timeoutMs: 30_000 });
  expect(final.runtimeStatus).toBe('Completed');
  await queueDrained();

  // Read as the ERP would, with the real receiver; this suite's first order, so the subscription holds only its messages.
  const messages = await receiveResults(stack, 2);
  expect(messages.map((m) => m.subject)).toEqual(['submitted', 'completed']);
  expect(messages.map((m) => m.messageId)).toEqual([`${instanceId}:submitted`, `${instanceId}:completed`]);
  expect(messages.map((m) => m.correlationId)).toEqual([order.orderId, order.orderId]);
  expect(messages[1].applicationProperties).toMatchObject({ orderId: order.orderId, customerId, status: 'completed', kind: 'outcome', instanceId });
  const outcome = messages[1].body;
  const counts = stack.simulator.controls.counts(customerId);
  expect(counts).toMatchObject({ carts: 1, checkouts: 1 });
  expect(outcome.orders.map((o: { id: string }) => o.id).sort()).toEqual(messages[0].body.orders.map((o: { id: string }) => o.id).sort());
  expect(outcome.orders).toHaveLength(counts.orders);
  expect(outcome.orders.map((o: { status: string }) => o.status)).toEqual(outcome.orders.map(() => 'completed'));
  expect(outcome.errors).toEqual([]);
}, 60_000);

it('buys once when the same order arrives twice (two messages, same orderId) and completes the duplicate', async () => {
  const customerId = customerIdFor('queue-duplicate');
  const order = validOrder({ orderId: 'SO-Q-2', customerId });
  const handledBefore = (await stack.runtime.stats()).serviceBusMessages;
  const sender = stack.serviceBus.createSender('orders');
  try {
    // One batch, so the trigger sees both while neither has started anything yet: the start race is exercised too.
    await sender.sendMessages([
      { body: order, messageId: 'erp-msg-q2-a', contentType: 'application/json' },
      { body: order, messageId: 'erp-msg-q2-b', contentType: 'application/json' },
    ]);
  } finally {
    await sender.close();
  }

  const instanceId = orderInstanceId(order.orderId);
  await waitFor('both messages to be handled', async () => ((await stack.runtime.stats()).serviceBusMessages >= handledBefore + 2 ? true : undefined));
  const final = await stack.runtime.waitForInstance(instanceId, { timeoutMs: 30_000 });
  expect(final.runtimeStatus).toBe('Completed');
  await stack.runtime.runUntilIdle();
  await queueDrained();

  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 1 });
  expect(simulatorCalls(stack, customerId, 'POST', /\/carts$/)).toHaveLength(1);
  const results = resultsFor(stack, order.orderId);
  expect(results.map((m) => m.subject)).toEqual(['submitted', 'completed']);
  expect(stack.output.some((line) => line.includes(`Order ${order.orderId} (message erp-msg-q2-`) && line.includes('already has instance'))).toBe(true);
}, 60_000);

it('answers an unreadable message and an order with field errors with message rejections, and buys nothing', async () => {
  const customerId = customerIdFor('queue-invalid');
  const invalid = {
    orderId: 'SO-Q-3',
    customerId,
    lineItems: [
      { catalogItemId: M365_E3, quantity: 0, billingCycle: 'monthly', termDuration: 'P2Y' },
      { catalogItemId: PERPETUAL_SOFTWARE, quantity: 1, billingCycle: 'one_time' },
    ],
  };
  const sender = stack.serviceBus.createSender('orders');
  try {
    await sender.sendMessages([
      { body: Buffer.from('{"orderId": "SO-Q-4", "customerId": '), messageId: 'erp-msg-bad-json', contentType: 'application/json' },
      { body: invalid, messageId: 'erp-msg-bad-fields', contentType: 'application/json' },
    ]);
  } finally {
    await sender.close();
  }

  const rejectedIds = ['rejected:erp-msg-bad-json', 'rejected:erp-msg-bad-fields'];
  const rejections = await waitFor('both rejected outcomes', () => {
    const found = stack.broker.inspect.messages('order-results/Subscriptions/erp').filter((m) => rejectedIds.includes(String(m.messageId)));
    return found.length === 2 ? found : undefined;
  });
  await queueDrained();

  const badJson = rejections.find((m) => m.messageId === 'rejected:erp-msg-bad-json')!;
  expect(badJson.subject).toBe('rejected');
  expect(badJson.correlationId).toBe('erp-msg-bad-json');
  expect(badJson.body).toMatchObject({ kind: 'rejection', messageId: 'erp-msg-bad-json', claimedOrderId: null, claimedOrderExists: false });
  expect((badJson.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['(body)']);

  const badFields = rejections.find((m) => m.messageId === 'rejected:erp-msg-bad-fields')!;
  // Correlated with the message it answers, not with the order id it claimed: it is not that order's outcome.
  expect(badFields.correlationId).toBe('erp-msg-bad-fields');
  expect(badFields.body).toMatchObject({ kind: 'rejection', messageId: 'erp-msg-bad-fields', claimedOrderId: 'SO-Q-3', claimedOrderExists: false, claimedInstanceId: null, customerId });
  expect(badFields.body).not.toHaveProperty('orderId');
  const errors = (badFields.body as { errors: { source: string; field: string; message: string }[] }).errors;
  expect(errors.map((e) => e.field).sort()).toEqual(['lineItems[0].quantity', 'lineItems[0].termDuration']);
  expect(errors.every((e) => e.source === 'validation' && e.message.length > 0)).toBe(true);

  // Nothing started, nothing bought, nothing redelivered.
  await expect(stack.runtime.getHistory(orderInstanceId('SO-Q-3'))).rejects.toThrow();
  expect(simulatorCalls(stack, customerId)).toEqual([]);
  expect(stack.broker.inspect.deadLetters('orders')).toEqual([]);
}, 60_000);

it('answers a second, different request that reuses an order id (in another case) with a rejection, and buys once', async () => {
  const customerId = customerIdFor('queue-reused-id');
  const otherCustomerId = customerIdFor('queue-reused-id-other');
  const first = validOrder({ orderId: 'SO-Q-5', customerId });
  // Another customer and other seats under the same order id, sent in lower case: one instance (orderInstanceId).
  const second = validOrder({ orderId: 'so-q-5', customerId: otherCustomerId, lineItems: [{ catalogItemId: M365_E3, quantity: 40, billingCycle: 'monthly', termDuration: 'P1Y' }] });
  const sender = stack.serviceBus.createSender('orders');
  const instanceId = orderInstanceId(first.orderId);
  try {
    await sender.sendMessages({ body: first, messageId: 'erp-msg-q5-a', contentType: 'application/json' });
    await stack.runtime.waitForInstance(instanceId, { timeoutMs: 30_000 });
    await sender.sendMessages({ body: second, messageId: 'erp-msg-q5-b', contentType: 'application/json' });
    // The first order's own message again (a redelivery or ERP retry): completed quietly, no rejection.
    await sender.sendMessages({ body: first, messageId: 'erp-msg-q5-c', contentType: 'application/json' });
  } finally {
    await sender.close();
  }

  const [rejection] = await waitFor('the rejection of the second request', () => {
    const found = stack.broker.inspect.messages(ERP_SUBSCRIPTION).filter((m) => m.messageId === 'rejected:erp-msg-q5-b');
    return found.length === 1 ? found : undefined;
  });
  await stack.runtime.runUntilIdle();
  await queueDrained();

  expect(rejection.subject).toBe('rejected');
  expect(rejection.correlationId).toBe('erp-msg-q5-b');
  const created = (await stack.runtime.waitForInstance(instanceId, { timeoutMs: 5_000 })).createdTime;
  expect(rejection.body).toEqual({
    kind: 'rejection',
    messageId: 'erp-msg-q5-b',
    claimedOrderId: 'so-q-5',
    claimedOrderExists: true,
    claimedInstanceId: instanceId,
    customerId: otherCustomerId,
    errors: [
      {
        source: 'validation',
        field: 'orderId',
        message: `already used by a different request (its customerId, lineItems differ) (instance ${instanceId} started at ${new Date(created).toISOString()}); nothing was started`,
      },
    ],
    rejectedAt: expect.any(String),
  });
  // No rejection for the identical repeat; the first order's own answers are untouched.
  expect(stack.broker.inspect.messages(ERP_SUBSCRIPTION).filter((m) => m.messageId === 'rejected:erp-msg-q5-c')).toEqual([]);
  expect(resultsFor(stack, first.orderId).map((m) => m.subject)).toEqual(['submitted', 'completed']);
  // Bought once, for the first customer only.
  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 1 });
  expect(simulatorCalls(stack, otherCustomerId)).toEqual([]);
  expect(stack.broker.inspect.deadLetters('orders')).toEqual([]);
}, 60_000);
