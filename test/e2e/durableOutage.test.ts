// The order API and the order queue while the Durable backend cannot answer, through the whole local stack: the
// runtime's Durable HTTP API fails as the extension fails it when Azure Storage fails or throttles (failDurableApi,
// local/runtime/README.md "Durable backend failures"). The HTTP API answers 503 with Retry-After and no URL, key or
// exception text; a queue message is abandoned, so Service Bus redelivers it, and the order starts once the backend
// answers again. Orchestrations already running go on meanwhile: only the app's durable client calls fail.
import { orderInstanceId } from '../../shared/orders';
import { validOrder } from '../fixtures/orders/requests';
import { EventType } from '../../local/runtime';
import { customerIdFor, fetchAnswer, resultsFor, simulatorCalls, useE2eStack, waitFor, type Answer } from './stack';

const stack = useE2eStack({}, { resetSimulatorAfterEach: false });

afterEach(async () => {
  await stack.runtime.clearDurableApiFaults();
});

/** Text the app must never pass on from a failed Durable call: the backend's exception, its URLs and keys. */
function expectServiceUnavailable(answer: Answer) {
  expect(answer.status).toBe(503);
  expect(answer.headers.get('retry-after')).toBe('30');
  expect(answer.body).toEqual({ error: 'the order store (the Durable backend) is unavailable; try again later', dependency: 'durableBackend' });
  const rpcPort = new URL(stack.runtime.rpcBaseUrl).port;
  for (const leak of ['Something went wrong', 'DurableTaskStorageException', 'Azure Storage', 'StackTrace', 'durabletask', '127.0.0.1', rpcPort, 'Function host is not running', 'code=']) {
    expect(answer.text).not.toContain(leak);
  }
}

const api = () => stack.runtime.apiBaseUrl;
const getOrder = (orderId: string) => fetchAnswer(`${api()}/orders/${encodeURIComponent(orderId)}`, {});
const listOrders = () => fetchAnswer(`${api()}/orders?pageSize=10`, {});
const postOrder = (order: unknown) => fetchAnswer(`${api()}/orders`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(order) });

describe.each([
  ['500 with the storage exception (Azure Storage failing or throttling)', 500],
  ['503 (the host restarting)', 503],
  ['429 (the host throttling)', 429],
  ['a reset connection', 'reset'],
] as const)('while the Durable HTTP API answers %s', (_label, status) => {
  it('GET and DELETE /api/orders/{id}, POST .../purchase-order, the order list and POST /api/orders answer 503; afterwards they answer normally', async () => {
    const customerId = customerIdFor(`durable-outage-http-${status}`);
    const existing = validOrder({ orderId: `SO-DOWN-${status}-A`, customerId });
    const fresh = validOrder({ orderId: `SO-DOWN-${status}-B`, customerId });
    expect((await postOrder(existing)).status).toBe(202);
    const existingId = orderInstanceId(existing.orderId);
    await stack.runtime.waitForInstance(existingId, { timeoutMs: 30_000 });
    const failedBefore = (await stack.runtime.durableApiFaults()).failed.length;

    await stack.runtime.failDurableApi({ status });
    expectServiceUnavailable(await getOrder(existing.orderId));
    expectServiceUnavailable(await fetchAnswer(`${api()}/orders/${existing.orderId}`, { method: 'DELETE' }));
    expectServiceUnavailable(await fetchAnswer(`${api()}/orders/${existing.orderId}/purchase-order`, { method: 'POST', body: new FormData() }));
    expectServiceUnavailable(await listOrders());
    expectServiceUnavailable(await postOrder(fresh));
    // Each answer came from a refused Durable call, not from somewhere else: the status reads (GET, DELETE's and the
    // purchase-order upload's look before they act), the instance query, and the start's look for an existing instance
    // (the start was never sent).
    const failed = (await stack.runtime.durableApiFaults()).failed.slice(failedBefore).map((f) => f.request);
    expect(failed).toEqual([`GET instances/${existingId}`, `GET instances/${existingId}`, `GET instances/${existingId}`, 'GET instances/', `GET instances/${orderInstanceId(fresh.orderId)}`]);
    expect(failed.some((r) => r.startsWith('POST'))).toBe(false);
    await expect(stack.runtime.getHistory(orderInstanceId(fresh.orderId))).rejects.toThrow(/No instance/);

    await stack.runtime.clearDurableApiFaults();
    const view = await getOrder(existing.orderId);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ orderId: existing.orderId, outcome: 'completed' });
    const list = await listOrders();
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).toContain(existing.orderId);
    const accepted = await postOrder(fresh);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ orderId: fresh.orderId, instanceId: orderInstanceId(fresh.orderId) });
    expect((await stack.runtime.waitForInstance(orderInstanceId(fresh.orderId), { timeoutMs: 30_000 })).runtimeStatus).toBe('Completed');
    expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 2, checkouts: 2 });
  }, 60_000);
});

it('an order running when the backend fails goes on and completes; only the app\'s own calls are refused', async () => {
  const customerId = customerIdFor('durable-outage-running');
  const order = validOrder({ orderId: 'SO-DOWN-RUNNING', customerId });
  // The cart is held at the simulator, so the fault is armed while the order is in flight.
  stack.simulator.controls.setKnobs({ faults: [{ kind: 'latency', method: 'POST', path: '/carts$', count: 1, latencyMs: 500 }] });
  expect((await postOrder(order)).status).toBe(202);
  await waitFor('the cart request to reach the simulator', () => (simulatorCalls(stack, customerId, 'POST', /\/carts$/).length === 1 ? true : undefined));
  await stack.runtime.failDurableApi({});

  expectServiceUnavailable(await getOrder(order.orderId));
  const final = await stack.runtime.waitForInstance(orderInstanceId(order.orderId), { timeoutMs: 30_000 });
  expect(final.runtimeStatus).toBe('Completed');
  expect(resultsFor(stack, order.orderId).map((m) => m.subject)).toEqual(['submitted', 'completed']);
  expectServiceUnavailable(await getOrder(order.orderId));

  await stack.runtime.clearDurableApiFaults();
  expect((await getOrder(order.orderId)).body).toMatchObject({ orderId: order.orderId, outcome: 'completed' });
}, 60_000);

describe('an order message arriving while the Durable HTTP API fails', () => {
  /** The runtime's log lines for failed deliveries of one message (serviceBusTriggers.ts: "... (delivery n) failed"). */
  const failedDeliveries = (messageId: string) => stack.output.filter((line) => line.includes(`Service Bus message ${messageId} (delivery `) && line.includes('failed'));

  it('is abandoned and redelivered, and once the backend answers the order starts exactly once and completes', async () => {
    const customerId = customerIdFor('durable-outage-queue');
    const order = validOrder({ orderId: 'SO-DOWN-Q', customerId });
    const instanceId = orderInstanceId(order.orderId);
    // The first three deliveries find the backend failing; each reaches only the look for an existing instance.
    await stack.runtime.failDurableApi({ count: 3, match: { path: `^instances/${instanceId}$` } });
    const sender = stack.serviceBus.createSender('orders');
    try {
      await sender.sendMessages({ body: order, messageId: 'erp-msg-down-q', contentType: 'application/json' });
    } finally {
      await sender.close();
    }

    const final = await stack.runtime.waitForInstance(instanceId, { timeoutMs: 30_000 });
    expect(final.runtimeStatus).toBe('Completed');
    await waitFor('the orders queue to be empty', () => {
      const counts = stack.broker.inspect.counts('orders');
      return counts.active + counts.locked + counts.deferred === 0 ? true : undefined;
    });

    // Deliveries 1-3 failed and were abandoned; the fourth started the order and completed the message. The log counts
    // deliveries from 1, as the host's DeliveryCount does.
    const failures = failedDeliveries('erp-msg-down-q');
    expect(failures.map((line) => /\(delivery (\d+)\)/.exec(line)?.[1])).toEqual(['1', '2', '3']);
    expect(failures.every((line) => line.includes('abandoning it'))).toBe(true);
    expect((await stack.runtime.durableApiFaults()).failed.filter((f) => f.request === `GET instances/${instanceId}`)).toHaveLength(3);
    expect(stack.broker.inspect.counts('orders').deadLetter).toBe(0);
    expect(stack.broker.inspect.deadLetters('orders')).toEqual([]);
    expect(stack.output.filter((line) => line.includes(`Order ${order.orderId} (message erp-msg-down-q) started as instance ${instanceId}`))).toHaveLength(1);

    // Started once, bought once, answered once.
    const history = await stack.runtime.getHistory(instanceId);
    expect(history.filter((e) => e.EventType === EventType.ExecutionStarted)).toHaveLength(1);
    expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 1 });
    expect(resultsFor(stack, order.orderId).map((m) => m.subject)).toEqual(['submitted', 'completed']);
  }, 60_000);

  it('is dead-lettered by Service Bus once every delivery failed (max delivery count 10), and nothing is started', async () => {
    const order = validOrder({ orderId: 'SO-DOWN-DLQ', customerId: customerIdFor('durable-outage-dlq') });
    const instanceId = orderInstanceId(order.orderId);
    await stack.runtime.failDurableApi({ match: { path: `^instances/${instanceId}$` } });
    const sender = stack.serviceBus.createSender('orders');
    try {
      await sender.sendMessages({ body: order, messageId: 'erp-msg-down-dlq', contentType: 'application/json' });
    } finally {
      await sender.close();
    }

    const [dead] = await waitFor('the message in the dead-letter queue', () => {
      const found = stack.broker.inspect.deadLetters('orders').filter((m) => m.messageId === 'erp-msg-down-dlq');
      return found.length === 1 ? found : undefined;
    });
    expect(dead.deliveryCount).toBe(10);
    expect(dead.deadLetterReason).toBe('MaxDeliveryCountExceeded');
    expect(failedDeliveries('erp-msg-down-dlq')).toHaveLength(10);
    expect((await stack.runtime.durableApiFaults()).failed.filter((f) => f.request === `GET instances/${instanceId}`)).toHaveLength(10);
    await expect(stack.runtime.getHistory(instanceId)).rejects.toThrow(/No instance/);
    // The failure reason is logged without the backend's exception text or its address.
    for (const line of failedDeliveries('erp-msg-down-dlq')) expect(line).not.toContain(new URL(stack.runtime.rpcBaseUrl).host);
  }, 60_000);
});
