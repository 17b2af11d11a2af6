import { randomUUID } from 'node:crypto';
import { orderInstanceId, requestIds, type OrderRequest } from '../../../shared/orders';
import { CUSTOMER_ID, M365_E3, PERPETUAL_SOFTWARE, validOrder } from '../../fixtures/orders/requests';
import { startActivityHarness, type ActivityHarness } from './simulatorHarness';
import type { ActivityResult } from '../../../orchestrations/activities/activityResult';

let h: ActivityHarness;
beforeAll(async () => {
  h = await startActivityHarness();
});
afterAll(async () => {
  await h.simulator.stop();
});
beforeEach(() => h.simulator.controls.reset());

const instanceId = orderInstanceId('SO-10001');
const request: OrderRequest = validOrder();
const otherCtx = () => ({ requestId: randomUUID(), correlationId: randomUUID() });

async function createdCart(order: OrderRequest = request, attempt = 1) {
  return valueOf(await h.activities.createCart({ instanceId, attempt, request: order }));
}

/** The value of a successful activity result; fails the test on a failure. */
function valueOf<T>(result: ActivityResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result)}`);
  return result.value;
}

describe('createCart activity', () => {
  test('creates the cart with the attempt\'s MS-RequestId and returns its id and expiry', async () => {
    const cart = await createdCart();
    expect(cart.lineItemErrors).toEqual([]);
    const log = h.simulator.controls.requestLog();
    const stored = await h.client.getCart(CUSTOMER_ID, cart.cartId, otherCtx());
    expect(Date.parse(cart.expiresAt) - Date.parse(stored.creationTimestamp)).toBe(7 * 86_400_000);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ method: 'POST', status: 201, requestId: requestIds.createCart(instanceId, 1), correlationId: requestIds.correlation(instanceId) });
  });

  test('a retried create (same attempt) gets the same cart back; a new attempt creates a new cart', async () => {
    const first = await createdCart();
    const retried = await createdCart();
    expect(retried.cartId).toBe(first.cartId);
    expect(h.simulator.controls.requestLog()[1].replayed).toBe(true);
    const recreated = await createdCart(request, 2);
    expect(recreated.cartId).not.toBe(first.cartId);
    expect(h.simulator.controls.counts(CUSTOMER_ID).carts).toBe(2);
  });

  test('returns line-item errors from the 201 cart', async () => {
    const unknownItem = 'CFQ7TTC0ZZZZ:0001:CFQ7TTC0ZZZZ';
    const order = validOrder({ lineItems: [{ catalogItemId: M365_E3, quantity: 1, billingCycle: 'monthly', termDuration: 'P1M' }, { catalogItemId: unknownItem, quantity: 1, billingCycle: 'monthly', termDuration: 'P1M' }] });
    const cart = await createdCart(order);
    expect(cart.lineItemErrors).toEqual([{ lineItemIndex: 1, lineItemId: 1, code: 'CatalogItemIdIsNotValid', codeNumber: 10001, description: expect.any(String) }]);
  });

  test("keeps the ERP's line ids as cart line ids, sends the partner-of-record attestation, and maps errors back to positions", async () => {
    const unknownItem = 'CFQ7TTC0ZZZZ:0001:CFQ7TTC0ZZZZ';
    const order = validOrder({
      partnerOnRecordAttestationAccepted: true,
      lineItems: [
        { id: 10, catalogItemId: unknownItem, quantity: 1, billingCycle: 'monthly', termDuration: 'P1M' },
        { id: 20, catalogItemId: M365_E3, quantity: 1, billingCycle: 'monthly', termDuration: 'P1M', attestationAccepted: true },
      ],
    });
    const created = await createdCart(order);
    expect(created.lineItemErrors).toEqual([{ lineItemIndex: 0, lineItemId: 10, code: 'CatalogItemIdIsNotValid', codeNumber: 10001, description: expect.any(String) }]);
    const stored = await h.client.getCart(CUSTOMER_ID, created.cartId, otherCtx());
    expect(stored.lineItems.map((l) => [l.id, l.attestationAccepted])).toEqual([[10, undefined], [20, true]]);
  });

  test('returns throttling as a value with Retry-After', async () => {
    h.simulator.controls.setKnobs({ faults: [{ kind: 'status429', path: '/carts$', retryAfterSeconds: 7, count: 1 }] });
    expect(await h.activities.createCart({ instanceId, attempt: 1, request })).toEqual({
      ok: false,
      failure: { reason: 'throttled', message: 'Partner Center throttled the call', operation: 'createCart', status: 429, retryAfterSeconds: 7 },
    });
  });

  test('returns an outage as unavailable, so the orchestration waits it out on a durable timer', async () => {
    h.simulator.controls.setKnobs({ faults: [{ kind: 'status5xx', status: 503, path: '/carts$', count: 1 }] });
    expect(await h.activities.createCart({ instanceId, attempt: 1, request })).toMatchObject({
      ok: false,
      failure: { reason: 'unavailable', message: 'Partner Center was unavailable (HTTP 503)', operation: 'createCart', status: 503 },
    });
    expect((await createdCart()).cartId).toEqual(expect.any(String));
  });

  test('returns the client\'s refusal of a customer id that is not a GUID as refused, without calling Partner Center', async () => {
    const result = await h.activities.createCart({ instanceId, attempt: 1, request: { ...request, customerId: '../not-a-guid' } });
    expect(result).toEqual({ ok: false, failure: { reason: 'refused', operation: 'createCart', message: 'customerId must be a GUID (got "../not-a-guid"); the call was not sent' } });
    expect(h.simulator.controls.requestLog()).toEqual([]);
  });
});

describe('checkoutCart activity', () => {
  test('submits the cart with the cart\'s MS-RequestId and returns small order summaries', async () => {
    const cart = await createdCart();
    const result = valueOf(await h.activities.checkoutCart({ instanceId, customerId: CUSTOMER_ID, cartId: cart.cartId }));
    expect(result.orderErrors).toEqual([]);
    // Monthly E3 and one-time software fall into two order groups, so two orders.
    expect(result.orders.map((o) => o.billingCycle).sort()).toEqual(['monthly', 'one_time']);
    for (const order of result.orders) {
      expect(order).toEqual({ id: expect.any(String), status: 'pending', billingCycle: expect.any(String), lineItems: [expect.objectContaining({ lineItemNumber: 0, quantity: expect.any(Number) })] });
    }
    const checkout = h.simulator.controls.requestLog().find((e) => e.path.endsWith('/checkout'));
    expect(checkout?.requestId).toBe(requestIds.checkout(instanceId, cart.cartId));
  });

  test('after a busy answer (800064) the next call is a new request (requestSequence 1) and gets the checkout; sequence 0 again would replay the busy answer', async () => {
    h.simulator.controls.setKnobs({ checkoutProcessingMs: 2_000 });
    const cart = await createdCart();
    // Another request holds the cart (for 2 s) while our checkout (sequence 0) arrives: ours is sent once the simulator
    // has logged the holder's request, not after a guessed sleep.
    const holderCtx = otherCtx();
    const holder = h.client.checkout(CUSTOMER_ID, cart.cartId, holderCtx);
    for (let i = 0; i < 200 && !h.simulator.controls.requestLog().some((e) => e.requestId === holderCtx.requestId); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const busy = await h.activities.checkoutCart({ instanceId, customerId: CUSTOMER_ID, cartId: cart.cartId });
    expect(busy).toMatchObject({ ok: false, failure: { reason: 'cartBusy', status: 409, code: '800064' } });
    const held = await holder;

    const reused = await h.activities.checkoutCart({ instanceId, customerId: CUSTOMER_ID, cartId: cart.cartId });
    expect(reused).toMatchObject({ ok: false, failure: { reason: 'cartBusy' } });
    const next = valueOf(await h.activities.checkoutCart({ instanceId, customerId: CUSTOMER_ID, cartId: cart.cartId, requestSequence: 1 }));
    expect(next.orders.map((o) => o.id).sort()).toEqual(held.orders.map((o) => o.id).sort());
    const ours = h.simulator.controls.requestLog().filter((e) => e.path.endsWith('/checkout') && e.correlationId === requestIds.correlation(instanceId));
    expect(ours.map((e) => [e.requestId, e.replayed])).toEqual([
      [requestIds.checkout(instanceId, cart.cartId), false],
      [requestIds.checkout(instanceId, cart.cartId), true],
      [requestIds.checkout(instanceId, cart.cartId, 1), false],
    ]);
    expect(requestIds.checkout(instanceId, cart.cartId, 1)).not.toBe(requestIds.checkout(instanceId, cart.cartId));
  });

  test('a checkout whose answer was lost is retried as the same request: one purchase, same orders', async () => {
    const cart = await createdCart();
    h.simulator.controls.setKnobs({ faults: [{ kind: 'dropAfterCommit', path: '/checkout$', count: 1 }] });
    const ref = { instanceId, customerId: CUSTOMER_ID, cartId: cart.cartId };
    expect(await h.activities.checkoutCart(ref)).toMatchObject({ ok: false, failure: { reason: 'unavailable', operation: 'checkout' } });
    const retried = valueOf(await h.activities.checkoutCart(ref));
    expect(retried.orders).toHaveLength(2);
    expect(h.simulator.controls.counts(CUSTOMER_ID).checkouts).toBe(1);
    expect(h.simulator.controls.counts(CUSTOMER_ID).orders).toBe(2);
  });

  test('400/800065 (already submitted by another request) is reported as cartAlreadySubmitted', async () => {
    h.simulator.controls.setKnobs({ checkoutReplay: 'reject' });
    const cart = await createdCart();
    await h.client.checkout(CUSTOMER_ID, cart.cartId, otherCtx());
    expect(await h.activities.checkoutCart({ instanceId, customerId: CUSTOMER_ID, cartId: cart.cartId })).toMatchObject({
      ok: false,
      failure: { reason: 'cartAlreadySubmitted', operation: 'checkout', status: 400, code: '800065' },
    });
  });

  test('409/800064 (being processed by another request) is reported as cartBusy', async () => {
    // The other checkout holds the cart for a while; ours arrives well inside that window.
    h.simulator.controls.setKnobs({ checkoutProcessingMs: 1_500 });
    const cart = await createdCart();
    const other = h.client.checkout(CUSTOMER_ID, cart.cartId, otherCtx());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await h.activities.checkoutCart({ instanceId, customerId: CUSTOMER_ID, cartId: cart.cartId })).toMatchObject({
      ok: false,
      failure: { reason: 'cartBusy', status: 409, code: '800064' },
    });
    await other;
  });

  test.each([
    ['not-found', { reason: 'cartExpired', status: 404, code: '800008' }],
    // 400/800002 is "invalid request input" whatever its wording: classified by code, it is a refusal.
    ['bad-request', { reason: 'refused', status: 400, code: '800002' }],
  ] as const)('an expired cart (%s) is classified by its code', async (mode, failure) => {
    h.simulator.controls.setKnobs({ expiredCartCheckout: mode });
    const cart = await createdCart();
    h.simulator.controls.advanceClock('8d');
    expect(await h.activities.checkoutCart({ instanceId, customerId: CUSTOMER_ID, cartId: cart.cartId })).toMatchObject({ ok: false, failure: { operation: 'checkout', ...failure } });
  });

  test('order groups that fail at checkout come back in orderErrors next to the orders', async () => {
    h.simulator.controls.setCatalogItem(PERPETUAL_SOFTWARE, { checkoutFailure: { code: 800005, description: 'Create order isn\'t successful' } });
    const cart = await createdCart();
    const result = await h.activities.checkoutCart({ instanceId, customerId: CUSTOMER_ID, cartId: cart.cartId });
    expect(result).toEqual({
      ok: true,
      value: {
        orders: [expect.objectContaining({ billingCycle: 'monthly', status: 'pending' })],
        orderErrors: [{ orderGroupId: expect.any(String), code: 800005, description: 'Create order isn\'t successful' }],
      },
    });
  });

  test('checkout throttling comes back as a value', async () => {
    const cart = await createdCart();
    h.simulator.controls.setKnobs({ faults: [{ kind: 'status429', path: '/checkout$', retryAfterSeconds: 3 }] });
    expect(await h.activities.checkoutCart({ instanceId, customerId: CUSTOMER_ID, cartId: cart.cartId })).toMatchObject({
      ok: false,
      failure: { reason: 'throttled', operation: 'checkout', status: 429, retryAfterSeconds: 3 },
    });
  });
});

describe('findCartOrders activity', () => {
  test('a cart that was never checked out is notOrdered', async () => {
    const cart = await createdCart();
    expect(await h.activities.findCartOrders({ instanceId, customerId: CUSTOMER_ID, cartId: cart.cartId })).toEqual({ ok: true, value: { kind: 'notOrdered' } });
  });

  test("an ordered cart's orders come from Partner Center repeating its checkout: this cart's, not those of another cart with the same items", async () => {
    // Another order of the same customer and items, checked out just before: it looks exactly like this cart's orders.
    const other = await h.client.checkout(CUSTOMER_ID, (await h.client.createCart(CUSTOMER_ID, request.lineItems, otherCtx())).id, otherCtx());
    const cart = await createdCart();
    const ref = { instanceId, customerId: CUSTOMER_ID, cartId: cart.cartId };
    // The checkout's answer was lost: Partner Center committed it.
    h.simulator.controls.setKnobs({ faults: [{ kind: 'dropAfterCommit', method: 'POST', path: '/checkout$', count: 1 }] });
    expect(await h.activities.checkoutCart(ref)).toMatchObject({ ok: false, failure: { reason: 'unavailable' } });

    const recovered = valueOf(await h.activities.findCartOrders(ref));

    const ledger = h.simulator.controls.orders(CUSTOMER_ID);
    const ofThisCart = ledger.filter((o) => o.cartId === cart.cartId).map((o) => o.id);
    expect(ofThisCart.length).toBeGreaterThan(0);
    expect(recovered).toEqual({ kind: 'ordered', orders: expect.any(Array), complete: true, orderErrors: [] });
    if (recovered.kind !== 'ordered') return;
    expect(recovered.orders.map((o) => o.id).sort()).toEqual(ofThisCart.sort());
    expect(recovered.orders.map((o) => o.id)).not.toContain(other.orders[0].id);
    // The repeat was the checkout's own request, answered from Partner Center's memory of it; nothing new was bought.
    const checkouts = h.simulator.controls.requestLog().filter((r) => r.path.endsWith(`/carts/${cart.cartId}/checkout`));
    expect(checkouts.map((c) => [c.requestId, c.replayed])).toEqual([
      [requestIds.checkout(instanceId, cart.cartId), false],
      [requestIds.checkout(instanceId, cart.cartId), true],
    ]);
    expect(h.simulator.controls.counts(CUSTOMER_ID)).toMatchObject({ carts: 2, checkouts: 2 });
  });

  test('an ordered cart whose checkout Partner Center will not repeat (800065) is untied: look-alike orders are only candidates', async () => {
    h.simulator.controls.setKnobs({ checkoutReplay: 'reject' });
    const other = await h.client.checkout(CUSTOMER_ID, (await h.client.createCart(CUSTOMER_ID, request.lineItems, otherCtx())).id, otherCtx());
    const cart = await createdCart();
    const ref = { instanceId, customerId: CUSTOMER_ID, cartId: cart.cartId };
    const mine = await h.client.checkout(CUSTOMER_ID, cart.cartId, { requestId: requestIds.checkout(instanceId, cart.cartId), correlationId: randomUUID() });
    h.simulator.controls.forgetRequestIds();

    // Right after checkout the order list does not show the orders yet (the documented lag of up to 15 minutes).
    const early = valueOf(await h.activities.findCartOrders(ref));
    expect(early).toEqual({ kind: 'untied', candidates: [], moreCandidates: 0 });
    h.simulator.controls.advanceClock('15m');
    const recovered = valueOf(await h.activities.findCartOrders(ref));

    expect(recovered).toMatchObject({ kind: 'untied', moreCandidates: 0 });
    if (recovered.kind !== 'untied') return;
    // Both carts' orders look alike in the order list; none is claimed.
    expect(recovered.candidates.sort()).toEqual([...other.orders, ...mine.orders].map((o) => o.id).sort());
    // The first look's checkout was refused by the ordered cart itself; the second, same MS-RequestId, got that answer again.
    const looks = h.simulator.controls.requestLog().filter((r) => r.path.endsWith('/checkout')).slice(-2);
    expect(looks.map(({ status, replayed }) => ({ status, replayed }))).toEqual([{ status: 400, replayed: false }, { status: 400, replayed: true }]);
  });
});

describe('getOrder activity', () => {
  test('follows an order from pending to completed with its subscription id', async () => {
    const cart = await createdCart(validOrder({ lineItems: [{ catalogItemId: M365_E3, quantity: 2, billingCycle: 'monthly', termDuration: 'P1M' }] }));
    const submitted = valueOf(await h.activities.checkoutCart({ instanceId, customerId: CUSTOMER_ID, cartId: cart.cartId }));
    const ref = { instanceId, customerId: CUSTOMER_ID, orderId: submitted.orders[0].id };
    const statuses: string[] = [];
    for (let i = 0; i < 4; i++) {
      const order = valueOf(await h.activities.getOrder(ref));
      statuses.push(order.status);
      if (order.status === 'completed') expect(order.lineItems[0].subscriptionId).toEqual(expect.any(String));
    }
    expect(statuses).toEqual(['pending', 'pending', 'completed', 'completed']);
  });

  test('an unknown order is a rejection naming Partner Center\'s code', async () => {
    expect(await h.activities.getOrder({ instanceId, customerId: CUSTOMER_ID, orderId: 'a68736758d9c' })).toMatchObject({
      ok: false,
      failure: { reason: 'notFound', operation: 'getOrder', status: 404, code: '20000' },
    });
  });
});
