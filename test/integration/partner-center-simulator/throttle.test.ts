// Throttling over real HTTP: a token bucket per partner tenant on the simulator clock, answered with the service's
// 429 body and Retry-After.
import type { PartnerCenterSimulator } from '../../../local/partner-center-simulator';
import { startSimulator, type SimulatorClient } from './simulatorClient';

let sim: PartnerCenterSimulator;
let client: SimulatorClient;

beforeAll(async () => ({ sim, client } = await startSimulator()));
afterAll(() => sim.stop());
beforeEach(() => sim.controls.reset());

const CART_ID = '3e22b548-647d-4223-9675-1fcb6cb57665';
/** 'any' mode reads the (unverified) tid of a JWT-shaped token as the partner tenant. */
const tokenOfTenant = (tid: string) => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ tid })).toString('base64url')}.x`;
const statuses = async (count: number, token?: string) => {
  const result: number[] = [];
  for (let i = 0; i < count; i++) result.push((await client.getCart(CART_ID, { token })).status);
  return result;
};

it('defaults to the documented 500 requests per minute per tenant', () => {
  expect(sim.controls.knobs().requestsPerMinute).toBe(500);
});

it('answers 429 with Retry-After and the service body once the bucket is empty, and refills with the clock', async () => {
  sim.controls.setKnobs({ requestsPerMinute: 3 });

  expect(await statuses(3)).toEqual([404, 404, 404]);
  const throttled = await client.getCart(CART_ID);

  expect(throttled.status).toBe(429);
  expect(throttled.headers.get('retry-after')).toBe('20');
  expect(throttled.body).toEqual({ statusCode: 429, message: 'Rate limit is exceeded. Try again in 20 seconds.' });
  expect(throttled.headers.get('ms-requestid')).toBeTruthy();
  sim.controls.advanceClock('20s');
  expect(await statuses(2)).toEqual([404, 429]);
});

it('keeps a separate bucket per partner tenant', async () => {
  sim.controls.setKnobs({ requestsPerMinute: 2 });
  const tenantA = tokenOfTenant('aaaaaaaa-0000-4000-8000-000000000000');
  const tenantB = tokenOfTenant('bbbbbbbb-0000-4000-8000-000000000000');

  expect(await statuses(3, tenantA)).toEqual([404, 404, 429]);
  expect(await statuses(3, tenantB)).toEqual([404, 404, 429]);
});

it('never throttles the control API, and 0 switches throttling off', async () => {
  sim.controls.setKnobs({ requestsPerMinute: 1 });
  await statuses(1);
  for (let i = 0; i < 5; i++) expect((await client.control('GET', '/counts')).status).toBe(200);

  sim.controls.setKnobs({ requestsPerMinute: 0 });
  expect(await statuses(20)).toEqual(Array(20).fill(404));
});
