// The orders HTTP API around the workflow: cancelling before checkout (and the 409 once it is too late), unknown order
// ids, and invalid requests answered with the fields at fault.
import { orderInstanceId } from '../../shared/orders';
import { M365_E3, validOrder } from '../fixtures/orders/requests';
import { customerIdFor, deleteJson, getJson, postJson, resultsFor, runOrderOverHttp, simulatorCalls, waitFor, useE2eStack } from './stack';

const stack = useE2eStack();

const CARTS = /\/carts$/;
const CHECKOUT = /\/checkout$/;

it('cancels an order whose cart is still being created: cancelled outcome, no checkout; a second DELETE gets 409', async () => {
  const customerId = customerIdFor('cancel-before-checkout');
  // Cart creation is held at the simulator, so the DELETE deterministically arrives while the order is creatingCart.
  stack.simulator.controls.setKnobs({ faults: [{ kind: 'latency', method: 'POST', path: '/carts$', count: 1, latencyMs: 1500 }] });
  const order = validOrder({ orderId: 'SO-API-1', customerId });
  const api = stack.runtime.apiBaseUrl;

  expect((await postJson(`${api}/orders`, order)).status).toBe(202);
  await waitFor('the cart request to reach the simulator', () => (simulatorCalls(stack, customerId, 'POST', CARTS).length === 1 ? true : undefined));
  expect(simulatorCalls(stack, customerId, 'POST', CARTS)[0].status).toBe(0);
  const status = await getJson(`${api}/orders/${order.orderId}`);
  expect(status.body.stage).toBe('creatingCart');

  const cancel = await deleteJson(`${api}/orders/${order.orderId}`);
  expect(cancel.status).toBe(202);
  expect(cancel.body).toMatchObject({ orderId: order.orderId, cancelRequested: true });

  const final = await stack.runtime.waitForInstance(orderInstanceId(order.orderId), { timeoutMs: 30_000 });
  expect(final.runtimeStatus).toBe('Completed');
  const results = resultsFor(stack, order.orderId);
  expect(results.map((m) => m.subject)).toEqual(['cancelled']);
  // The workflow never walks away from the cart request it started: it waited for the cart, and names it.
  const [cartCall] = simulatorCalls(stack, customerId, 'POST', CARTS);
  expect(cartCall.status).toBe(201);
  expect(results[0].body).toMatchObject({ status: 'cancelled', orders: [], submittedAt: null, cartId: expect.any(String) });
  expect((results[0].body as { errors: unknown[] }).errors).toEqual([{ source: 'workflow', reason: 'cancelled', message: 'cancelled on request before checkout; nothing was bought' }]);
  await stack.runtime.runUntilIdle();
  expect(simulatorCalls(stack, customerId, 'POST', CHECKOUT)).toEqual([]);
  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ checkouts: 0, orders: 0 });

  const view = await getJson(`${api}/orders/${order.orderId}`);
  expect(view.body).toMatchObject({ outcome: 'cancelled', stage: 'finished', orders: [] });
  const again = await deleteJson(`${api}/orders/${order.orderId}`);
  expect(again.status).toBe(409);
  expect(again.body.error).toContain(order.orderId);
}, 60_000);

it('answers 409 to a DELETE of a completed order and leaves its outcome as it was', async () => {
  const customerId = customerIdFor('cancel-after-completion');
  const order = validOrder({ orderId: 'SO-API-2', customerId });
  const { outcome } = await runOrderOverHttp(stack, order);
  expect(outcome.status).toBe('completed');

  const cancel = await deleteJson(`${stack.runtime.apiBaseUrl}/orders/${order.orderId}`);
  expect(cancel.status).toBe(409);
  expect(cancel.body.error).toBe(`order ${order.orderId} has already finished (Completed); nothing to cancel`);
  await stack.runtime.runUntilIdle();
  expect(resultsFor(stack, order.orderId).map((m) => m.subject)).toEqual(['submitted', 'completed']);
}, 60_000);

it('answers 404 for an order id it has never seen, on GET and DELETE', async () => {
  const api = stack.runtime.apiBaseUrl;
  const status = await getJson(`${api}/orders/SO-NEVER-SEEN`);
  expect(status).toEqual({ status: 404, body: { error: 'no order with id SO-NEVER-SEEN' } });
  const cancel = await deleteJson(`${api}/orders/SO-NEVER-SEEN`);
  expect(cancel).toEqual({ status: 404, body: { error: 'no order with id SO-NEVER-SEEN' } });
});

it('answers 400 listing every field at fault for an invalid order, and starts nothing', async () => {
  const api = stack.runtime.apiBaseUrl;
  const instancesBefore = (await stack.runtime.stats()).instances;
  const invalid = {
    orderId: 'SO-API-3',
    customerId: 'not-a-guid',
    lineItems: [{ catalogItemId: M365_E3, quantity: 1, billingCycle: 'weekly', termDuration: 'P1Y' }],
    colour: 'blue',
  };

  const answer = await postJson(`${api}/orders`, invalid);

  expect(answer.status).toBe(400);
  expect(answer.body.error).toBe('the order request is invalid');
  expect(answer.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['colour', 'customerId', 'lineItems[0].billingCycle']);
  expect(answer.body.errors.every((e: { message: string }) => e.message.length > 0)).toBe(true);
  const notJson = await fetch(`${api}/orders`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"orderId":' });
  expect(notJson.status).toBe(400);
  expect(((await notJson.json()) as { errors: unknown }).errors).toEqual([{ field: '(body)', message: 'must be valid JSON' }]);

  expect((await getJson(`${api}/orders/SO-API-3`)).status).toBe(404);
  expect((await stack.runtime.stats()).instances).toBe(instancesBefore);
  expect(stack.simulator.controls.requestLog()).toEqual([]);
});

it('answers 400 for the order ids "." and "..", which no status URL can address, and 202 with a working Location otherwise', async () => {
  const api = stack.runtime.apiBaseUrl;
  for (const orderId of ['.', '..']) {
    const answer = await postJson(`${api}/orders`, validOrder({ orderId, customerId: customerIdFor(`dot-${orderId}`) }));
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ field: 'orderId', message: expect.stringContaining('"." or ".."') }]);
  }
  // An id with every awkward character still gets a Location that leads back to it.
  const orderId = 'SO/2026 #7?x=..';
  const accepted = await postJson(`${api}/orders`, validOrder({ orderId, customerId: customerIdFor('awkward-id') }));
  expect(accepted.status).toBe(202);
  await stack.runtime.waitForInstance(orderInstanceId(orderId), { timeoutMs: 30_000 });
  // The Location is a path built from the route; it resolves against the URL the POST went to.
  expect(accepted.headers.get('location')).toBe(`/api/orders/${encodeURIComponent(orderId)}`);
  const view = await getJson(new URL(accepted.headers.get('location')!, `${api}/orders`).toString());
  expect(view.status).toBe(200);
  expect(view.body).toMatchObject({ orderId, instanceId: orderInstanceId(orderId), outcome: 'completed' });
}, 60_000);
