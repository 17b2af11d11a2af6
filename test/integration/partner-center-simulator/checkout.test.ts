// Checkout over real HTTP: order groups become orders, idempotent repeats, 800065 mode, concurrency, expiry,
// configured checkout failures and whole-request refusals.
import type { PartnerCenterSimulator } from '../../../local/partner-center-simulator';
import { AZURE_PLAN, CUSTOMER, DOCS_CART_REQUEST, NCE_M365_E3, SAAS, line, startSimulator, type SimulatorClient } from './simulatorClient';

let sim: PartnerCenterSimulator;
let client: SimulatorClient;

beforeAll(async () => ({ sim, client } = await startSimulator()));
afterAll(() => sim.stop());
beforeEach(() => sim.controls.reset());

const newCart = async (lineItems: unknown[] = [line(NCE_M365_E3, 'monthly', 'P1Y')]) => (await client.createCart({ lineItems })).body;

describe('checkout', () => {
  it('turns the docs cart into one order per order group with a mixed result', async () => {
    const cart = await newCart(DOCS_CART_REQUEST.lineItems);

    const reply = await client.checkout(cart.id);

    expect(reply.status).toBe(201);
    expect(reply.body.orderErrors).toEqual([]);
    const orders = reply.body.orders;
    expect(orders).toHaveLength(4);
    expect(orders.map((o: { billingCycle: string }) => o.billingCycle)).toEqual(['monthly', 'one_time', 'monthly', 'none']);
    expect(orders.map((o: { status: string }) => o.status)).toEqual(['completed', 'pending', 'pending', 'pending']);
    // The documented id forms: the legacy Azure offer's order has a 33-character base64url id and a 12-hex
    // alternateId; new-commerce orders have 12 hex characters and alternateId = id (checkout-a-cart.md).
    expect(orders[0].id).toMatch(/^[A-Za-z0-9_-]{32}1$/);
    expect(orders[0].alternateId).toMatch(/^[0-9a-f]{12}$/);
    orders.slice(1).forEach((o: { id: string; alternateId: string }) => expect([o.id, o.alternateId]).toEqual([expect.stringMatching(/^[0-9a-f]{12}$/), o.id]));
    orders.forEach((o: { id: string; referenceCustomerId: string; transactionType: string }) => {
      expect(o.referenceCustomerId).toBe(CUSTOMER);
      expect(o.transactionType).toBe('UserPurchase');
    });
    expect(new Set(orders.map((o: { id: string }) => o.id)).size).toBe(4);
    // The Azure order is provisioned at once and carries its subscription; pending orders carry none yet.
    expect(orders[0].lineItems[0]).toMatchObject({ lineItemNumber: 0, offerId: 'MS-AZR-0145P', subscriptionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(orders[1].lineItems.map((l: { offerId: string }) => l.offerId)).toEqual(['DZH318Z0BQ36:004G:DZH318Z08C0S', 'DZH318Z0BQ36:004J:DZH318Z08B8X', 'DG7GMGF0DWTL:0001:DG7GMGF0DSFM']);
    expect(orders[1].lineItems.every((l: { subscriptionId?: string }) => l.subscriptionId === undefined)).toBe(true);
    expect(orders[3].lineItems[0].renewsTo).toEqual({ termDuration: 'P1Y' });
    expect((await client.getCart(cart.id)).body.status).toBe('Ordered');
    expect(sim.controls.counts(CUSTOMER)).toMatchObject({ carts: 1, orders: 4, checkouts: 1 });
  });

  it('accepts any body, like the .NET SDK that posts "success"', async () => {
    const cart = await newCart();

    const reply = await client.call('POST', `/carts/${cart.id}/checkout`, 'success');

    expect(reply.status).toBe(201);
    expect(reply.body.orders).toHaveLength(1);
  });

  it('repeats the first result for a repeated checkout and creates nothing new (documented idempotency)', async () => {
    const cart = await newCart([line(AZURE_PLAN, 'monthly'), line(SAAS, 'monthly', 'P1M')]);
    const first = await client.checkout(cart.id);

    const second = await client.checkout(cart.id);

    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(sim.controls.counts(CUSTOMER).orders).toBe(2);
  });

  it('answers 400/800065 to a repeated checkout in reject mode', async () => {
    sim.controls.setKnobs({ checkoutReplay: 'reject' });
    const cart = await newCart();
    await client.checkout(cart.id);

    const second = await client.checkout(cart.id);

    expect(second.status).toBe(400);
    expect(second.body.code).toBe(800065);
    expect(second.body.description).toBe(`can't check out an already submitted cart ${cart.id}.`);
    expect(sim.controls.counts(CUSTOMER).orders).toBe(1);
  });

  it('answers 409/800064 to a concurrent checkout of the same cart', async () => {
    sim.controls.setKnobs({ checkoutProcessingMs: 300 });
    const cart = await newCart();

    const replies = await Promise.all([client.checkout(cart.id, { requestId: 'a' }), client.checkout(cart.id, { requestId: 'b' })]);

    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    const conflict = replies.find((r) => r.status === 409)!;
    expect(conflict.body.code).toBe(800064);
    expect(conflict.body.description).toBe(`Cart ${cart.id} is being processed by another request.`);
    expect(sim.controls.counts(CUSTOMER).orders).toBe(1);
  });

  it('keeps a 409/800064 answer for its MS-RequestId (the id is to be reset after a business failure): a reuse gets it again, a new id gets the checkout', async () => {
    sim.controls.setKnobs({ checkoutProcessingMs: 300 });
    const cart = await newCart();
    const replies = await Promise.all([client.checkout(cart.id, { requestId: 'first' }), client.checkout(cart.id, { requestId: 'busy' })]);
    const busyId = replies[0].status === 409 ? 'first' : 'busy';
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);

    const reused = await client.checkout(cart.id, { requestId: busyId });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe(800064);
    const fresh = await client.checkout(cart.id, { requestId: 'next' });
    expect(fresh.status).toBe(201);
    expect(fresh.body.orders.map((o: { id: string }) => o.id)).toEqual(replies.find((r) => r.status === 201)!.body.orders.map((o: { id: string }) => o.id));
    expect(sim.controls.counts(CUSTOMER).orders).toBe(1);
    const log = sim.controls.requestLog().filter((r) => r.path.endsWith('/checkout'));
    expect(log.map((r) => r.replayed)).toEqual([false, false, true, false]);
  });

  it('refuses an expired cart with 404/800008 by default, and can answer 400/800002 instead', async () => {
    const expiring = await newCart();
    sim.controls.advanceClock('7d');
    const notFound = await client.checkout(expiring.id);
    expect(notFound.status).toBe(404);
    expect(notFound.body.code).toBe(800008);

    sim.controls.setKnobs({ expiredCartCheckout: 'bad-request' } as never);
    const cart = await newCart();
    sim.controls.advanceClock('7d');

    const reply = await client.checkout(cart.id);

    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe(800002);
    expect(reply.body.description).toContain(`cart ${cart.id} expired at ${cart.expirationTimestamp}`);
    expect(sim.controls.counts(CUSTOMER).orders).toBe(0);
    expect((await client.getCart(cart.id)).body.status).toBe('Active');
  });

  it('can answer 404/800008 for an expired cart, and honours a 15-minute cart lifetime', async () => {
    sim.controls.setKnobs({ expiredCartCheckout: 'not-found', cartTtlMs: '15m' } as never);
    const fresh = await newCart();
    const stale = await newCart();
    sim.controls.advanceClock('14m');
    expect((await client.checkout(fresh.id)).status).toBe(201);
    sim.controls.advanceClock('1m');

    const reply = await client.checkout(stale.id);

    expect([reply.status, reply.body.code]).toEqual([404, 800008]);
    expect(reply.body.description).toContain('expired');
  });

  it('answers 404/800008 for an unknown cart', async () => {
    const reply = await client.checkout('3e22b548-647d-4223-9675-1fcb6cb57665');

    expect([reply.status, reply.body.code]).toEqual([404, 800008]);
  });

  it('refuses a cart with line-item errors (400/800009) naming them', async () => {
    const cart = await newCart([line(NCE_M365_E3, 'monthly', 'P1M'), line('NOPE:0001:NOPE', 'monthly', 'P1M')]);

    const reply = await client.checkout(cart.id);

    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe(800009);
    expect(reply.body.description).toContain('line item 1 (NOPE:0001:NOPE): CatalogItemIdIsNotValid');
  });

  it('answers 404/400019 for a cart whose availability was withdrawn after it was made, orders nothing, and refuses the id in new carts (10001)', async () => {
    const cart = await newCart([line(AZURE_PLAN, 'monthly'), line(SAAS, 'monthly', 'P1M')]);
    sim.controls.setCatalogItem(SAAS, {}, { withdrawn: true });

    const reply = await client.checkout(cart.id);

    expect([reply.status, reply.body.code]).toEqual([404, 400019]);
    expect(reply.body.description).toContain(`Availability not found: line item 1 (${SAAS})`);
    expect(sim.controls.counts().orders).toBe(0);
    expect((await client.getCart(cart.id)).body.status).toBe('Active');
    const fresh = await newCart([line(SAAS, 'monthly', 'P1M')]);
    expect(fresh.lineItems[0].error.errorCode).toBe(10001);
  });

  it('puts a group whose item is configured to fail into orderErrors while the other groups are ordered', async () => {
    sim.controls.setCatalogItem(SAAS, { checkoutFailure: { code: 800087, description: "There's an issue with the line item" } });
    const cart = await newCart([line(AZURE_PLAN, 'monthly'), line(SAAS, 'monthly', 'P1M')]);

    const reply = await client.checkout(cart.id);

    expect(reply.status).toBe(201);
    expect(reply.body.orders).toHaveLength(1);
    expect(reply.body.orders[0].lineItems[0].offerId).toBe(AZURE_PLAN);
    expect(reply.body.orderErrors).toEqual([{ orderGroupId: '1', code: 800087, description: "There's an issue with the line item" }]);
    expect((await client.getCart(cart.id)).body.status).toBe('Ordered');
  });

  it('keeps the cart Active when every group failed, so the checkout can be re-attempted', async () => {
    sim.controls.setCatalogItem(NCE_M365_E3, { checkoutFailure: { times: 1 } });
    const cart = await newCart();

    const failed = await client.checkout(cart.id);
    const retried = await client.checkout(cart.id);

    expect(failed.body.orders).toEqual([]);
    expect(failed.body.orderErrors).toEqual([{ orderGroupId: '0', code: 800005, description: expect.stringContaining("Create order isn't successful") }]);
    expect(retried.status).toBe(201);
    expect(retried.body.orders).toHaveLength(1);
    expect(retried.body.orderErrors).toEqual([]);
    expect(sim.controls.counts(CUSTOMER)).toMatchObject({ orders: 1, checkouts: 1 });
  });
});

describe('refusals of the whole request (catalog behaviour checkoutRefusal / createRefusal)', () => {
  it('refuses the checkout with the service error body, buys nothing and keeps the cart Active (403/13605)', async () => {
    const description = 'Either a partner confirmation of the customer acceptance of the Microsoft Customer Agreement must be provided or the customer must accept it.';
    sim.controls.setCatalogItem(NCE_M365_E3, { checkoutRefusal: { status: 403, code: 13605, description, times: 1 } });
    const cart = await newCart();

    const refused = await client.checkout(cart.id);

    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ code: 13605, description, data: [], source: 'PartnerApiServiceControllers' });
    expect((await client.getCart(cart.id)).body.status).toBe('Active');
    expect(sim.controls.counts(CUSTOMER)).toMatchObject({ carts: 1, checkouts: 0, orders: 0 });
    // times: 1 — the next checkout of the same cart goes through.
    const retried = await client.checkout(cart.id);
    expect(retried.status).toBe(201);
    expect(retried.body.orders).toHaveLength(1);
  });

  it('refuses with a default description naming the code and the item, until told otherwise (404/400019)', async () => {
    sim.controls.setCatalogItem(SAAS, { checkoutRefusal: { status: 404, code: 400019 } });
    const cart = await newCart([line(AZURE_PLAN, 'monthly'), line(SAAS, 'monthly', 'P1M')]);

    const first = await client.checkout(cart.id);
    const second = await client.checkout(cart.id);
    sim.controls.setCatalogItem(SAAS, { checkoutRefusal: null });
    const third = await client.checkout(cart.id);

    expect([first.status, first.body.code, second.status]).toEqual([404, 400019, 404]);
    expect(first.body.description).toBe(`Partner Center refused the checkout of cart ${cart.id}: ${SAAS} (simulated refusal 400019).`);
    expect(third.status).toBe(201);
    expect(third.body.orders).toHaveLength(2);
  });

  it('refuses creating a cart holding the item, and creates none (403/800069)', async () => {
    sim.controls.setCatalogItem(SAAS, { createRefusal: { status: 403, code: 800069, description: 'Order failed Risk Management check' } });

    const refused = await client.createCart({ lineItems: [line(SAAS, 'monthly', 'P1M')] });
    const other = await client.createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y')] });

    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ code: 800069, description: 'Order failed Risk Management check', data: [], source: 'PartnerApiServiceControllers' });
    expect(other.status).toBe(201);
    expect(sim.controls.counts(CUSTOMER)).toMatchObject({ carts: 1 });
  });

  it.each([
    [{ status: 403 }, 'checkoutRefusal.code: expected an integer Partner Center error code'],
    [{ status: 429, code: 1 }, 'checkoutRefusal.status: expected an HTTP status 400-499 other than 429'],
    [{ status: 500, code: 1 }, 'checkoutRefusal.status: expected an HTTP status 400-499 other than 429'],
    [{ status: 403, code: 13605, times: -1 }, 'checkoutRefusal.times: expected a whole number ≥ 0'],
    [{ status: 403, code: 13605, reason: 'x' }, 'checkoutRefusal.reason: unknown field'],
    ['403/13605', 'checkoutRefusal: expected an object {status, code, description?, times?} or null'],
  ])('validates checkoutRefusal %j over the control API', async (refusal, message) => {
    const bad = await client.control('PUT', `/catalog/${NCE_M365_E3}`, { behaviour: { checkoutRefusal: refusal } });

    expect(bad.status).toBe(400);
    expect(bad.body.description).toContain(message);
    expect(sim.controls.catalog().find((i) => i.id === NCE_M365_E3)?.behaviour.checkoutRefusal).toBeUndefined();
  });
});
