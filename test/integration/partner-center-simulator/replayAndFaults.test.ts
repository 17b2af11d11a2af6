// MS-RequestId replay and fault injection over real sockets, including the "commit then drop the response" failure.
import type { PartnerCenterSimulator } from '../../../local/partner-center-simulator';
import { CUSTOMER, DOCS_CART_REQUEST, NCE_M365_E3, line, startSimulator, type SimulatorClient } from './simulatorClient';

let sim: PartnerCenterSimulator;
let client: SimulatorClient;

beforeAll(async () => ({ sim, client } = await startSimulator()));
afterAll(() => sim.stop());
beforeEach(() => sim.controls.reset());

const CART = { lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y')] };
const ids = (orders: { id: string }[]) => orders.map((o) => o.id).sort();

describe('MS-RequestId replay', () => {
  it('returns the stored create-cart response for a repeated MS-RequestId and creates no second cart', async () => {
    const first = await client.createCart(CART, { requestId: 'create-1' });
    const again = await client.createCart(CART, { requestId: 'create-1' });
    const other = await client.createCart(CART, { requestId: 'create-2' });

    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(other.body.id).not.toBe(first.body.id);
    expect(sim.controls.counts(CUSTOMER).carts).toBe(2);
    expect(sim.controls.requestLog().map((e) => [e.requestId, e.replayed])).toEqual([
      ['create-1', false],
      ['create-1', true],
      ['create-2', false],
    ]);
  });

  it('replays only an identical request: the same MS-RequestId with another body runs as a new request', async () => {
    const first = await client.createCart(CART, { requestId: 'create-1' });
    const changed = await client.createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y', { quantity: 7 })] }, { requestId: 'create-1' });

    expect(changed.status).toBe(201);
    expect(changed.body.id).not.toBe(first.body.id);
    expect(changed.body.lineItems[0].quantity).toBe(7);
    expect(sim.controls.counts(CUSTOMER).carts).toBe(2);
    expect(sim.controls.requestLog().map((e) => e.replayed)).toEqual([false, false]);
  });

  it('forgets an answer after requestIdReplayWindowMs of simulator time (default 24 hours)', async () => {
    expect(sim.controls.knobs().requestIdReplayWindowMs).toBe(24 * 3_600_000);
    sim.controls.setKnobs({ requestIdReplayWindowMs: '10m' });
    const first = await client.createCart(CART, { requestId: 'create-1' });
    sim.controls.advanceClock('9m');
    const within = await client.createCart(CART, { requestId: 'create-1' });
    sim.controls.advanceClock('2m');
    const after = await client.createCart(CART, { requestId: 'create-1' });

    expect(within.body.id).toBe(first.body.id);
    expect(after.body.id).not.toBe(first.body.id);
    expect(sim.controls.requestLog().map((e) => e.replayed)).toEqual([false, true, false]);
  });

  it('does not replay without a client MS-RequestId', async () => {
    await client.createCart(CART);
    await client.createCart(CART);

    expect(sim.controls.counts(CUSTOMER).carts).toBe(2);
    expect(sim.controls.requestLog().every((e) => !e.requestIdSupplied && !e.replayed)).toBe(true);
  });

  it('gives a duplicate that arrives while the first is still running the same answer instead of a 409', async () => {
    sim.controls.setKnobs({ checkoutProcessingMs: 200 });
    const cart = (await client.createCart(CART)).body;

    const [a, b] = await Promise.all([client.checkout(cart.id, { requestId: 'same' }), client.checkout(cart.id, { requestId: 'same' })]);

    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body).toEqual(a.body);
    expect(sim.controls.counts(CUSTOMER).orders).toBe(1);
  });

  it('replays the stored checkout even in reject mode, while a new request id gets 400/800065', async () => {
    sim.controls.setKnobs({ checkoutReplay: 'reject' });
    const cart = (await client.createCart(CART)).body;
    const first = await client.checkout(cart.id, { requestId: 'checkout-1' });

    const replayed = await client.checkout(cart.id, { requestId: 'checkout-1' });
    const fresh = await client.checkout(cart.id, { requestId: 'checkout-2' });

    expect(replayed.body).toEqual(first.body);
    expect([fresh.status, fresh.body.code]).toEqual([400, 800065]);
  });
});

describe('fault injection', () => {
  it('commits a checkout, drops the response, and a retry with the same MS-RequestId gets the same orders', async () => {
    sim.controls.setKnobs({ faults: [{ kind: 'dropAfterCommit', method: 'POST', path: '/checkout$', count: 1 }] });
    const cart = (await client.createCart(DOCS_CART_REQUEST)).body;

    await expect(client.checkout(cart.id, { requestId: 'buy-once' })).rejects.toThrow();
    const committed = sim.controls.counts(CUSTOMER).orders;
    const retry = await client.checkout(cart.id, { requestId: 'buy-once' });

    expect(committed).toBe(4);
    expect(retry.status).toBe(201);
    // Past the order list's lag (up to 15 minutes), the list holds exactly the orders the replay named.
    sim.controls.advanceClock('15m');
    expect(ids(retry.body.orders)).toEqual(ids((await client.listOrders()).body.items));
    expect(sim.controls.counts(CUSTOMER).orders).toBe(4);
    const checkouts = sim.controls.requestLog().filter((e) => e.path.endsWith('/checkout'));
    expect(checkouts.map((e) => ({ status: e.status, replayed: e.replayed, faults: e.faults }))).toEqual([
      { status: 0, replayed: false, faults: ['dropAfterCommit'] },
      { status: 201, replayed: true, faults: [] },
    ]);
  });

  it('resets the connection before doing anything', async () => {
    sim.controls.setKnobs({ faults: [{ kind: 'reset', method: 'POST', path: '/carts$', count: 1 }] });

    await expect(client.createCart(CART, { requestId: 'r' })).rejects.toThrow();
    expect(sim.controls.counts(CUSTOMER).carts).toBe(0);
    const retry = await client.createCart(CART, { requestId: 'r' });

    expect(retry.status).toBe(201);
    expect(sim.controls.counts(CUSTOMER).carts).toBe(1);
  });

  it('answers an injected 5xx before any side effect and does not store it for replay', async () => {
    sim.controls.setKnobs({ faults: [{ kind: 'status5xx', status: 500, count: 1 }] });

    const failed = await client.createCart(CART, { requestId: 'x' });
    const retry = await client.createCart(CART, { requestId: 'x' });

    expect([failed.status, failed.body.code]).toEqual([500, 800003]);
    expect(retry.status).toBe(201);
    expect(sim.controls.counts(CUSTOMER).carts).toBe(1);
  });

  it('answers an injected 429 with Retry-After and the throttling body', async () => {
    sim.controls.setKnobs({ faults: [{ kind: 'status429', retryAfterSeconds: 7, count: 1 }] });

    const reply = await client.getCart('3e22b548-647d-4223-9675-1fcb6cb57665');

    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('7');
    expect(reply.body).toEqual({ statusCode: 429, message: 'Rate limit is exceeded. Try again in 7 seconds.' });
  });

  it('adds latency and records it in the request log', async () => {
    sim.controls.setKnobs({ faults: [{ kind: 'latency', latencyMs: 30, method: 'GET' }] });

    const reply = await client.getCart('3e22b548-647d-4223-9675-1fcb6cb57665');
    await client.createCart(CART);

    expect(reply.status).toBe(404);
    expect(sim.controls.requestLog().map((e) => e.faults)).toEqual([['latency'], []]);
  });

  it('draws probabilistic faults from the seed, reproducibly', async () => {
    const run = async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await client.getCart('3e22b548-647d-4223-9675-1fcb6cb57665')).status);
      return statuses;
    };
    const faulty = { faultSeed: 42, faults: [{ kind: 'status5xx', rate: 0.5 }] };
    sim.controls.setKnobs(faulty as never);
    const first = await run();
    sim.controls.reset();
    sim.controls.setKnobs(faulty as never);
    const second = await run();
    sim.controls.setKnobs({ faultSeed: 7 });
    const otherSeed = await run();

    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(new Set([404, 503]));
    expect(otherSeed).not.toEqual(first);
  });

  it('rejects bad fault rules naming the field', () => {
    expect(() => sim.controls.setKnobs({ faults: [{ kind: 'explode' }, { kind: 'status5xx', rate: 2 }] } as never)).toThrow(
      /faults\[0\]\.kind: expected one of latency, status5xx, status429, reset, dropAfterCommit.*faults\[1\]\.rate: expected a number from 0 to 1/,
    );
  });
});
