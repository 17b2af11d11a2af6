// The app's process dies while Partner Center is committing a checkout; a new process on the same durable store picks
// the order up. The checkout activity runs again with the same MS-RequestId, Partner Center (the simulator) answers it
// from its replay store, and the order is bought once.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildRuntimeHandle } from '../../local/runtime';
import { orderInstanceId } from '../../shared/orders';
import { validOrder } from '../fixtures/orders/requests';
import { customerIdFor, postJson, respawnApp, resultsFor, simulatorCalls, startE2eStack, waitFor, type E2eStack } from './stack';

const storeDirectory = mkdtempSync(path.join(os.tmpdir(), 'e2e-crash-store-'));
let stack: E2eStack;
let restarted: ChildRuntimeHandle | undefined;

beforeAll(async () => {
  stack = await startE2eStack({ store: { kind: 'file', directory: storeDirectory } });
}, 60_000);

afterAll(async () => {
  await restarted?.stop();
  await stack?.stop();
  rmSync(storeDirectory, { recursive: true, force: true });
});

it('buys once when the app process is killed during checkout and a new process resumes from the durable store', async () => {
  const customerId = customerIdFor('crash-during-checkout');
  const order = validOrder({ orderId: 'SO-CRASH-1', customerId });
  // The checkout is held at the simulator; the process dies while it waits. The simulator commits it anyway.
  stack.simulator.controls.setKnobs({ faults: [{ kind: 'latency', method: 'POST', path: '/checkout$', count: 1, latencyMs: 800 }] });

  expect((await postJson(`${stack.runtime.apiBaseUrl}/orders`, order)).status).toBe(202);
  await waitFor('the checkout to reach the simulator', () => (simulatorCalls(stack, customerId, 'POST', /\/checkout$/).length === 1 ? true : undefined));
  await stack.runtime.kill();
  await waitFor('the held checkout to be committed', () => (stack.simulator.controls.counts(customerId).checkouts === 1 ? true : undefined));

  restarted = await respawnApp(stack, storeDirectory);
  const final = await restarted.waitForInstance(orderInstanceId(order.orderId), { timeoutMs: 30_000 });

  expect(final.runtimeStatus).toBe('Completed');
  expect(resultsFor(stack, order.orderId).map((m) => m.subject)).toEqual(['submitted', 'completed']);
  const checkouts = simulatorCalls(stack, customerId, 'POST', /\/checkout$/);
  expect(checkouts.map((c) => c.replayed)).toEqual([false, true]);
  expect(checkouts[1].requestId).toBe(checkouts[0].requestId);
  expect(simulatorCalls(stack, customerId, 'POST', /\/carts$/)).toHaveLength(1);
  const counts = stack.simulator.controls.counts(customerId);
  expect(counts).toMatchObject({ carts: 1, checkouts: 1 });
  expect((resultsFor(stack, order.orderId)[1].body as { orders: unknown[] }).orders).toHaveLength(counts.orders);
}, 60_000);
