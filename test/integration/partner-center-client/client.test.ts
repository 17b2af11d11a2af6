// The Partner Center client against the local simulator, over loopback HTTP: nothing between them is mocked.
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startPartnerCenterSimulator, type PartnerCenterSimulator } from '../../../local/partner-center-simulator';
import {
  createPartnerCenterClient,
  PartnerCenterAuthError,
  PartnerCenterBusinessError,
  PartnerCenterInvalidIdError,
  PartnerCenterNotFoundError,
  PartnerCenterThrottledError,
  PartnerCenterTransientError,
  staticTokenProvider,
  type CartLineItemInput,
  type PartnerCenterClientOptions,
  type PartnerCenterTokenProvider,
  type RequestContext,
} from '../../../shared/partner-center';

const CUSTOMER = '0c39d6d5-c70d-4c55-bc02-f620844f3fd1';
const CORRELATION = 'a8b7c6d5-0000-4000-8000-000000000001';

// The create-cart request of the Partner Center docs: Azure plan, two reserved instances with provisioningContext,
// perpetual software, SaaS, and a SaaS free trial that renews to a paid term.
const DOCS_LINE_ITEMS: CartLineItemInput[] = [
  { catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BPS6', quantity: 1, billingCycle: 'monthly', friendlyName: 'Azure plan' },
  {
    catalogItemId: 'DZH318Z0BQ36:004G:DZH318Z08C0S',
    quantity: 2,
    billingCycle: 'one_time',
    termDuration: 'P1Y',
    provisioningContext: { subscriptionId: 'ee1c1d42-8541-4a29-9df9-5cba4fb8d0f4', scope: 'shared', duration: '1Year' },
  },
  {
    catalogItemId: 'DZH318Z0BQ36:004J:DZH318Z08B8X',
    quantity: 1,
    billingCycle: 'one_time',
    termDuration: 'P3Y',
    provisioningContext: { subscriptionId: 'ee1c1d42-8541-4a29-9df9-5cba4fb8d0f4', scope: 'single', duration: '3Year' },
  },
  { catalogItemId: 'DG7GMGF0DWTL:0001:DG7GMGF0DSFM', quantity: 1, billingCycle: 'one_time' },
  { catalogItemId: 'DZH318Z0BXWC:0002:DZH318Z0BMRV', quantity: 5, billingCycle: 'monthly', termDuration: 'P1M' },
  { catalogItemId: 'DZH318Z0C0WF:0001:DZH318Z0BP69', quantity: 1, billingCycle: 'none', termDuration: 'P1M', renewsTo: { termDuration: 'P1Y' } },
];

let sim: PartnerCenterSimulator;
let step = 0;

/** A fresh MS-RequestId per logical step of a test, as the workflow derives one per step. */
function ctx(requestId = `00000000-0000-4000-8000-${String(++step).padStart(12, '0')}`): RequestContext {
  return { requestId, correlationId: CORRELATION };
}

function clientFor(overrides: Partial<PartnerCenterClientOptions> = {}) {
  return createPartnerCenterClient({
    baseUrl: sim.url,
    tokenProvider: staticTokenProvider('local-token'),
    transientRetryDelayMs: 1,
    timeoutMs: 2_000,
    ...overrides,
  });
}

const serviceCalls = (pathEnd: string) => sim.controls.requestLog().filter((e) => e.path.endsWith(pathEnd));

beforeAll(async () => {
  // The partner's one customer here; any other GUID is refused 404/60003, as the service does.
  sim = await startPartnerCenterSimulator({ port: 0, knobs: { knownCustomers: [CUSTOMER] } });
});

afterAll(async () => {
  await sim.stop();
});

beforeEach(() => {
  sim.controls.reset();
});

describe('carts', () => {
  it('creates the docs cart with ids, expiry, currency and service-assigned order groups', async () => {
    const cart = await clientFor().createCart(CUSTOMER, DOCS_LINE_ITEMS, ctx());

    expect(cart.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(cart.status).toBe('Active');
    expect(Date.parse(cart.expirationTimestamp) - Date.parse(cart.creationTimestamp)).toBe(7 * 86_400_000);
    expect(cart.lineItems.map((l) => l.id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(cart.lineItems.every((l) => l.currencyCode === 'USD' && l.error === undefined)).toBe(true);
    expect(cart.lineItems[1].provisioningContext).toEqual({ subscriptionId: 'ee1c1d42-8541-4a29-9df9-5cba4fb8d0f4', scope: 'shared', duration: '1Year' });
    expect(cart.lineItems[5].renewsTo).toEqual({ termDuration: 'P1Y' });
    const groups = cart.lineItems.map((l) => l.orderGroup);
    expect(groups.every((g) => typeof g === 'string' && g.length > 0)).toBe(true);
    // Items bought together share a group; the one-time purchases and the monthly ones cannot be in one order.
    expect(groups[1]).toBe(groups[2]);
    expect(groups[3]).not.toBe(groups[4]);
    expect(new Set(groups).size).toBeGreaterThan(1);
  });

  it('returns a line-item error on the invalid line only, inside the created cart, whichever wire form the code takes', async () => {
    const items: CartLineItemInput[] = [
      // Microsoft 365 Business Basic, sold by the simulator's catalog: this line is valid.
      { catalogItemId: 'CFQ7TTC0LH0Z:0001:CFQ7TTC0K18P', quantity: 1, billingCycle: 'monthly', termDuration: 'P1M' },
      { catalogItemId: 'NOPE0000NOPE:0001:NOPE0000NOPE', quantity: 1, billingCycle: 'monthly', termDuration: 'P1M' },
    ];
    const asInteger = await clientFor().createCart(CUSTOMER, items, ctx());
    sim.controls.setKnobs({ lineItemErrorCodeFormat: 'snake_case' });
    const asSnakeCase = await clientFor().createCart(CUSTOMER, items, ctx());

    for (const cart of [asInteger, asSnakeCase]) {
      expect(cart.lineItems.map((l) => l.id)).toEqual([0, 1]);
      // The valid line is priced and grouped for an order; the invalid one carries the error and no group.
      expect(cart.lineItems[0].error).toBeUndefined();
      expect(cart.lineItems[0].orderGroup).toBe('0');
      expect(cart.lineItems[1].error).toMatchObject({ errorCode: 'CatalogItemIdIsNotValid', errorCodeNumber: 10001, errorDescription: expect.stringContaining('NOPE0000NOPE:0001:NOPE0000NOPE') });
      expect(cart.lineItems[1].orderGroup).toBeUndefined();
    }
  });

  it('reads a cart back and answers 404/800008 for an unknown one', async () => {
    const client = clientFor();
    const created = await client.createCart(CUSTOMER, DOCS_LINE_ITEMS.slice(0, 1), ctx());
    const read = await client.getCart(CUSTOMER, created.id, ctx());
    expect(read).toEqual(created);

    const unknown = await client.getCart(CUSTOMER, 'f0f0f0f0-0000-4000-8000-000000000000', ctx('get-unknown-cart')).catch((e) => e);
    expect(unknown).toBeInstanceOf(PartnerCenterNotFoundError);
    expect(unknown).toMatchObject({ status: 404, code: 800008, requestId: 'get-unknown-cart', correlationId: CORRELATION });
  });

  it('updates an active cart and is refused once the cart is ordered', async () => {
    const client = clientFor();
    const cart = await client.createCart(CUSTOMER, DOCS_LINE_ITEMS.slice(4, 5), ctx());
    const updated = await client.updateCart(CUSTOMER, { ...cart, lineItems: [{ ...cart.lineItems[0], quantity: 9 }] }, ctx());
    expect(updated.lineItems[0].quantity).toBe(9);

    await client.checkout(CUSTOMER, cart.id, ctx());
    const refused = await client.updateCart(CUSTOMER, updated, ctx()).catch((e) => e);
    expect(refused).toBeInstanceOf(PartnerCenterBusinessError);
    expect(refused.status).toBe(400);
  });
});

describe('checkout', () => {
  it('yields one order per order group, some completed and some pending, and the cart becomes Ordered', async () => {
    const client = clientFor();
    const cart = await client.createCart(CUSTOMER, DOCS_LINE_ITEMS, ctx());
    const result = await client.checkout(CUSTOMER, cart.id, ctx());

    expect(result.orderErrors).toEqual([]);
    expect(result.orders).toHaveLength(new Set(cart.lineItems.map((l) => l.orderGroup)).size);
    const statuses = result.orders.map((o) => o.status);
    expect(statuses).toContain('completed');
    expect(statuses).toContain('pending');
    const azurePlanOrder = result.orders.find((o) => o.lineItems.some((l) => l.offerId === 'DZH318Z0BPS6:0001:DZH318Z0BPS6'));
    expect(azurePlanOrder?.status).toBe('completed');
    expect(azurePlanOrder?.lineItems[0].subscriptionId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await client.getCart(CUSTOMER, cart.id, ctx())).status).toBe('Ordered');
  });

  it('does not retry a checkout whose response was dropped (the workflow reads the cart first); asked again with the same MS-RequestId it buys nothing twice', async () => {
    const client = clientFor({ maxTransientRetries: 2 });
    const cart = await client.createCart(CUSTOMER, DOCS_LINE_ITEMS, ctx());
    sim.controls.setKnobs({ faults: [{ kind: 'dropAfterCommit', method: 'POST', path: '/checkout$', count: 1 }] });

    // The quick retries other calls get would hide, behind a later refusal, that this attempt may have gone through.
    await expect(client.checkout(CUSTOMER, cart.id, ctx('checkout-step'))).rejects.toBeInstanceOf(PartnerCenterTransientError);
    expect(serviceCalls('/checkout').map((a) => a.requestId)).toEqual(['checkout-step']);
    expect((await client.getCart(CUSTOMER, cart.id, ctx())).status).toBe('Ordered');
    const bought = sim.controls.counts(CUSTOMER).orders;
    expect(bought).toBeGreaterThan(0);

    // The same logical step asked again later (what the workflow does once it has read the cart) gets the orders.
    const result = await client.checkout(CUSTOMER, cart.id, ctx('checkout-step'));
    const attempts = serviceCalls('/checkout');
    expect(attempts.map((a) => a.requestId)).toEqual(['checkout-step', 'checkout-step']);
    expect(attempts.map((a) => a.replayed)).toEqual([false, true]);
    expect(result.orders).toHaveLength(bought);
    expect(sim.controls.counts(CUSTOMER).orders).toBe(bought);
  });

  it('surfaces a repeated checkout refused with 400/800065 when the service is set to reject it', async () => {
    sim.controls.setKnobs({ checkoutReplay: 'reject' });
    const client = clientFor();
    const cart = await client.createCart(CUSTOMER, DOCS_LINE_ITEMS.slice(0, 1), ctx());
    await client.checkout(CUSTOMER, cart.id, ctx());

    const error = await client.checkout(CUSTOMER, cart.id, ctx('second-checkout')).catch((e) => e);
    expect(error).toBeInstanceOf(PartnerCenterBusinessError);
    expect(error).toMatchObject({ status: 400, code: 800065, requestId: 'second-checkout' });
  });

  it('reports a concurrent checkout of the same cart as 409/800064', async () => {
    sim.controls.setKnobs({ checkoutProcessingMs: 300 });
    const client = clientFor();
    const cart = await client.createCart(CUSTOMER, DOCS_LINE_ITEMS.slice(4, 5), ctx());

    const [first, second] = await Promise.allSettled([client.checkout(CUSTOMER, cart.id, ctx()), client.checkout(CUSTOMER, cart.id, ctx())]);
    const outcomes = [first, second].map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as PartnerCenterBusinessError).code));
    expect(outcomes.sort()).toEqual([800064, 'ok'].sort());
  });

  it('cannot check out an expired cart', async () => {
    const client = clientFor();
    const cart = await client.createCart(CUSTOMER, DOCS_LINE_ITEMS.slice(4, 5), ctx());
    sim.controls.advanceClock('8d');

    const error = await client.checkout(CUSTOMER, cart.id, ctx()).catch((e) => e);
    // The simulator's default for an expired cart is 404/800008 ("Unable to retrieve cart ID"), classified by code.
    expect(error).toBeInstanceOf(PartnerCenterNotFoundError);
    expect(error.status).toBe(404);
    expect(error.reason).toBe('cartExpired');
    expect(sim.controls.counts(CUSTOMER).orders).toBe(0);
  });

  it('honours a shorter cart lifetime read from expirationTimestamp', async () => {
    sim.controls.setKnobs({ cartTtlMs: '15m' });
    const cart = await clientFor().createCart(CUSTOMER, DOCS_LINE_ITEMS.slice(0, 1), ctx());
    expect(Date.parse(cart.expirationTimestamp) - Date.parse(cart.creationTimestamp)).toBe(15 * 60_000);
  });
});

describe('orders', () => {
  it('polls a pending order until it completes with subscription ids', async () => {
    const client = clientFor();
    const cart = await client.createCart(CUSTOMER, DOCS_LINE_ITEMS.slice(4, 5), ctx());
    const [order] = (await client.checkout(CUSTOMER, cart.id, ctx())).orders;
    expect(order.status).toBe('pending');

    const seen: string[] = [];
    for (let poll = 0; poll < 5; poll++) {
      const current = await client.getOrder(CUSTOMER, order.id, ctx());
      seen.push(current.status);
      if (current.status === 'completed') {
        expect(current.lineItems[0].subscriptionId).toMatch(/^[0-9a-f-]{36}$/);
        break;
      }
    }
    expect(seen[seen.length - 1]).toBe('completed');
    expect(seen.slice(0, -1).every((s) => s === 'pending')).toBe(true);
  });

  it('answers 404/20000 for an unknown order', async () => {
    const error = await clientFor().getOrder(CUSTOMER, 'ffffffffffff', ctx()).catch((e) => e);
    expect(error).toBeInstanceOf(PartnerCenterNotFoundError);
    expect(error.code).toBe(20000);
  });

  it('lists a customer orders only after the listing delay (the simulator default, 15 minutes)', async () => {
    const client = clientFor();
    const cart = await client.createCart(CUSTOMER, DOCS_LINE_ITEMS, ctx());
    const result = await client.checkout(CUSTOMER, cart.id, ctx());

    expect((await client.listOrders(CUSTOMER, ctx())).totalCount).toBe(0);
    sim.controls.advanceClock('16m');
    const listed = await client.listOrders(CUSTOMER, ctx());
    expect(listed.items.map((o) => o.id).sort()).toEqual(result.orders.map((o) => o.id).sort());
    expect(listed.totalCount).toBe(result.orders.length);
  });
});

describe('path ids', () => {
  const CART = 'f0f0f0f0-0000-4000-8000-000000000000';
  it.each([
    ['getOrder', (c: ReturnType<typeof clientFor>) => c.getOrder(CUSTOMER, '..', ctx()), 'orderId'],
    ['getOrder', (c: ReturnType<typeof clientFor>) => c.getOrder(CUSTOMER, '.', ctx()), 'orderId'],
    ['getOrder', (c: ReturnType<typeof clientFor>) => c.getOrder(CUSTOMER, 'a/../b', ctx()), 'orderId'],
    ['getOrder', (c: ReturnType<typeof clientFor>) => c.getOrder(CUSTOMER, 'ord\r\n1', ctx()), 'orderId'],
    ['getCart', (c: ReturnType<typeof clientFor>) => c.getCart(CUSTOMER, '..', ctx()), 'cartId'],
    ['checkout', (c: ReturnType<typeof clientFor>) => c.checkout(CUSTOMER, 'cart-1', ctx()), 'cartId'],
    ['listOrders', (c: ReturnType<typeof clientFor>) => c.listOrders('..', ctx()), 'customerId'],
    ['createCart', (c: ReturnType<typeof clientFor>) => c.createCart('../customers/other', DOCS_LINE_ITEMS.slice(0, 1), ctx()), 'customerId'],
    ['getCart', (c: ReturnType<typeof clientFor>) => c.getCart(`${CUSTOMER}/..`, CART, ctx()), 'customerId'],
  ])('%s refuses a %s that is not what the API expects, naming it, and sends nothing', async (operation, call, name) => {
    const before = sim.controls.requestLog().length;
    const error = await call(clientFor()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartnerCenterInvalidIdError);
    expect(error).toBeInstanceOf(PartnerCenterBusinessError);
    expect(error).toMatchObject({ operation, kind: 'business', status: undefined });
    expect((error as Error).message).toMatch(new RegExp(`^${name} must be .*the call was not sent`));
    expect((error as Error).message).not.toMatch(/[\r\n]/);
    expect(sim.controls.requestLog()).toHaveLength(before);
  });
});

describe('failures', () => {
  it('returns a 429 to the caller with its Retry-After and does not retry it', async () => {
    sim.controls.setKnobs({ faults: [{ kind: 'status429', path: '/carts$', retryAfterSeconds: 57, count: 1 }] });
    const error = await clientFor({ maxTransientRetries: 3 }).createCart(CUSTOMER, DOCS_LINE_ITEMS.slice(0, 1), ctx('throttled-step')).catch((e) => e);

    expect(error).toBeInstanceOf(PartnerCenterThrottledError);
    expect(error).toMatchObject({ retryAfterSeconds: 57, status: 429, requestId: 'throttled-step', retryable: true });
    expect(serviceCalls('/carts')).toHaveLength(1);
  });

  it('throttles for real once the tenant bucket is empty', async () => {
    sim.controls.setKnobs({ requestsPerMinute: 3 });
    const client = clientFor();
    const results = await Promise.allSettled([0, 1, 2, 3].map(() => client.listOrders(CUSTOMER, ctx())));
    const throttled = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    expect(throttled).toHaveLength(1);
    expect(throttled[0]).toBeInstanceOf(PartnerCenterThrottledError);
    expect(throttled[0].retryAfterSeconds).toBeGreaterThan(0);
  });

  it('retries 5xx quickly with the same MS-RequestId, then gives up with a transient error', async () => {
    sim.controls.setKnobs({ faults: [{ kind: 'status5xx', status: 503, path: '/carts$' }] });
    const retries: number[] = [];
    const client = clientFor({ maxTransientRetries: 2, onRetry: (e) => retries.push(e.attempt) });

    const error = await client.createCart(CUSTOMER, DOCS_LINE_ITEMS.slice(0, 1), ctx('flaky-step')).catch((e) => e);
    expect(error).toBeInstanceOf(PartnerCenterTransientError);
    expect(error).toMatchObject({ status: 503, requestId: 'flaky-step', correlationId: CORRELATION, retryable: true });
    expect(error.message).toContain('flaky-step');
    expect(serviceCalls('/carts').map((c) => c.requestId)).toEqual(['flaky-step', 'flaky-step', 'flaky-step']);
    expect(retries).toEqual([1, 2]);
    expect(sim.controls.counts(CUSTOMER).carts).toBe(0);
  });

  it('recovers from a connection reset by retrying the same request', async () => {
    sim.controls.setKnobs({ faults: [{ kind: 'reset', path: '/carts$', count: 1 }] });
    const cart = await clientFor().createCart(CUSTOMER, DOCS_LINE_ITEMS.slice(0, 1), ctx('reset-step'));
    expect(cart.id).toBeTruthy();
    expect(serviceCalls('/carts').map((c) => [c.requestId, c.status])).toEqual([
      ['reset-step', 0],
      ['reset-step', 201],
    ]);
    expect(sim.controls.counts(CUSTOMER).carts).toBe(1);
  });

  it('times out a call that gets no answer and says so', async () => {
    sim.controls.setKnobs({ faults: [{ kind: 'latency', latencyMs: 1_000, path: '/orders$' }] });
    const error = await clientFor({ timeoutMs: 100, maxTransientRetries: 0 }).listOrders(CUSTOMER, ctx()).catch((e) => e);
    expect(error).toBeInstanceOf(PartnerCenterTransientError);
    expect(error.message).toContain('no answer within 100 ms');
  });

  it('never retries a business error', async () => {
    // Billing longer than the term: Partner Center's 400 / 900270.
    const error = await clientFor({ maxTransientRetries: 3 })
      .createCart(CUSTOMER, [{ catalogItemId: 'DZH318Z0BXWC:0002:DZH318Z0BMRV', quantity: 1, billingCycle: 'annual', termDuration: 'P1M' }], ctx())
      .catch((e) => e);
    expect(error).toBeInstanceOf(PartnerCenterBusinessError);
    expect(error.status).toBe(400);
    expect(sim.controls.requestLog()).toHaveLength(1);
  });

  it.each([
    ['a customer id that is no tenant', { knownCustomers: [] }, PartnerCenterNotFoundError, 404, 60003, 'notFound'],
    ['a tenant without a reseller relationship', { otherTenants: [CUSTOMER] }, PartnerCenterAuthError, 403, 20002, 'notAuthorized'],
    ['a caller without the permission', { accessDenied: 'insufficientPrivileges' }, PartnerCenterAuthError, 403, 900308, 'notAuthorized'],
    ['an app-only token where App+User is needed', { accessDenied: 'appOnlyAuthentication' }, PartnerCenterAuthError, 403, 900329, 'notAuthorized'],
  ] as const)('types the refusal of %s once, without retrying it', async (_what, knobs, type, status, code, reason) => {
    sim.controls.setKnobs(knobs);
    const error = await clientFor({ maxTransientRetries: 3 }).createCart(CUSTOMER, [DOCS_LINE_ITEMS[0]], ctx()).catch((e) => e);
    expect(error).toBeInstanceOf(type);
    expect([error.status, error.code, error.reason, error.retryable]).toEqual([status, code, reason, false]);
    expect(sim.controls.requestLog().map((e) => e.status)).toEqual([status]);
  });

  it('types a 403/404 business refusal at checkout as a refusal naming its code, not as an auth or not-found failure', async () => {
    const client = clientFor({ maxTransientRetries: 3 });
    const cart = await client.createCart(CUSTOMER, [DOCS_LINE_ITEMS[4]], ctx());
    sim.controls.setCatalogItem(DOCS_LINE_ITEMS[4].catalogItemId, { checkoutRefusal: { status: 403, code: 13605, description: 'The customer must accept the Microsoft Customer Agreement', times: 1 } });
    const mca = await client.checkout(CUSTOMER, cart.id, ctx()).catch((e) => e);
    sim.controls.setCatalogItem(DOCS_LINE_ITEMS[4].catalogItemId, { checkoutRefusal: { status: 404, code: 400019, description: 'Availability not found', times: 1 } });
    const availability = await client.checkout(CUSTOMER, cart.id, ctx()).catch((e) => e);

    for (const [error, status, code] of [[mca, 403, 13605], [availability, 404, 400019]] as const) {
      expect(error).toBeInstanceOf(PartnerCenterBusinessError);
      expect([error.status, error.code, error.reason, error.retryable, error.operation]).toEqual([status, code, 'refused', false, 'checkout']);
    }
    expect(mca.description).toBe('The customer must accept the Microsoft Customer Agreement');
    // Each refusal answered once: not retried.
    expect(sim.controls.requestLog().map((e) => e.status)).toEqual([201, 403, 404]);
    expect(sim.controls.counts(CUSTOMER)).toMatchObject({ checkouts: 0, orders: 0 });
  });

  it('types a 403 business refusal of cart creation as a refusal (403/800089)', async () => {
    sim.controls.setCatalogItem(DOCS_LINE_ITEMS[0].catalogItemId, { createRefusal: { status: 403, code: 800089, description: 'asset limit per customer' } });
    const error = await clientFor().createCart(CUSTOMER, [DOCS_LINE_ITEMS[0]], ctx()).catch((e) => e);
    expect(error).toBeInstanceOf(PartnerCenterBusinessError);
    expect([error.status, error.code, error.reason]).toEqual([403, 800089, 'refused']);
  });

  it('surfaces an offer quantity limit as a business refusal naming the line (400/900275)', async () => {
    sim.controls.setCatalogItem('DZH318Z0BPS6:0001:DZH318Z0BPS6', {}, { maxQuantity: 1 });
    const error = await clientFor().createCart(CUSTOMER, [{ ...DOCS_LINE_ITEMS[0], quantity: 2 }], ctx()).catch((e) => e);
    expect(error).toBeInstanceOf(PartnerCenterBusinessError);
    expect([error.status, error.code, error.reason]).toEqual([400, 900275, 'refused']);
    expect(error.description).toMatch(/^The requested quantity for line item 0 is not within the allowed quantity/);
  });
});

describe('authentication', () => {
  const TENANT = '11111111-2222-4333-8444-555555555555';
  let keySim: PartnerCenterSimulator;
  let privateKey: KeyObject;

  function jwt(claims: Record<string, unknown>): string {
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
    return `${header}.${payload}.${signature}`;
  }
  const now = () => Math.floor(Date.now() / 1000);
  const validToken = () => jwt({ aud: 'https://api.partnercenter.microsoft.com', tid: TENANT, appid: 'app', iat: now(), exp: now() + 3600 });

  beforeAll(async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    privateKey = pair.privateKey;
    const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid: 'k1', use: 'sig', alg: 'RS256' };
    keySim = await startPartnerCenterSimulator({ port: 0, auth: { mode: 'jwt', jwks: { keys: [jwk] }, tenantId: TENANT }, knobs: { knownCustomers: [CUSTOMER] } });
  });

  afterAll(async () => {
    await keySim.stop();
  });

  /** Hands out the given tokens in turn and records what the client reported as refused. */
  function tokenSequence(...sequence: string[]): PartnerCenterTokenProvider & { invalidated: string[] } {
    const invalidated: string[] = [];
    let index = 0;
    return {
      invalidated,
      getToken: async () => sequence[Math.min(index, sequence.length - 1)],
      invalidate(token) {
        invalidated.push(token);
        index++;
      },
    };
  }

  it('drops a refused token once and succeeds with a fresh one', async () => {
    const expired = jwt({ aud: 'https://api.partnercenter.microsoft.com', tid: TENANT, iat: now() - 7200, exp: now() - 3600 });
    const fresh = validToken();
    const tokens = tokenSequence(expired, fresh);
    const client = createPartnerCenterClient({ baseUrl: keySim.url, tokenProvider: tokens });

    const orders = await client.listOrders(CUSTOMER, ctx());
    expect(orders.totalCount).toBe(0);
    expect(tokens.invalidated).toEqual([expired]);
    expect(keySim.controls.requestLog().map((e) => e.status)).toEqual([401, 200]);
  });

  it('gives up with an auth error when the fresh token is refused too', async () => {
    keySim.controls.reset();
    const wrongAudience = jwt({ aud: 'https://graph.windows.net', tid: TENANT, iat: now(), exp: now() + 3600 });
    const tokens = tokenSequence(wrongAudience);
    const client = createPartnerCenterClient({ baseUrl: keySim.url, tokenProvider: tokens });

    const error = await client.listOrders(CUSTOMER, ctx('auth-step')).catch((e) => e);
    expect(error).toBeInstanceOf(PartnerCenterAuthError);
    expect(error).toMatchObject({ status: 401, requestId: 'auth-step', retryable: false });
    expect(tokens.invalidated).toHaveLength(1);
    expect(keySim.controls.requestLog()).toHaveLength(2);
    expect(error.message).not.toContain(wrongAudience);
  });
});

describe('request headers', () => {
  // The simulator's request log records ids and statuses but not every header; this plain loopback server records
  // the raw headers the client sends so each one can be checked. It stands in for nothing under test.
  it('sends every Partner Center header on a call, and a bodiless checkout', async () => {
    const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
    const recorder = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        // An answer needs an order or an order group's error (parseCheckoutResult); this one refuses its only group.
        res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ orders: [], orderErrors: [{ orderGroupId: '0', code: 800087, description: 'There is an issue with the line item' }] }));
      });
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    try {
      const client = createPartnerCenterClient({
        baseUrl: `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`,
        tokenProvider: staticTokenProvider('header-token'),
        applicationName: 'contoso-erp-bridge',
        locale: 'de-DE',
      });
      const cartId = '5a2e1f3c-0000-4000-8000-00000000c0de';
      await client.checkout(CUSTOMER, cartId, { requestId: 'req-1', correlationId: 'corr-1' });

      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ method: 'POST', url: `/v1/customers/${CUSTOMER}/carts/${cartId}/checkout`, body: '' });
      expect(seen[0].headers).toMatchObject({
        authorization: 'Bearer header-token',
        accept: 'application/json',
        'ms-requestid': 'req-1',
        'ms-correlationid': 'corr-1',
        'x-locale': 'de-DE',
        'ms-partnercenter-application': 'contoso-erp-bridge',
        // headers.md: "Required. Specifies the version of the API requested; generally api-version: v1".
        'ms-contract-version': 'v1',
        'content-length': '0',
      });
    } finally {
      await new Promise((resolve) => recorder.close(resolve));
    }
  });
});
