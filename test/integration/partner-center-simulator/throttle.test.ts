// Throttling as Partner Center documents it: N requests per minute per partner tenant (optionally per tenant and
// customer), refused requests counting too, Retry-After saying when the request would really be admitted, the
// service's 429 body; and the admitted/refused counts the control API reports.
import type { PartnerCenterSimulator } from '../../../local/partner-center-simulator';
import { createThrottle, type ThrottleSettings } from '../../../local/partner-center-simulator/throttle';
import { CUSTOMER, OTHER_CUSTOMER, clientFor, startSimulator, type SimulatorClient } from './simulatorClient';

let sim: PartnerCenterSimulator;
let client: SimulatorClient;

beforeAll(async () => ({ sim, client } = await startSimulator()));
afterAll(() => sim.stop());
beforeEach(() => sim.controls.reset());

const CART_ID = '3e22b548-647d-4223-9675-1fcb6cb57665';
const TENANT_A = 'aaaaaaaa-0000-4000-8000-000000000000';
const TENANT_B = 'bbbbbbbb-0000-4000-8000-000000000000';
/** 'any' mode reads the (unverified) tid of a JWT-shaped token as the partner tenant. */
const tokenOfTenant = (tid: string) => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ tid })).toString('base64url')}.x`;
const statuses = async (count: number, token?: string, on: SimulatorClient = client) => {
  const result: number[] = [];
  for (let i = 0; i < count; i++) result.push((await on.getCart(CART_ID, { token })).status);
  return result;
};

describe('over HTTP', () => {
  it('defaults to the documented 500 requests per minute per partner tenant, refused requests counting', () => {
    expect(sim.controls.knobs()).toMatchObject({ requestsPerMinute: 500, requestBurst: null, throttleScope: 'partnerTenant', throttleCountsRefused: true });
  });

  it('answers 429 with the service body and a Retry-After after which the request is admitted', async () => {
    sim.controls.setKnobs({ requestsPerMinute: 3 });

    expect(await statuses(3)).toEqual([404, 404, 404]);
    const throttled = await client.getCart(CART_ID);

    expect(throttled.status).toBe(429);
    // The three admitted calls leave the 60 s window only after a minute.
    expect(throttled.headers.get('retry-after')).toBe('60');
    expect(throttled.body).toEqual({ statusCode: 429, message: 'Rate limit is exceeded. Try again in 60 seconds.' });
    expect(throttled.headers.get('ms-requestid')).toBeTruthy();
    sim.controls.advanceClock('59s');
    expect(await statuses(1)).toEqual([429]);
    sim.controls.advanceClock('60s');
    expect(await statuses(1)).toEqual([404]);
  });

  it('counts refused requests against the limit, so retries before Retry-After push admission back', async () => {
    sim.controls.setKnobs({ requestsPerMinute: 2 });
    expect(await statuses(2)).toEqual([404, 404]);
    const first = await client.getCart(CART_ID);
    sim.controls.advanceClock('30s');
    const second = await client.getCart(CART_ID);
    sim.controls.advanceClock('15s');
    const third = await client.getCart(CART_ID);

    expect([first.status, second.status, third.status]).toEqual([429, 429, 429]);
    expect(first.headers.get('retry-after')).toBe('60');
    expect(second.headers.get('retry-after')).toBe('30');
    // At 45 s the window holds the refused calls at 30 s and 45 s: admission at 90 s, not at 60 s.
    expect(third.headers.get('retry-after')).toBe('45');
    sim.controls.advanceClock('44s');
    expect(await statuses(1)).toEqual([429]);
    sim.controls.advanceClock('61s');
    expect(await statuses(1)).toEqual([404]);
  });

  it('does not count refused requests when throttleCountsRefused is off', async () => {
    sim.controls.setKnobs({ requestsPerMinute: 2, throttleCountsRefused: false });
    expect(await statuses(3)).toEqual([404, 404, 429]);
    sim.controls.advanceClock('30s');
    const again = await client.getCart(CART_ID);
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('30');
    sim.controls.advanceClock('30s');
    expect(await statuses(2)).toEqual([404, 404]);
  });

  it('keeps separate limits per partner tenant', async () => {
    sim.controls.setKnobs({ requestsPerMinute: 2 });
    expect(await statuses(3, tokenOfTenant(TENANT_A))).toEqual([404, 404, 429]);
    expect(await statuses(3, tokenOfTenant(TENANT_B))).toEqual([404, 404, 429]);
  });

  it('keeps separate limits per partner tenant and customer when throttleScope says so', async () => {
    sim.controls.setKnobs({ requestsPerMinute: 2, throttleScope: 'partnerTenantAndCustomer' });
    const other = clientFor(sim, OTHER_CUSTOMER);
    expect(await statuses(3)).toEqual([404, 404, 429]);
    expect(await statuses(3, undefined, other)).toEqual([404, 404, 429]);

    sim.controls.setKnobs({ throttleScope: 'partnerTenant' });
    expect(await statuses(2)).toEqual([404, 404]);
    expect(await statuses(1, undefined, other)).toEqual([429]);
  });

  it('reports admitted and refused calls per tenant, per operation and per minute', async () => {
    sim.controls.setKnobs({ requestsPerMinute: 2 });
    await client.createCart({ lineItems: [] });
    expect(await statuses(2)).toEqual([404, 429]);
    await statuses(1, tokenOfTenant(TENANT_A));

    const report = (await client.control('GET', '/throttling')).body;
    expect(report.settings).toEqual({ requestsPerMinute: 2, burst: null, scope: 'partnerTenant', countsRefused: true });
    const tenants = Object.keys(report.tenants);
    expect(tenants).toHaveLength(2);
    const ownTenant = tenants.find((t) => t !== TENANT_A)!;
    expect(report.tenants[ownTenant]).toMatchObject({
      admitted: 2,
      refused: 1,
      operations: { createCart: { admitted: 1, refused: 0 }, getCart: { admitted: 1, refused: 1 } },
      peakAdmittedIn60s: 2,
    });
    const minutes = report.tenants[ownTenant].minutes as { minute: string; admitted: number; refused: number }[];
    expect(minutes.reduce((sum, m) => sum + m.admitted, 0)).toBe(2);
    expect(minutes.every((m) => m.minute.endsWith(':00.000Z'))).toBe(true);
    expect(report.tenants[TENANT_A]).toMatchObject({ admitted: 1, refused: 0, operations: { getCart: { admitted: 1, refused: 0 } } });
  });

  it('never throttles the control API, and 0 switches throttling off', async () => {
    sim.controls.setKnobs({ requestsPerMinute: 1 });
    await statuses(1);
    for (let i = 0; i < 5; i++) expect((await client.control('GET', '/counts')).status).toBe(200);

    sim.controls.setKnobs({ requestsPerMinute: 0 });
    expect(await statuses(20)).toEqual(Array(20).fill(404));
    expect(Object.values(sim.controls.throttling().tenants)).toEqual([expect.objectContaining({ admitted: 20, refused: 0 })]);
  });

  it('names a bad throttling knob', async () => {
    const reply = await client.control('PATCH', '/knobs', { requestBurst: 0, throttleScope: 'customer', throttleCountsRefused: 'yes' });
    expect(reply.status).toBe(400);
    expect(reply.body.data).toEqual([
      'requestBurst: expected null or a whole number from 1 to 1000000000, got 0',
      'throttleScope: expected one of "partnerTenant", "partnerTenantAndCustomer", got "customer"',
      'throttleCountsRefused: expected true or false, got "yes"',
    ]);
  });
});

describe('the limiter on its own clock', () => {
  const settings = (over: Partial<ThrottleSettings> = {}): ThrottleSettings => ({ requestsPerMinute: 500, burst: null, scope: 'partnerTenant', countsRefused: true, ...over });
  const take = (throttle: ReturnType<typeof createThrottle>, customerId = CUSTOMER) => throttle.take({ tenantId: TENANT_A, customerId, operation: 'getOrder' });

  it('admits at most the rate in any 60 s, however the calls are spread', () => {
    let now = 0;
    const throttle = createThrottle(settings({ requestsPerMinute: 100 }), () => now);
    // One call every 100 ms for 10 minutes: 6,000 attempts, at most 100 admitted per sliding minute.
    for (let i = 0; i < 6000; i++, now += 100) take(throttle);
    const report = throttle.report().tenants[TENANT_A];
    expect(report.peakAdmittedIn60s).toBe(100);
    expect(report.admitted + report.refused).toBe(6000);
    expect(report.minutes).toHaveLength(10);
    expect(report.minutes.every((m) => m.admitted <= 100)).toBe(true);
  });

  it('with a burst below the rate, admits at most the burst in burst/rate minutes', () => {
    const now = 0;
    const throttle = createThrottle(settings({ requestsPerMinute: 600, burst: 10 }), () => now);
    const decisions = Array.from({ length: 11 }, () => take(throttle));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    // 10 per second: the eleventh waits one second.
    expect(decisions[10]).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('keeps a refused request in the window, so a retry before Retry-After is refused for longer', () => {
    let now = 0;
    const throttle = createThrottle(settings({ requestsPerMinute: 10, burst: 2 }), () => now);
    expect([take(throttle), take(throttle)].every((d) => d.allowed)).toBe(true);
    now = 6_000;
    expect(take(throttle)).toEqual({ allowed: false, retryAfterSeconds: 6 });
    // The burst window (2 per 12 s) now holds the refused call too: admission once both calls at 6 s have left it.
    expect(take(throttle)).toEqual({ allowed: false, retryAfterSeconds: 12 });
    now = 17_999;
    expect(take(throttle).allowed).toBe(false);
    now = 30_000;
    expect(take(throttle)).toEqual({ allowed: true });
  });
});
