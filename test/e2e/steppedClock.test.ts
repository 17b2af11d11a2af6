// Scenarios that need to stop the clock in the middle of an order: the virtual clock does not advance on its own here,
// and the test moves it (with the simulator's clock, so carts expire and orders settle on the same timeline) from one
// durable timer to the next. In between, the order can be looked at and acted on while it waits.
import { orderInstanceId } from '../../shared/orders';
import { ACCESS_LTSC, validOrder } from '../fixtures/orders/requests';
import {
  advanceToNextTimer,
  customerIdFor,
  deleteJson,
  getJson,
  postJson,
  resultsFor,
  simulatorCalls,
  useE2eStack,
} from './stack';

const stack = useE2eStack({ clock: { kind: 'virtual', autoAdvance: false } });

async function startOrder(order: { orderId: string }): Promise<string> {
  const accepted = await postJson(`${stack.runtime.apiBaseUrl}/orders`, order);
  expect(accepted.status).toBe(202);
  await stack.runtime.runUntilIdle();
  return orderInstanceId(order.orderId);
}

async function isFinished(instanceId: string): Promise<boolean> {
  const status = await getJson(`${stack.runtime.durableApiUrl}/instances/${instanceId}`);
  return ['Completed', 'Failed', 'Terminated'].includes(status.body.runtimeStatus);
}

/** Moves from timer to timer until the instance finishes; `beforeEachTimer` may look at the order while it waits. */
async function runToEnd(instanceId: string, beforeEachTimer: () => Promise<void> = async () => {}, maxTimers = 50): Promise<void> {
  for (let timers = 0; !(await isFinished(instanceId)); timers++) {
    if (timers >= maxTimers) throw new Error(`instance ${instanceId} still running after ${maxTimers} timers`);
    await beforeEachTimer();
    await advanceToNextTimer(stack, instanceId);
  }
}

it('recreates a cart that expired while checkout waited out a 429, and checks out only the new cart', async () => {
  const customerId = customerIdFor('cart-expired-while-throttled');
  // Carts live 15 minutes (older API versions); the first checkout is told to come back in 20.
  stack.simulator.controls.setKnobs({ cartTtlMs: '15m', faults: [{ kind: 'status429', method: 'POST', path: '/checkout$', count: 1, retryAfterSeconds: 1200 }] });
  const order = validOrder({ orderId: 'SO-STEP-1', customerId });

  const instanceId = await startOrder(order);
  const waiting = await getJson(`${stack.runtime.apiBaseUrl}/orders/${order.orderId}`);
  expect(waiting.body).toMatchObject({ stage: 'checkingOut', outcome: null, lastError: 'Partner Center throttled the call', waitingFor: 'partnerCenterThrottling' });
  const firstCartId = waiting.body.cartId as string;
  // Retry-After plus up to RETRY_JITTER (5 s) derived from the order id.
  const wait = Date.parse(waiting.body.nextCheckAt) - (await stack.runtime.now()).getTime();
  expect(wait).toBeGreaterThanOrEqual(1_200_000);
  expect(wait).toBeLessThanOrEqual(1_205_000);

  expect(await advanceToNextTimer(stack, instanceId)).toBe(wait);
  await runToEnd(instanceId);

  const results = resultsFor(stack, order.orderId);
  expect(results.map((m) => m.subject)).toEqual(['submitted', 'completed']);
  const outcome = results[1].body as { cartId: string; orders: unknown[] };
  expect(outcome.cartId).not.toBe(firstCartId);
  const checkouts = simulatorCalls(stack, customerId, 'POST', /\/checkout$/);
  expect(checkouts.map((c) => [c.path.split('/').at(-2), c.status])).toEqual([
    [firstCartId, 429],
    [outcome.cartId, 201],
  ]);
  const carts = simulatorCalls(stack, customerId, 'POST', /\/carts$/);
  expect(carts).toHaveLength(2);
  expect(carts[1].requestId).not.toBe(carts[0].requestId);
  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 2, checkouts: 1, orders: outcome.orders.length });
}, 60_000);

it('cancels an order while it waits out a 429 on cart creation, without waiting for the timer', async () => {
  const customerId = customerIdFor('cancel-while-throttled');
  stack.simulator.controls.setKnobs({ faults: [{ kind: 'status429', method: 'POST', path: '/carts$', count: 1, retryAfterSeconds: 600 }] });
  const order = validOrder({ orderId: 'SO-STEP-2', customerId });

  const instanceId = await startOrder(order);
  const waiting = await getJson(`${stack.runtime.apiBaseUrl}/orders/${order.orderId}`);
  expect(waiting.body).toMatchObject({ stage: 'creatingCart', cartId: null, lastError: 'Partner Center throttled the call', waitingFor: 'partnerCenterThrottling' });
  const timeBefore = (await stack.runtime.now()).getTime();

  expect((await deleteJson(`${stack.runtime.apiBaseUrl}/orders/${order.orderId}`)).status).toBe(202);
  await stack.runtime.runUntilIdle();

  // Finished on the cancel event alone: the clock did not move and the throttling timer never fired.
  expect(await isFinished(instanceId)).toBe(true);
  expect((await stack.runtime.now()).getTime()).toBe(timeBefore);
  expect(resultsFor(stack, order.orderId).map((m) => m.subject)).toEqual(['cancelled']);
  expect(simulatorCalls(stack, customerId).map((c) => [c.method, c.status])).toEqual([['POST', 429]]);
}, 60_000);

it('keeps an order waiting for its purchase order for simulated days, names it in the status and a milestone, and completes it after an upload through the API', async () => {
  const customerId = customerIdFor('status-while-waiting');
  stack.simulator.controls.setCatalogItem(ACCESS_LTSC, { outcome: 'pending_po_upload', pendingPolls: 1 });
  const order = validOrder({ orderId: 'SO-STEP-3', customerId, lineItems: [{ catalogItemId: ACCESS_LTSC, quantity: 1, billingCycle: 'one_time' }] });
  const uploadUrl = `${stack.runtime.apiBaseUrl}/orders/${order.orderId}/purchase-order`;
  const orderGets = () => simulatorCalls(stack, customerId, 'GET', /\/orders\/[^/]+$/).length;

  const instanceId = await startOrder(order);
  // Nothing waits for a purchase order yet (the order is pending): an upload is refused and nothing reaches Partner Center.
  const early = await uploadPurchaseOrder(uploadUrl, { customerPrice: '199.00', currency: 'EUR' });
  expect(early.status).toBe(409);
  expect(early.body.error).toMatch(/has no Partner Center order waiting for a purchase order/);

  // Poll 1 sees pending (1 GET per status), poll 2 pending_po_upload.
  await advanceToNextTimer(stack, instanceId);
  await advanceToNextTimer(stack, instanceId);
  const waiting = await getJson(`${stack.runtime.apiBaseUrl}/orders/${order.orderId}`);
  expect(waiting.status).toBe(200);
  expect(waiting.body).toMatchObject({ stage: 'waitingForOrders', outcome: null, runtimeStatus: 'Running', lastError: null, waitingFor: 'peopleToAct' });
  const partnerCenterOrderId = waiting.body.orders[0].id as string;
  expect(waiting.body.orders).toEqual([{ id: partnerCenterOrderId, status: 'pending_po_upload' }]);
  expect(waiting.body.purchaseOrder).toEqual({ required: true, partnerCenterOrderIds: [partnerCenterOrderId], uploadPath: '/api/orders/SO-STEP-3/purchase-order' });
  expect(Date.parse(waiting.body.nextCheckAt) - (await stack.runtime.now()).getTime()).toBe(3_600_000);
  const milestones = resultsFor(stack, order.orderId);
  expect(milestones.map((m) => m.subject)).toEqual(['submitted', 'purchaseOrderRequired']);
  expect(milestones[1].body).toMatchObject({ kind: 'purchaseOrderRequired', orderId: 'SO-STEP-3', partnerCenterOrderId, uploadPath: '/api/orders/SO-STEP-3/purchase-order' });

  // Three simulated days of hourly looks: Partner Center keeps the order waiting, and the ERP hears of it once.
  for (let hour = 0; hour < 72; hour++) await advanceToNextTimer(stack, instanceId);
  const stillWaiting = await getJson(`${stack.runtime.apiBaseUrl}/orders/${order.orderId}`);
  expect(stillWaiting.body.orders).toEqual([{ id: partnerCenterOrderId, status: 'pending_po_upload' }]);
  expect(resultsFor(stack, order.orderId).map((m) => m.subject)).toEqual(['submitted', 'purchaseOrderRequired']);
  expect(orderGets()).toBe(2 + 72);

  // The upload goes to Partner Center for the waiting order, and the workflow looks at once: the clock does not move.
  const clockBefore = (await stack.runtime.now()).getTime();
  const uploaded = await uploadPurchaseOrder(uploadUrl, { customerPrice: '199.00', currency: 'EUR' });
  expect(uploaded.status).toBe(200);
  expect(uploaded.body).toEqual({
    orderId: 'SO-STEP-3',
    uploaded: [{ partnerCenterOrderId, attachments: [{ attachmentId: expect.stringMatching(/^[0-9a-f]{14}$/), fileName: 'PO-SO-STEP-3.pdf' }] }],
    statusUrl: '/api/orders/SO-STEP-3',
  });
  const attachmentCall = simulatorCalls(stack, customerId, 'POST', /\/attachment$/);
  expect(attachmentCall.map((c) => c.status)).toEqual([201]);
  await stack.runtime.runUntilIdle();
  expect((await stack.runtime.now()).getTime()).toBe(clockBefore);
  expect(orderGets()).toBe(2 + 72 + 1);
  const reviewing = await getJson(`${stack.runtime.apiBaseUrl}/orders/${order.orderId}`);
  expect(reviewing.body.orders).toEqual([{ id: partnerCenterOrderId, status: 'po_upload_complete' }]);
  expect(reviewing.body.purchaseOrder).toBeUndefined();

  await runToEnd(instanceId);
  const done = await getJson(`${stack.runtime.apiBaseUrl}/orders/${order.orderId}`);
  expect(done.body).toMatchObject({ stage: 'finished', outcome: 'completed', nextCheckAt: null });
  expect(done.body.orders).toEqual([{ id: partnerCenterOrderId, status: 'completed', subscriptionIds: [expect.any(String)] }]);
  expect(resultsFor(stack, order.orderId).map((m) => m.subject)).toEqual(['submitted', 'purchaseOrderRequired', 'completed']);
  // Once finished, an upload is refused again.
  expect((await uploadPurchaseOrder(uploadUrl, { customerPrice: '199.00', currency: 'EUR' })).status).toBe(409);
}, 120_000);

/** The ERP's upload: Partner Center's multipart shape, a metadata part and one PDF. */
async function uploadPurchaseOrder(url: string, metadata: Record<string, string>): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const form = new FormData();
  form.append('metadata', JSON.stringify(metadata));
  const orderId = decodeURIComponent(new URL(url).pathname.split('/').at(-2) ?? '');
  form.append('pofiles', new Blob(['%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n'], { type: 'application/pdf' }), `PO-${orderId}.pdf`);
  const response = await fetch(url, { method: 'POST', body: form });
  return { status: response.status, body: await response.json() };
}

it("recovers the orders of a checkout whose answers were lost from Partner Center's repeat of it, never from the order list", async () => {
  const customerId = customerIdFor('checkout-answers-lost');
  // The checkout's answer and the answers to its next five repeats are dropped after the commit (checkout gets no
  // quick retries in the client: each lost answer goes back to the workflow); new orders show in the order list only
  // after 10 minutes.
  stack.simulator.controls.setKnobs({ orderListingDelayMs: '10m', faults: [{ kind: 'dropAfterCommit', method: 'POST', path: '/checkout$', count: 6 }] });
  const order = validOrder({ orderId: 'SO-STEP-4', customerId });

  const instanceId = await startOrder(order);
  let sawRecovery = false;
  await runToEnd(instanceId, async () => {
    const view = await getJson(`${stack.runtime.apiBaseUrl}/orders/${order.orderId}`);
    sawRecovery ||= view.body.stage === 'recoveringOrders' && view.body.waitingFor === 'partnerCenterOutage';
  });

  expect(sawRecovery).toBe(true);
  const results = resultsFor(stack, order.orderId);
  expect(results.map((m) => m.subject)).toEqual(['submitted', 'completed']);
  const outcome = results[1].body as { cartId: string; orders: { id: string; status: string }[]; errors: unknown[] };
  expect(outcome.errors).toEqual([]);
  const checkouts = simulatorCalls(stack, customerId, 'POST', /\/checkout$/);
  // The checkout, then (each cart read says Ordered) its repeats as the same request, until an answer comes through.
  expect(checkouts.map((c) => c.status)).toEqual([0, 0, 0, 0, 0, 0, 201]);
  expect(new Set(checkouts.map((c) => c.requestId)).size).toBe(1);
  expect(checkouts.filter((c) => !c.replayed)).toHaveLength(1);
  // One cart read before each repeat.
  expect(simulatorCalls(stack, customerId, 'GET', new RegExp(`/carts/${outcome.cartId}$`))).toHaveLength(6);
  expect(simulatorCalls(stack, customerId, 'GET', /\/orders$/)).toHaveLength(0);
  const counts = stack.simulator.controls.counts(customerId);
  expect(counts).toMatchObject({ carts: 1, checkouts: 1 });
  expect(outcome.orders.map((o) => o.id).sort()).toEqual(stack.simulator.controls.orders(customerId).map((o) => o.id).sort());
  expect(outcome.orders.map((o) => o.status)).toEqual(outcome.orders.map(() => 'completed'));
}, 60_000);
