import { loadWorkflowPolicy } from '../../../shared/config';
// The HTTP triggers' handlers over the in-memory Durable client stand-in (see inMemoryInstances.ts for why).
import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import { createOrderCancelHandler } from '../../../functions/orderCancelHttp';
import { createOrderStatusHandler } from '../../../functions/orderStatusHttp';
import { createOrdersHttpStartHandler } from '../../../functions/ordersHttpStart';
import { createPurchaseOrderHandler } from '../../../functions/purchaseOrderHttp';
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

  test('starts the order: 202, Location and the order\'s own status/cancel URL from the route, no management links', async () => {
    const response = await read(start(post(JSON.stringify(validOrder())), context()));
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe('/api/orders/SO-10001');
    expect(response.body).toEqual({ orderId: 'SO-10001', instanceId: 'order-SO-10001', statusUrl: '/api/orders/SO-10001', cancelUrl: '/api/orders/SO-10001' });
    expect(instances.starts.map((s) => s.instanceId)).toEqual(['order-SO-10001']);
  });

  test('the Location never comes from the Host the caller sent', async () => {
    const request = new HttpRequest({ method: 'POST', url: 'http://evil.example/api/orders', headers: { host: 'evil.example' }, body: { string: JSON.stringify(validOrder()) } });
    const response = await read(start(request, context()));
    expect(response.headers.get('location')).toBe('/api/orders/SO-10001');
    expect(JSON.stringify(response.body)).not.toContain('evil');
  });

  test('413 for a body over 256 KB, by Content-Length or by what arrived, and nothing started', async () => {
    const big = JSON.stringify({ ...validOrder(), lineItems: [{ ...validOrder().lineItems[0], provisioningContext: { blob: 'x'.repeat(300 * 1024) } }] });
    const declared = new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, headers: { 'content-length': String(Buffer.byteLength(big)) }, body: { string: big } });
    expect(await read(start(declared, context()))).toMatchObject({ status: 413, body: { errors: [{ field: '(body)', message: 'must be at most 262144 bytes' }] } });
    expect((await read(start(post(big), context()))).status).toBe(413);
    expect(instances.starts).toHaveLength(0);
  });

  test('400 naming (body) for bytes that are not UTF-8: two different invalid ids cannot collide as U+FFFD', async () => {
    for (const bad of [0xff, 0xfe]) {
      const bytes = Buffer.concat([Buffer.from('{"orderId":"ID-'), Buffer.from([bad]), Buffer.from('"}')]);
      const request = new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, body: { bytes } });
      expect(await read(start(request, context()))).toMatchObject({ status: 400, body: { errors: [{ field: '(body)', message: expect.stringMatching(/UTF-8/) }] } });
    }
    expect(instances.starts).toHaveLength(0);
  });

  test.each([
    ['a lone surrogate', 'ID-\ud800', /lone surrogate/],
    ['a trailing space', 'ID-CASE-1 ', /white space/],
    ['a zero-width space', 'ID-\u200bCASE-1', /U\+200B/],
    ['a bidi override', 'ID-\u202eCASE-1', /U\+202E/],
    ['a next-line character', 'ID-\u0085CASE-1', /U\+0085/],
    ['a line separator', 'ID-\u2028CASE-1', /U\+2028/],
    ['the replacement character', 'ID-\ufffd', /U\+FFFD/],
  ])('400 naming orderId for %s, and nothing started', async (_label, orderId, message) => {
    const response = await read(start(post(JSON.stringify({ ...validOrder(), orderId })), context()));
    expect(response).toMatchObject({ status: 400, body: { errors: [{ field: 'orderId', message: expect.stringMatching(message) }] } });
    expect(instances.starts).toHaveLength(0);
  });

  test('case variants and the NFD form of an existing order id are that order (200), never a second purchase', async () => {
    await read(start(post(JSON.stringify({ ...validOrder(), orderId: 'Caf\u00e9-1' })), context()));
    for (const orderId of ['CAF\u00c9-1', 'cafe\u0301-1']) {
      const response = await read(start(post(JSON.stringify({ ...validOrder(), orderId })), context()));
      expect(response).toMatchObject({ status: 200, body: { alreadyExists: true } });
    }
    expect(instances.starts).toHaveLength(1);
  });

  test('provisioningContext is bounded in keys, depth and value length, with the field named', async () => {
    const withContext = (provisioningContext: unknown) => post(JSON.stringify({ ...validOrder(), lineItems: [{ ...validOrder().lineItems[0], provisioningContext }] }));
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    const cases: [unknown, string, RegExp][] = [
      [many, 'lineItems[0].provisioningContext', /at most 20 keys \(got 21\)/],
      [{ scope: { nested: 'x' } }, 'lineItems[0].provisioningContext.scope', /one level deep/],
      [{ scope: 'x'.repeat(1025) }, 'lineItems[0].provisioningContext.scope', /at most 1024 characters/],
      [{ ['k'.repeat(65)]: 'x' }, `lineItems[0].provisioningContext.${'k'.repeat(64)}`, /key of at most 64 characters/],
    ];
    for (const [context_, field, message] of cases) {
      const response = await read(start(withContext(context_), context()));
      expect(response).toMatchObject({ status: 400, body: { errors: [{ field, message: expect.stringMatching(message) }] } });
    }
    expect(instances.starts).toHaveLength(0);
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

  test('an existing order id posted again with the same request (a retry) returns its current status and own URLs, and starts nothing', async () => {
    instances.put('order-SO-10001', { runtimeStatus: 'Running', input: { request: validOrder() }, customStatus: customStatus('waitingForOrders', { orders: [{ id: 'ord-1', status: 'pending' }] }) });
    // The same order as the validator reads it: another case of the id and of the customer GUID, fields in PascalCase.
    const { orderId, customerId, lineItems } = validOrder();
    const retry = { OrderId: orderId.toLowerCase(), CustomerId: customerId.toUpperCase(), LineItems: lineItems };
    const response = await read(start(post(JSON.stringify(retry)), context()));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ alreadyExists: true, statusUrl: '/api/orders/so-10001', order: { instanceId: 'order-SO-10001', stage: 'waitingForOrders', orders: [{ id: 'ord-1', status: 'pending' }] } });
    expect(response.body).not.toHaveProperty('links');
    expect(instances.starts).toHaveLength(0);
  });

  test('an existing order id posted with a different request is a 409 naming orderId, the instance and its start; nothing starts', async () => {
    instances.put('order-SO-10001', { runtimeStatus: 'Completed', input: { request: validOrder() }, createdTime: new Date('2026-03-01T08:00:00Z') });
    const other = validOrder({ orderId: 'so-10001', customerId: '0b7f0e3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b' });
    const response = await read(start(post(JSON.stringify(other)), context()));
    const message = 'already used by a different request (its customerId differs) (instance order-SO-10001 started at 2026-03-01T08:00:00.000Z); nothing was started';
    expect(response).toMatchObject({ status: 409, body: { error: `order id so-10001 is ${message}`, errors: [{ field: 'orderId', message }] } });
    expect(response.body).not.toHaveProperty('alreadyExists');
    expect(instances.starts).toHaveLength(0);

    const fewer = validOrder({ lineItems: [validOrder().lineItems[0]] });
    expect(await read(start(post(JSON.stringify(fewer)), context()))).toMatchObject({ status: 409, body: { errors: [{ field: 'orderId', message: expect.stringMatching(/^already used by a different request \(its lineItems differs?\)/) }] } });
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
        purchaseOrder: { required: true, partnerCenterOrderIds: ['ord-1'], uploadPath: '/api/orders/SO-10001/purchase-order' },
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

  test('400 naming orderId for a route id that no order may have', async () => {
    for (const orderId of ['SO-1\u202e', ' SO-1', '..']) {
      expect(await read(get(forOrder('GET', orderId), context()))).toMatchObject({ status: 400, body: { errors: [{ field: 'orderId' }] } });
    }
  });
});

describe('DELETE /api/orders/{orderId}', () => {
  const cancel = createOrderCancelHandler(() => instances, () => NOW);

  test('an order not yet checked out gets the cancel event: 202', async () => {
    instances.put('order-SO-10001', { customStatus: customStatus('creatingCart') });
    const response = await read(cancel(forOrder('DELETE', 'SO-10001'), context()));
    expect(response).toMatchObject({ status: 202, body: { orderId: 'SO-10001', cancelRequested: true, statusUrl: '/api/orders/SO-10001' } });
    expect(response.headers.get('location')).toBe('/api/orders/SO-10001');
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

describe('POST /api/orders/{orderId}/purchase-order, answers that never reach Partner Center', () => {
  // Partner Center must not be called for any of these: the upload step throws if it is.
  const calls: string[] = [];
  const upload = createPurchaseOrderHandler({
    getClient: () => instances,
    partnerCenter: {
      uploadPurchaseOrder: async (_customerId, orderId) => {
        calls.push(orderId);
        throw new Error('Partner Center must not be called');
      },
    },
  });
  const PDF = Buffer.from('%PDF-1.7\n%%EOF\n');
  const poRequest = (orderId: string, body: Buffer | string, headers: Record<string, string>, query = '') =>
    new HttpRequest({ method: 'POST', url: `${BASE}/api/orders/${encodeURIComponent(orderId)}/purchase-order${query}`, params: { orderId }, headers, body: typeof body === 'string' ? { string: body } : { bytes: body } });
  const waitingOrder = () =>
    instances.put('order-SO-10001', { input: { request: validOrder() }, customStatus: customStatus('waitingForOrders', { orders: [{ id: 'a68736758d9c', status: 'pending_po_upload' }] }) });
  beforeEach(() => void (calls.length = 0));
  afterEach(() => expect(calls).toEqual([]));

  test('404 for an unknown order', async () => {
    expect(await read(upload(poRequest('SO-404', PDF, { 'content-type': 'application/pdf' }, '?customerPrice=1&currency=EUR'), context()))).toMatchObject({ status: 404 });
  });

  test('409 when no Partner Center order of the order waits for a purchase order, naming their statuses', async () => {
    instances.put('order-SO-10001', { customStatus: customStatus('waitingForOrders', { orders: [{ id: 'a68736758d9c', status: 'pending' }] }) });
    const response = await read(upload(poRequest('SO-10001', PDF, { 'content-type': 'application/pdf' }, '?customerPrice=1&currency=EUR'), context()));
    expect(response).toMatchObject({ status: 409, body: { error: 'order SO-10001 has no Partner Center order waiting for a purchase order (runtime status Running; orders a68736758d9c: pending)' } });
  });

  test('409 for a finished order even if its last status was a purchase-order wait', async () => {
    instances.put('order-SO-10001', { runtimeStatus: 'Completed', customStatus: customStatus('finished', { orders: [{ id: 'a68736758d9c', status: 'pending_po_upload' }] }) });
    expect((await read(upload(poRequest('SO-10001', PDF, { 'content-type': 'application/pdf' }, '?customerPrice=1&currency=EUR'), context()))).status).toBe(409);
  });

  test('400 naming customerPrice and currency when the metadata is missing', async () => {
    waitingOrder();
    const response = await read(upload(poRequest('SO-10001', PDF, { 'content-type': 'application/pdf' }), context()));
    expect(response.status).toBe(400);
    expect((response.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['customerPrice', 'currency']);
  });

  test('415 for a document that is not a PDF, 400 for bytes that are not one', async () => {
    waitingOrder();
    const word = await read(upload(poRequest('SO-10001', PDF, { 'content-type': 'application/msword' }, '?customerPrice=1&currency=EUR'), context()));
    expect(word).toMatchObject({ status: 415, body: { errors: [{ field: 'pofiles[0]', message: 'must be application/pdf' }] } });
    const fake = await read(upload(poRequest('SO-10001', Buffer.from('hello'), { 'content-type': 'application/pdf' }, '?customerPrice=1&currency=EUR'), context()));
    expect(fake).toMatchObject({ status: 400, body: { errors: [{ field: 'pofiles[0]', message: 'is not a PDF document (it does not start with %PDF-)' }] } });
  });

  test('413 for a document over the limit', async () => {
    waitingOrder();
    const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]);
    expect((await read(upload(poRequest('SO-10001', big, { 'content-type': 'application/pdf' }, '?customerPrice=1&currency=EUR'), context()))).status).toBe(413);
  });

  test('a multipart upload without a pofiles document or with an unknown part is refused naming them', async () => {
    waitingOrder();
    const form = new FormData();
    form.append('metadata', JSON.stringify({ customerPrice: '156.87', currency: 'CAD' }));
    form.append('invoice', new Blob([PDF], { type: 'application/pdf' }), 'x.pdf');
    const encoded = new Response(form);
    const body = Buffer.from(await encoded.arrayBuffer());
    const response = await read(upload(poRequest('SO-10001', body, { 'content-type': encoded.headers.get('content-type') ?? '' }), context()));
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { field: 'invoice', message: 'is not a known part (expected metadata and pofiles documents)' },
      { field: 'pofiles', message: 'at least one purchase-order document is required (Partner Center 900252 without it)' },
    ]);
  });

  test('metadata names Partner Center does not take are refused naming them, nothing is uploaded; the function key in the query is not metadata', async () => {
    waitingOrder();
    const form = new FormData();
    form.append('metadata', JSON.stringify({ customerPrice: '156.87', currency: 'CAD', poNumber: 'PO-1' }));
    form.append('pofiles', new Blob([PDF], { type: 'application/pdf' }), 'po.pdf');
    const encoded = new Response(form);
    const body = Buffer.from(await encoded.arrayBuffer());
    const response = await read(upload(poRequest('SO-10001', body, { 'content-type': encoded.headers.get('content-type') ?? '' }), context()));
    expect(response).toMatchObject({ status: 400, body: { errors: [{ field: 'metadata.poNumber', message: 'is not a known field (expected customerPrice, currency, fxRate)' }] } });
    const raw = await read(upload(poRequest('SO-10001', PDF, { 'content-type': 'application/pdf' }, '?customerPrice=1&currency=EUR&code=function-key&extra=1'), context()));
    expect(raw).toMatchObject({ status: 400, body: { errors: [{ field: 'metadata.extra', message: 'is not a known field (expected customerPrice, currency, fxRate)' }] } });
    expect(calls).toEqual([]);
  });
});
