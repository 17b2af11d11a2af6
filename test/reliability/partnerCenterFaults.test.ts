// Fault suite: what Partner Center and the ERP do to orders in bulk. Redelivered and reposted orders, a 429 storm,
// and every POST committing but losing its answer at seeded moments. Each scenario ends with the three-ledger check.
import { M365_E3, PERPETUAL_SOFTWARE, validOrder } from '../fixtures/orders/requests';
import { customerIdFor, postJson } from '../e2e/stack';
import { checkLedgers, listInstances, seededRandom, useReliabilityStack, waitForOrders, type ErpOrder } from './ledgers';

const stack = useReliabilityStack();

async function sendToQueue(bodies: { body: unknown; messageId: string }[]): Promise<void> {
  const sender = stack.serviceBus.createSender('orders');
  try {
    await sender.sendMessages(bodies);
  } finally {
    await sender.close();
  }
}

it('redelivery: an order sent three times on the queue and posted twice is one instance, one purchase, one outcome', async () => {
  const customerId = customerIdFor('reliability-redelivery');
  const order = { orderId: 'SO-REDELIVER-1', customerId };
  const body = validOrder(order);
  const before = (await listInstances(stack)).length;

  await Promise.all([
    sendToQueue([1, 2, 3].map((n) => ({ body, messageId: `erp-redeliver-${n}` }))),
    postJson(`${stack.runtime.apiBaseUrl}/orders`, body),
    postJson(`${stack.runtime.apiBaseUrl}/orders`, { ...body, orderId: body.orderId.toLowerCase() }),
  ]);
  await waitForOrders(stack, [order]);
  await stack.runtime.runUntilIdle();

  await checkLedgers(stack, [order]);
  expect((await listInstances(stack)).length - before).toBe(1);
  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 1 });
  expect(stack.broker.inspect.counts('orders')).toMatchObject({ active: 0, deadLetter: 0 });
}, 90_000);

it('a 429 storm on every Partner Center call: every order completes, once', async () => {
  const random = seededRandom('429-storm');
  const orders: ErpOrder[] = Array.from({ length: 6 }, (_, i) => ({ orderId: `SO-STORM-${i}`, customerId: customerIdFor(`reliability-storm-${i}`) }));
  stack.simulator.controls.setKnobs({
    faultSeed: Math.floor(random() * 2 ** 32),
    faults: [{ kind: 'status429', path: '/customers/', rate: 0.5, retryAfterSeconds: 1 + Math.floor(random() * 120) }],
  });

  await Promise.all(orders.map((o) => postJson(`${stack.runtime.apiBaseUrl}/orders`, validOrder(o))));
  await waitForOrders(stack, orders);
  stack.simulator.controls.setKnobs({ faults: [] });

  const outcomes = await checkLedgers(stack, orders);
  expect(orders.map((o) => outcomes.get(o.orderId)?.status)).toEqual(orders.map(() => 'completed'));
  const throttled = stack.simulator.controls.requestLog().filter((r) => r.status === 429);
  expect(throttled.length).toBeGreaterThanOrEqual(orders.length);
}, 90_000);

it('commit-then-drop on every POST (seeded): carts and checkouts are made once, and every outcome is completed or an honest unknown', async () => {
  const random = seededRandom('commit-then-drop');
  const orders: ErpOrder[] = Array.from({ length: 6 }, (_, i) => ({ orderId: `SO-DROP-${i}`, customerId: customerIdFor(`reliability-drop-${i}`) }));
  stack.simulator.controls.setKnobs({ faultSeed: Math.floor(random() * 2 ** 32), faults: [{ kind: 'dropAfterCommit', method: 'POST', path: '/customers/', rate: 0.5 }] });

  await Promise.all(orders.map((o) => postJson(`${stack.runtime.apiBaseUrl}/orders`, validOrder({ ...o, lineItems: [{ catalogItemId: M365_E3, quantity: 2, billingCycle: 'monthly', termDuration: 'P1M' }, { catalogItemId: PERPETUAL_SOFTWARE, quantity: 1, billingCycle: 'one_time' }] }))));
  await waitForOrders(stack, orders);
  stack.simulator.controls.setKnobs({ faults: [] });

  const outcomes = await checkLedgers(stack, orders);
  const log = stack.simulator.controls.requestLog();
  for (const kind of [/\/carts$/, /\/checkout$/]) expect(log.filter((r) => r.method === 'POST' && kind.test(r.path) && r.faults.includes('dropAfterCommit')).length).toBeGreaterThan(0);
  for (const order of orders) {
    // A dropped create is retried with its MS-RequestId: one cart per order; the outcome is never a guess.
    expect(stack.simulator.controls.counts(order.customerId).carts).toBe(1);
    expect(['completed', 'unknown']).toContain(outcomes.get(order.orderId)?.status);
  }
}, 120_000);

it('every answer to one customer lost, for good: the order ends failed with nothing bought, or unknown, never a wrong outcome', async () => {
  const customerId = customerIdFor('reliability-black-hole');
  const order = { orderId: 'SO-BLACKHOLE-1', customerId };
  stack.simulator.controls.setKnobs({ faults: [{ kind: 'dropAfterCommit', method: 'POST', path: `/customers/${customerId}/` }] });

  await postJson(`${stack.runtime.apiBaseUrl}/orders`, validOrder(order));
  await waitForOrders(stack, [order]);
  stack.simulator.controls.setKnobs({ faults: [] });

  const outcomes = await checkLedgers(stack, [order]);
  // The cart was made (its answer lost) and never checked out: nothing was bought, and the outcome says failed.
  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 0, orders: 0 });
  expect(outcomes.get(order.orderId)).toMatchObject({ status: 'failed', orders: [] });
}, 120_000);
