// Fault suite: the app's process is killed (SIGKILL) at seeded moments while orders are in flight, with the durable
// state in a file store; each time a new process resumes from it. Every order ends once, bought once.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildRuntimeHandle } from '../../local/runtime';
import { orderInstanceId } from '../../shared/orders';
import { validOrder } from '../fixtures/orders/requests';
import { customerIdFor, postJson, respawnApp, startE2eStack, waitFor, type E2eStack } from '../e2e/stack';
import { checkLedgers, seededRandom, SUITE_SETTINGS, type ErpOrder } from './ledgers';

const storeDirectory = mkdtempSync(path.join(os.tmpdir(), 'reliability-crash-store-'));
let stack: E2eStack;
let current: ChildRuntimeHandle;
const extra: ChildRuntimeHandle[] = [];

beforeAll(async () => {
  stack = await startE2eStack({ store: { kind: 'file', directory: storeDirectory }, settings: SUITE_SETTINGS });
  current = stack.runtime;
}, 60_000);

afterAll(async () => {
  for (const runtime of extra) await runtime.stop().catch(() => undefined);
  await stack?.stop();
  rmSync(storeDirectory, { recursive: true, force: true });
});

it('SIGKILL at three seeded moments (counted in Partner Center calls) while six orders are in flight: each ends once, bought once', async () => {
  const random = seededRandom('sigkill');
  const orders: ErpOrder[] = Array.from({ length: 6 }, (_, i) => ({ orderId: `SO-CRASH-${i}`, customerId: customerIdFor(`reliability-crash-${i}`) }));
  // Some Partner Center answers are slow, so kills land inside calls as well as between them.
  stack.simulator.controls.setKnobs({ faultSeed: Math.floor(random() * 2 ** 32), faults: [{ kind: 'latency', path: '/customers/', rate: 0.3, latencyMs: 150 }] });
  await Promise.all(orders.map((o) => postJson(`${current.apiBaseUrl}/orders`, validOrder(o)).then((r) => expect(r.status).toBe(202))));

  for (let kill = 0; kill < 3; kill++) {
    const at = stack.simulator.controls.requestLog().length + 1 + Math.floor(random() * 12);
    const reached = await waitFor(`Partner Center call ${at}`, () => (stack.simulator.controls.requestLog().length >= at ? true : undefined), 20_000).catch(() => false);
    await current.kill();
    console.log(`reliability: SIGKILL ${kill + 1} after ${stack.simulator.controls.requestLog().length} Partner Center calls (aimed at ${at}${reached ? '' : ', orders had gone quiet'})`);
    current = await respawnApp(stack, storeDirectory);
    extra.push(current);
  }
  await Promise.all(orders.map((o) => current.waitForInstance(orderInstanceId(o.orderId), { timeoutMs: 60_000 })));
  await current.runUntilIdle();
  stack.simulator.controls.setKnobs({ faults: [] });

  const outcomes = await checkLedgers({ ...stack, runtime: current }, orders);
  expect(orders.map((o) => outcomes.get(o.orderId)?.status)).toEqual(orders.map(() => 'completed'));
}, 180_000);
