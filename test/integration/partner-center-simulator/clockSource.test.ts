// A simulator given a clock source (the local runtime's virtual clock, in a local stack) never falls behind it.
import { startPartnerCenterSimulator, type PartnerCenterSimulator } from '../../../local/partner-center-simulator';
import { clientFor, line, TEST_CUSTOMERS } from './simulatorClient';

const DAY_MS = 86_400_000;
let sim: PartnerCenterSimulator | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

it('moves its clock forward to the source before a request, so a cart made then is not already expired', async () => {
  const sourceMs = Date.now() + 10 * DAY_MS;
  sim = await startPartnerCenterSimulator({ port: 0, clockSource: async () => sourceMs, knobs: { knownCustomers: TEST_CUSTOMERS } });
  const reply = await clientFor(sim).createCart({ lineItems: [line('DZH318Z0BPS6:0001:DZH318Z0BPS6', 'monthly')] });

  expect(reply.status).toBe(201);
  expect(Date.parse(reply.body.creationTimestamp)).toBeGreaterThanOrEqual(sourceMs);
  expect(Date.parse(reply.body.expirationTimestamp) - Date.parse(reply.body.creationTimestamp)).toBe(7 * DAY_MS);
});

it('never moves back to a source that is behind it, and keeps serving when the source cannot be read', async () => {
  let source: () => Promise<number> = async () => Date.now() - DAY_MS;
  sim = await startPartnerCenterSimulator({ port: 0, clockSource: () => source(), knobs: { knownCustomers: TEST_CUSTOMERS } });
  sim.controls.advanceClock('2d');
  const ahead = sim.controls.now();
  const client = clientFor(sim);

  expect((await client.listOrders()).status).toBe(200);
  expect(sim.controls.now()).toBeGreaterThanOrEqual(ahead);
  expect(sim.controls.now() - Date.now()).toBeGreaterThan(DAY_MS);

  source = async () => {
    throw new Error('the runtime process is gone');
  };
  const reply = await client.listOrders();
  expect(reply.status).toBe(200);
  expect(sim.controls.requestLog().map((e) => e.status)).toEqual([200, 200]);
});

it('stands still with its source, so throttling windows pass only as the source moves', async () => {
  let sourceMs = Date.now() + DAY_MS;
  sim = await startPartnerCenterSimulator({ port: 0, clockSource: async () => sourceMs, knobs: { requestsPerMinute: 2, knownCustomers: TEST_CUSTOMERS } });
  const client = clientFor(sim);

  expect((await client.listOrders()).status).toBe(200);
  expect((await client.listOrders()).status).toBe(200);
  const refused = await client.listOrders();
  expect(refused.status).toBe(429);
  expect(refused.headers.get('retry-after')).toBe('60');
  // Real time passes; the source does not: the simulator clock has not moved and the window is still full.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(sim.controls.now()).toBe(sourceMs);
  expect((await client.listOrders()).status).toBe(429);

  // Both refused calls (at the source's time) count: a minute of source time later all four have left the window.
  sourceMs += 60_000;
  expect((await client.listOrders()).status).toBe(200);
  expect(sim.controls.now()).toBe(sourceMs);
  expect(sim.controls.throttling().tenants).toEqual({ [Object.keys(sim.controls.throttling().tenants)[0]]: expect.objectContaining({ admitted: 3, refused: 2 }) });
});
