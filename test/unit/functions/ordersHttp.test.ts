import { loadWorkflowPolicy } from '../../../shared/config';
// The HTTP triggers' handlers over the in-memory Durable client stand-in (see inMemoryInstances.ts for why).
import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import { createOrderCancelHandler } from '../../../functions/orderCancelHttp';
import { createOrderStatusHandler } from '../../../functions/orderStatusHttp';
import { createOrdersHttpStartHandler } from '../../../functions/ordersHttpStart';
import type { OrderCustomStatus } from '../../../orchestrations';
import { orderInstanceId, type OrderOutcome } from '../../../shared/orders';
import { CUSTOMER_ID, validOrder } from '../../fixtures/orders/requests';
import { InMemoryInstances } from './inMemoryInstances';

const NOW = new Date('2026-03-02T09:00:00.000Z');
const BASE = 'https://orders.example.net';
let instances: InMemoryInstances;
beforeEach(() => {
  instances = new InMemoryInstances();
});

const context = () => new InvocationContext({ invocationId: 'inv-1', functionName: 'test', logHandler: () => undefined });
const post = (body: string) => new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, body: { string: body } });
const forOrder = (method: string, orderId: string) => new HttpRequest({ method, url: `${BASE}/api/orders/${encodeURIComponent(orderId)}`, params: { orderId } });

async function read(responsePromise: Promise<unknown>) {
  const response = (await responsePromise) as HttpResponse;
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

const customStatus = (stage: OrderCustomStatus['stage'], extra: Partial<OrderCustomStatus> = {}): OrderCustomStatus => ({
  stage,
  orderId: 'SO-10001',
  cartId: 'cart-1',
  cartExpiresAt: null,
  orders: [],
  attempts: { cart: 1, checkout: 0, polls: 0 },
  lastError: null,
  waitingFor: null,
  nextCheckAt: null,
  outcome: null,
  ...extra,
});

describe('POST /api/orders', () => {
  const start = createOrdersHttpStartHandler({ getClient: () => instances, policy: loadWorkflowPolicy({}), now: () => NOW });

  test('starts the order: 202, Location of the friendly status, and the Durable status links', async () => {
    const response = await read(start(post(JSON.stringify(validOrder())), context()));
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe(`${BASE}/api/orders/SO-10001`);
    expect(response.body).toMatchObject({
      orderId: 'SO-10001',
      instanceId: 'order-SO-10001',
      statusUrl: `${BASE}/api/orders/SO-10001`,
      links: { id: 'order-SO-10001', statusQueryGetUri: expect.stringContaining('/instances/order-SO-10001') },
    });
    expect(instances.starts.map((s) => s.instanceId)).toEqual(['order-SO-10001']);
  });

  test('400 with every field error for an invalid order, and nothing started', async () => {
    const response = await read(start(post(JSON.stringify({ ...validOrder(), customerId: 'x', lineItems: [{ catalogItemId: 'bad', quantity: 0, billingCycle: 'monthly' }] })), context()));
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { field: 'customerId', message: expect.stringMatching(/GUID/) },
      { field: 'lineItems[0].catalogItemId', message: expect.stringMatching(/productId:skuId:availabilityId/) },
      { field: 'lineItems[0].quantity', message: expect.stringMatching(/whole number/) },
    ]);
    expect(instances.starts).toHaveLength(0);
  });

  test('400 for a body that is not JSON', async () => {
    const response = await read(start(post('orderId=1'), context()));
    expect(response).toMatchObject({ status: 400, body: { errors: [{ field: '(body)', message: 'must be valid JSON' }] } });
  });

  test('an existing order id returns its current status and links, and starts nothing', async () => {
    instances.put('order-SO-10001', { runtimeStatus: 'Running', customStatus: customStatus('waitingForOrders', { orders: [{ id: 'ord-1', status: 'pending' }] }) });
    const response = await read(start(post(JSON.stringify(validOrder())), context()));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ alreadyExists: true, order: { instanceId: 'order-SO-10001', stage: 'waitingForOrders', orders: [{ id: 'ord-1', status: 'pending' }] }, links: { id: 'order-SO-10001' } });
    expect(instances.starts).toHaveLength(0);
  });
});

describe('GET /api/orders/{orderId}', () => {
  const get = createOrderStatusHandler(() => instances);

  test('404 for an unknown order', async () => {
    expect(await read(get(forOrder('GET', 'SO-404'), context()))).toMatchObject({ status: 404, body: { error: 'no order with id SO-404' } });
  });

  test('an order in progress shows its stage, cart, orders and next check', async () => {
    instances.put('order-SO-10001', {
      customStatus: customStatus('waitingForOrders', { orders: [{ id: 'ord-1', status: 'pending_po_upload' }], nextCheckAt: '2026-03-02T10:00:00.000Z', attempts: { cart: 1, checkout: 1, polls: 3 } }),
    });
    const response = await read(get(forOrder('GET', 'SO-10001'), context()));
    expect(response).toEqual({
      status: 200,
      headers: expect.anything(),
      body: {
        orderId: 'SO-10001',
        instanceId: 'order-SO-10001',
        runtimeStatus: 'Running',
        outcome: null,
        stage: 'waitingForOrders',
        cartId: 'cart-1',
        orders: [{ id: 'ord-1', status: 'pending_po_upload' }],
        errors: [],
        lastError: null,
        waitingFor: null,
        nextCheckAt: '2026-03-02T10:00:00.000Z',
        createdAt: '2026-03-02T09:00:00.000Z',
        lastUpdatedAt: '2026-03-02T09:05:00.000Z',
      },
    });
  });

  test('a finished order shows its outcome, subscription ids and errors', async () => {
    const output: OrderOutcome = {
      kind: 'outcome',
      status: 'partiallyCompleted',
      orderId: 'SO-10001',
      customerId: CUSTOMER_ID,
      instanceId: 'order-SO-10001',
      cartId: 'cart-1',
      orders: [{ id: 'ord-1', status: 'completed', billingCycle: 'monthly', lineItems: [{ lineItemNumber: 0, offerId: 'X', quantity: 1, subscriptionId: 'sub-1' }] }],
      errors: [{ source: 'orderGroup', orderGroupId: '1', code: 800005, description: 'failed' }],
      receivedAt: NOW.toISOString(),
      submittedAt: NOW.toISOString(),
      finishedAt: NOW.toISOString(),
    };
    instances.put('order-SO-10001', { runtimeStatus: 'Completed', output, customStatus: customStatus('finished', { outcome: 'partiallyCompleted' }) });
    const response = await read(get(forOrder('GET', 'SO-10001'), context()));
    expect(response.body).toMatchObject({
      outcome: 'partiallyCompleted',
      stage: 'finished',
      orders: [{ id: 'ord-1', status: 'completed', subscriptionIds: ['sub-1'] }],
      errors: [{ source: 'orderGroup', code: 800005 }],
    });
  });

  test('an order id that is not readable as an instance id still finds its (hashed) instance', async () => {
    instances.put(orderInstanceId('PO 2024/17'), { customStatus: customStatus('creatingCart') });
    expect((await read(get(forOrder('GET', 'PO 2024/17'), context()))).body).toMatchObject({ orderId: 'PO 2024/17', stage: 'creatingCart' });
  });
});

describe('DELETE /api/orders/{orderId}', () => {
  const cancel = createOrderCancelHandler(() => instances, () => NOW);

  test('an order not yet checked out gets the cancel event: 202', async () => {
    instances.put('order-SO-10001', { customStatus: customStatus('creatingCart') });
    const response = await read(cancel(forOrder('DELETE', 'SO-10001'), context()));
    expect(response).toMatchObject({ status: 202, body: { orderId: 'SO-10001', cancelRequested: true } });
    expect(instances.events).toEqual([{ instanceId: 'order-SO-10001', eventName: 'cancel', data: { requestedAt: NOW.toISOString() } }]);
  });

  test('an order still queued (no custom status yet) can be cancelled', async () => {
    instances.put('order-SO-10001', { runtimeStatus: 'Pending', customStatus: null });
    expect((await read(cancel(forOrder('DELETE', 'SO-10001'), context()))).status).toBe(202);
    expect(instances.events).toHaveLength(1);
  });

  test.each(['checkingOut', 'recoveringOrders', 'waitingForOrders', 'publishing'] as const)('409 once the order is with Partner Center (%s)', async (stage) => {
    instances.put('order-SO-10001', { customStatus: customStatus(stage) });
    const response = await read(cancel(forOrder('DELETE', 'SO-10001'), context()));
    expect(response).toMatchObject({ status: 409, body: { error: expect.stringContaining(`already with Partner Center (stage ${stage})`) } });
    expect(instances.events).toHaveLength(0);
  });

  test('409 for a finished order, 404 for an unknown one', async () => {
    instances.put('order-SO-10001', { runtimeStatus: 'Completed', customStatus: customStatus('finished') });
    expect((await read(cancel(forOrder('DELETE', 'SO-10001'), context()))).status).toBe(409);
    expect((await read(cancel(forOrder('DELETE', 'SO-2'), context()))).status).toBe(404);
    expect(instances.events).toHaveLength(0);
  });
});
