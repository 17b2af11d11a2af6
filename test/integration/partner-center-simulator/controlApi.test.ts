// The /_simulator control API over HTTP, option validation, and robustness against bad input.
import net from 'node:net';
import { SimulatorConfigError, startPartnerCenterSimulator, type PartnerCenterSimulator } from '../../../local/partner-center-simulator';
import { CUSTOMER, NCE_M365_E3, OTHER_CUSTOMER, clientFor, line, startSimulator, type SimulatorClient } from './simulatorClient';

let sim: PartnerCenterSimulator;
let client: SimulatorClient;

beforeAll(async () => ({ sim, client } = await startSimulator()));
afterAll(() => sim.stop());
beforeEach(() => sim.controls.reset());

const CART = { lineItems: [line(NCE_M365_E3, 'monthly', 'P1M')] };

describe('control API', () => {
  it('counts carts, orders and checkouts per customer', async () => {
    const cart = (await client.createCart(CART)).body;
    await client.checkout(cart.id);
    await clientFor(sim, OTHER_CUSTOMER).createCart(CART);

    const all = await client.control('GET', '/counts');
    const one = await client.control('GET', `/counts?customerId=${OTHER_CUSTOMER}`);

    expect(all.body).toEqual({
      carts: 2,
      orders: 1,
      checkouts: 1,
      customers: { [CUSTOMER]: { carts: 1, orders: 1, checkouts: 1 }, [OTHER_CUSTOMER]: { carts: 1, orders: 0, checkouts: 0 } },
    });
    expect(one.body).toMatchObject({ carts: 1, orders: 0, checkouts: 0 });
  });

  it('resets state, knobs and the clock', async () => {
    await client.createCart(CART);
    await client.control('PATCH', '/knobs', { checkoutReplay: 'reject' });
    await client.control('POST', '/clock/advance', { by: '1d' });

    expect((await client.control('POST', '/reset')).status).toBe(200);

    expect((await client.control('GET', '/counts')).body.carts).toBe(0);
    expect((await client.control('GET', '/knobs')).body.checkoutReplay).toBe('idempotent');
    expect((await client.control('GET', '/clock')).body.offsetMs).toBe(0);
    expect(sim.controls.requestLog()).toEqual([]);
  });

  it('advances the simulator clock so that a cart expires', async () => {
    const cart = (await client.createCart(CART)).body;
    const advanced = await client.control('POST', '/clock/advance', { ms: 7 * 86_400_000 });

    expect(advanced.body.offsetMs).toBe(7 * 86_400_000);
    expect((await client.checkout(cart.id)).body.description).toContain('expired');
  });

  it('changes knobs at run time and names bad ones', async () => {
    const ok = await client.control('PATCH', '/knobs', { orderPendingPolls: 5, cartTtlMs: '15m' });
    const bad = await client.control('PATCH', '/knobs', { checkoutReplay: 'sometimes', nope: 1 });

    expect(ok.body).toMatchObject({ orderPendingPolls: 5, cartTtlMs: 900_000 });
    expect(bad.status).toBe(400);
    expect(bad.body.data).toEqual([
      'checkoutReplay: expected one of "idempotent", "reject", got "sometimes"',
      expect.stringContaining('nope: unknown knob'),
    ]);
    expect(sim.controls.knobs().checkoutReplay).toBe('idempotent');
  });

  it('adds a catalog item with behaviour and validates catalog changes', async () => {
    const added = await client.control('PUT', '/catalog/ABCD1234:0001:ABCD5678', { name: 'Custom', billingCycles: ['annual'], termDurations: ['P1Y'], behaviour: { outcome: 'cancelled', pendingPolls: 0 } });
    const cart = await client.createCart({ lineItems: [line('ABCD1234:0001:ABCD5678', 'annual', 'P1Y')] });
    const order = (await client.checkout(cart.body.id)).body.orders[0];
    const bad = await client.control('PUT', '/catalog/ABCD1234:0001:ABCD5678', { behaviour: { outcome: 'exploded' } });

    expect(added.body).toMatchObject({ id: 'ABCD1234:0001:ABCD5678', name: 'Custom', behaviour: { outcome: 'cancelled', pendingPolls: 0 } });
    expect(cart.body.lineItems[0].error).toBeUndefined();
    expect(order.status).toBe('cancelled');
    expect(bad.status).toBe(400);
    expect(bad.body.description).toContain('behaviour.outcome: expected one of completed, error');
  });

  it('lists the requests the client made with their MS-RequestIds', async () => {
    await client.createCart(CART, { requestId: 'r-1', correlationId: 'c-1' });
    await client.getCart('3e22b548-647d-4223-9675-1fcb6cb57665', { requestId: 'r-2' });

    const log = (await client.control('GET', '/requests')).body;

    expect(log.map((e: { method: string; status: number; requestId: string }) => [e.method, e.status, e.requestId])).toEqual([
      ['POST', 201, 'r-1'],
      ['GET', 404, 'r-2'],
    ]);
    expect(log[0].correlationId).toBe('c-1');
  });

  it('answers 404 for an unknown control endpoint and 400 for a malformed body', async () => {
    const unknown = await client.control('GET', '/nothing');
    const malformed = await client.call('PATCH', '/_simulator/knobs', undefined, { raw: '{oops', token: null });

    expect(unknown.status).toBe(404);
    expect(unknown.body.description).toContain('Unknown control endpoint GET /_simulator/nothing');
    expect([malformed.status, malformed.body.code]).toEqual([400, 800002]);
  });
});

describe('options', () => {
  it('rejects bad knobs at start, naming them', async () => {
    await expect(startPartnerCenterSimulator({ port: 0, knobs: { cartTtlMs: 'soon', lineItemErrorCodeFormat: 'roman' } })).rejects.toThrow(SimulatorConfigError);
    await expect(startPartnerCenterSimulator({ port: 0, knobs: { cartTtlMs: 'soon' } })).rejects.toThrow('cartTtlMs: expected a duration');
  });

  it('rejects jwt auth without a key source or tenant', async () => {
    await expect(startPartnerCenterSimulator({ port: 0, auth: { mode: 'jwt', tenantId: CUSTOMER } })).rejects.toThrow('exactly one of jwks');
    await expect(startPartnerCenterSimulator({ port: 0, auth: { mode: 'jwt', jwks: { keys: [] }, tenantId: '' } })).rejects.toThrow('auth.tenantId');
  });

  it('takes catalog changes and knobs at start', async () => {
    const custom = await startSimulator({ knobs: { cartTtlMs: '15m' }, catalog: [{ id: NCE_M365_E3, behaviour: { pendingPolls: 0 } }] });
    try {
      const cart = (await custom.client.createCart(CART)).body;
      const orders = (await custom.client.checkout(cart.id)).body.orders;

      expect(Date.parse(cart.expirationTimestamp) - Date.parse(cart.creationTimestamp)).toBe(900_000);
      expect(orders[0].status).toBe('completed');
    } finally {
      await custom.sim.stop();
    }
  });
});

describe('robustness', () => {
  it('survives a garbage HTTP request and keeps serving', async () => {
    const socket = net.connect(sim.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.on('connect', resolve));
    socket.write('NOT HTTP AT ALL\r\n\r\n');
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));

    expect((await client.createCart(CART)).status).toBe(201);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const reply = await client.call('POST', '/carts', undefined, { raw: JSON.stringify({ lineItems: [], pad: 'x'.repeat(1_100_000) }) });

    expect([reply.status, reply.body.code]).toEqual([413, 800002]);
  });

  it('answers line-item problems for wrongly typed fields instead of failing', async () => {
    const reply = await client.createCart({ lineItems: [{ catalogItemId: 42, quantity: '1', billingCycle: 7, termDuration: 3, provisioningContext: 'x', renewsTo: 'P1Y', participants: {} }] });

    expect(reply.status).toBe(201);
    expect(reply.body.lineItems[0].error).toMatchObject({ errorCode: 10010, errorDescription: 'catalogItemId is required (product:sku:availability).' });
  });
});
