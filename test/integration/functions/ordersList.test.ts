// GET /api/orders over a few hundred instances in the local runtime: the real trigger, the real Durable instance query
// (filters, top, continuation tokens) over real sockets. The instances come from a stand-in processOrder (see
// test/fixtures/orders-list-app/index.ts for why), each with the input, custom status and output the real one has.
import path from 'node:path';
import { spawnLocalRuntime, type ChildRuntimeHandle } from '../../../local/runtime';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const CUSTOMERS = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];
const PER_DAY = 150;
const DAY_MS = 24 * 3600 * 1000;

interface Seeded {
  orderId: string;
  customerId: string;
  day: 1 | 2;
  outcome: string | null;
  stage: string;
  waitingFor: string | null;
}

let runtime: ChildRuntimeHandle;
const seeded: Seeded[] = [];
let day2Start: Date;

/** Five kinds of order, spread over customers and days. */
function seedFor(n: number, day: 1 | 2): Seeded & { input: unknown } {
  const orderId = `LIST-${String(n).padStart(4, '0')}`;
  const customerId = CUSTOMERS[n % 3];
  const kind = n % 5;
  const base = { orderId, cartId: `cart-${n}`, cartExpiresAt: null, orders: [], attempts: { cart: 1, checkout: 0, polls: 0 }, lastError: null, nextCheckAt: null, outcome: null };
  const outcomeOf = (status: string) => ({
    kind: 'outcome', status, orderId, customerId, instanceId: `order-${orderId}`, cartId: `cart-${n}`, orders: [], errors: [],
    receivedAt: '2026-03-02T09:00:00.000Z', submittedAt: null, finishedAt: '2026-03-02T09:05:00.000Z',
  });
  const fake =
    kind === 0 ? { customStatus: { ...base, stage: 'finished', waitingFor: null, outcome: 'completed' }, output: outcomeOf('completed'), waits: false }
    : kind === 1 ? { customStatus: { ...base, stage: 'finished', waitingFor: null, outcome: 'failed', lastError: 'refused' }, output: outcomeOf('failed'), waits: false }
    : kind === 2 ? { customStatus: { ...base, stage: 'waitingForOrders', waitingFor: 'peopleToAct', nextCheckAt: '2026-03-02T10:00:00.000Z' }, waits: true }
    : kind === 3 ? { customStatus: { ...base, stage: 'creatingCart', cartId: null, waitingFor: null }, waits: true }
    : { customStatus: { ...base, stage: 'waitingForOrders', waitingFor: 'orders', nextCheckAt: '2026-03-02T09:02:00.000Z' }, waits: true };
  const outcome = kind === 0 ? 'completed' : kind === 1 ? 'failed' : null;
  const stage = fake.customStatus.stage;
  return {
    orderId, customerId, day, outcome, stage, waitingFor: fake.customStatus.waitingFor,
    input: { request: { orderId, customerId, lineItems: [{ catalogItemId: 'CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5', quantity: 1, billingCycle: 'monthly', termDuration: 'P1Y' }] }, fake },
  };
}

async function startOrders(from: number, to: number, day: 1 | 2): Promise<void> {
  const all = [];
  for (let n = from; n < to; n++) all.push(seedFor(n, day));
  for (let i = 0; i < all.length; i += 25) {
    await Promise.all(
      all.slice(i, i + 25).map(async ({ input, ...seed }) => {
        const response = await fetch(`${runtime.rpcBaseUrl}orchestrators/processOrder/order-${seed.orderId}`, {
          method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input),
        });
        if (response.status !== 202) throw new Error(`start ${seed.orderId}: ${response.status}`);
        seeded.push(seed);
      }),
    );
  }
}

beforeAll(async () => {
  runtime = await spawnLocalRuntime({
    appRoot: REPO_ROOT,
    appEntry: 'test/fixtures/orders-list-app/index.ts',
    clock: { kind: 'virtual', start: '2026-03-02T08:00:00Z', autoAdvance: false },
    logLevel: 'warning',
  });
  await startOrders(0, PER_DAY, 1);
  await runtime.runUntilIdle();
  await runtime.advanceClock(DAY_MS);
  day2Start = await runtime.now();
  await startOrders(PER_DAY, 2 * PER_DAY, 2);
  await runtime.runUntilIdle();
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
});

type Page = { orders: { orderId: string; outcome: string | null; stage: string; waitingFor: string | null; createdAt: string }[]; continuationToken: string | null };

async function list(query: Record<string, string>): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(`${runtime.apiBaseUrl}/orders?${new URLSearchParams(query)}`);
  return { status: response.status, body: await response.json() };
}

/** Follows continuation tokens to the end; returns every page. */
async function allPages(query: Record<string, string>): Promise<Page[]> {
  const pages: Page[] = [];
  let token: string | null = null;
  do {
    const { status, body } = await list(token ? { ...query, continuationToken: token } : query);
    expect(status).toBe(200);
    pages.push(body as Page);
    token = (body as Page).continuationToken;
    if (pages.length > 100) throw new Error('the listing never ends');
  } while (token);
  return pages;
}

const idsOf = (pages: Page[]) => pages.flatMap((p) => p.orders.map((o) => o.orderId)).sort();
const expectedIds = (keep: (s: Seeded) => boolean) => seeded.filter(keep).map((s) => s.orderId).sort();

test('without filters: every order exactly once, in pages of pageSize, the last one without a token', async () => {
  expect(seeded).toHaveLength(300);
  const pages = await allPages({ pageSize: '100' });
  expect(pages.map((p) => p.orders.length)).toEqual([100, 100, 100]);
  expect(pages.at(-1)!.continuationToken).toBeNull();
  expect(idsOf(pages)).toEqual(expectedIds(() => true));
});

test('an entry is the same view as GET /api/orders/{orderId}', async () => {
  const { body } = await list({ orderIdPrefix: 'LIST-0007', pageSize: '5' });
  expect(body.orders).toHaveLength(1);
  const single = await (await fetch(`${runtime.apiBaseUrl}/orders/LIST-0007`)).json();
  expect(body.orders[0]).toEqual(single);
  expect(single).toMatchObject({ orderId: 'LIST-0007', instanceId: 'order-LIST-0007', stage: 'waitingForOrders', waitingFor: 'peopleToAct', outcome: null });
});

test('outcome=failed: exactly the failed orders, pages never larger than pageSize', async () => {
  const pages = await allPages({ outcome: 'failed', pageSize: '25' });
  expect(pages.every((p) => p.orders.length <= 25)).toBe(true);
  expect(pages.flatMap((p) => p.orders).every((o) => o.outcome === 'failed')).toBe(true);
  expect(idsOf(pages)).toEqual(expectedIds((s) => s.outcome === 'failed'));
  expect(idsOf(pages)).toHaveLength(60);
});

test('one customer, waiting for people, created on the second day', async () => {
  const customerId = CUSTOMERS[1];
  const pages = await allPages({ customerId: customerId.toUpperCase(), waitingFor: 'peopleToAct', createdFrom: day2Start.toISOString(), pageSize: '7' });
  const want = expectedIds((s) => s.customerId === customerId && s.waitingFor === 'peopleToAct' && s.day === 2);
  expect(want.length).toBeGreaterThan(5);
  expect(idsOf(pages)).toEqual(want);
});

test('stage and outcome together are either; createdTo bounds the first day', async () => {
  const pages = await allPages({ stage: 'creatingCart', outcome: 'completed', createdTo: new Date(day2Start.getTime() - 1).toISOString(), pageSize: '50' });
  expect(idsOf(pages)).toEqual(expectedIds((s) => s.day === 1 && (s.stage === 'creatingCart' || s.outcome === 'completed')));
  expect(idsOf(pages)).toHaveLength(60);
});

test('orderIdPrefix is case-insensitive and runs on the instance-id prefix', async () => {
  const pages = await allPages({ orderIdPrefix: 'list-01', pageSize: '30' });
  expect(idsOf(pages)).toEqual(expectedIds((s) => s.orderId.startsWith('LIST-01')));
  expect(idsOf(pages)).toHaveLength(100);
  expect(pages.map((p) => p.orders.length)).toEqual([30, 30, 30, 10]);
});

test('bad queries are 400s naming the parameter; a token is bound to its filters', async () => {
  const bad = await list({ outcome: 'done', pageSize: '1000', createdFrom: 'yesterday', customerId: 'acme', colour: 'red' });
  expect(bad.status).toBe(400);
  expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['colour', 'createdFrom', 'customerId', 'outcome', 'pageSize']);
  const first = await list({ outcome: 'completed', pageSize: '10' });
  expect(first.body.continuationToken).toEqual(expect.any(String));
  const other = await list({ outcome: 'failed', pageSize: '10', continuationToken: first.body.continuationToken });
  expect(other.status).toBe(400);
  expect(other.body.errors).toEqual([{ field: 'continuationToken', message: expect.stringMatching(/other filters/) }]);
  const garbage = await list({ continuationToken: 'not-a-token' });
  expect(garbage.status).toBe(400);
  expect(garbage.body.errors[0].field).toBe('continuationToken');
});

test('a token whose backend position was tampered with is a 400 naming continuationToken, and the host keeps serving', async () => {
  // The token's filter digest is recomputable by anyone, so a caller can keep it and change the backend position (b):
  // a CR/LF would break the x-ms-continuation-token header, a well-formed bogus value is refused by the backend.
  const first = await list({ pageSize: '10' });
  expect(first.status).toBe(200);
  const real = JSON.parse(Buffer.from(first.body.continuationToken, 'base64url').toString('utf8'));
  expect(real).toMatchObject({ b: expect.any(String), s: expect.any(Number), t: 10 });
  const withBackend = (b: string) => Buffer.from(JSON.stringify({ ...real, b }), 'utf8').toString('base64url');

  const crlf = await list({ pageSize: '10', continuationToken: withBackend('MTA=\r\nX-Injected: 1') });
  const tooLong = await list({ pageSize: '10', continuationToken: withBackend('A'.repeat(4097)) });
  const bogus = await list({ pageSize: '10', continuationToken: withBackend('bogus-position') });

  expect([crlf.status, tooLong.status, bogus.status]).toEqual([400, 400, 400]);
  for (const answer of [crlf, tooLong]) {
    expect(answer.body).toEqual({
      error: 'the continuationToken is not valid',
      errors: [{ field: 'continuationToken', message: expect.stringContaining('its backend position must be printable ASCII of at most 4096 characters') }],
    });
  }
  expect(bogus.body).toEqual({
    error: 'the continuationToken is not valid',
    errors: [{ field: 'continuationToken', message: expect.stringContaining('the order store did not accept its backend position') }],
  });
  // The same listing from its real token, and a fresh one, still answer.
  const resumed = await list({ pageSize: '10', continuationToken: first.body.continuationToken });
  expect(resumed.status).toBe(200);
  expect(resumed.body.orders).toHaveLength(10);
  expect(resumed.body.orders[0].orderId).not.toBe(first.body.orders[0].orderId);
  expect((await list({ pageSize: '10' })).body.orders.map((o: { orderId: string }) => o.orderId)).toEqual(first.body.orders.map((o: { orderId: string }) => o.orderId));
});
