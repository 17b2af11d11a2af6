// The app's process dies while orders wait for slots in the partner tenant's Partner Center budget. The budget entity
// and the orders' timers live in the durable store, so a new process on the same store picks every order up: each is
// bought once and answered once, and the budget goes on handing out slots where it stopped.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildRuntimeHandle } from '../../local/runtime';
import { orderInstanceId } from '../../shared/orders';
import { validOrder } from '../fixtures/orders/requests';
import { customerIdFor, getJson, postJson, respawnApp, resultsFor, startE2eStack, waitFor, type E2eStack } from './stack';

const storeDirectory = mkdtempSync(path.join(os.tmpdir(), 'e2e-pacing-crash-store-'));
let stack: E2eStack;
let restarted: ChildRuntimeHandle | undefined;
// Two calls a second, one at a time: four orders need several seconds of slots, so some are always waiting. The real
// clock, because the virtual one would jump every wait before the process could be killed.
// Orders are polled every 2 s at first, as under `npm start`, so the real clock does not wait a minute per poll.
const BUDGET = { PARTNER_CENTER_BUDGET_PER_MINUTE: '120', PARTNER_CENTER_BUDGET_BURST: '1', ORDER_POLL_INITIAL_INTERVAL: 'PT2S', ORDER_POLL_MAX_INTERVAL: 'PT4S' };

beforeAll(async () => {
  stack = await startE2eStack({ store: { kind: 'file', directory: storeDirectory }, clock: 'real', settings: BUDGET });
}, 60_000);

afterAll(async () => {
  await restarted?.stop();
  await stack?.stop();
  rmSync(storeDirectory, { recursive: true, force: true });
});

it('every order completes, bought once, when the app is killed while orders wait for budget and a new process resumes', async () => {
  const orders = [1, 2, 3, 4].map((n) => validOrder({ orderId: `SO-PACE-${n}`, customerId: customerIdFor(`pacing-crash-${n}`) }));
  for (const order of orders) expect((await postJson(`${stack.runtime.apiBaseUrl}/orders`, order)).status).toBe(202);

  const waiting = await waitFor('an order waiting for Partner Center budget', async () => {
    for (const order of orders) {
      const view = await getJson(`${stack.runtime.apiBaseUrl}/orders/${order.orderId}`);
      if (view.body.waitingFor === 'partnerCenterBudget') return order.orderId;
    }
    return undefined;
  });
  expect(waiting).toMatch(/^SO-PACE-/);
  await stack.runtime.kill();

  restarted = await respawnApp(stack, storeDirectory, 'real');
  for (const order of orders) {
    const final = await restarted.waitForInstance(orderInstanceId(order.orderId), { timeoutMs: 60_000 }).catch(async (error: Error) => {
      const view = await getJson(`${restarted?.apiBaseUrl}/orders/${order.orderId}`);
      throw new Error(`${error.message}; status: ${JSON.stringify(view.body)}; entity: ${JSON.stringify((await getJson(`${restarted?.durableApiUrl}/entities/partnerCenterBudget`)).body)}`);
    });
    expect({ order: order.orderId, status: final.runtimeStatus }).toEqual({ order: order.orderId, status: 'Completed' });
    const results = resultsFor(stack, order.orderId).map((m) => m.subject);
    expect({ order: order.orderId, results }).toEqual({ order: order.orderId, results: ['submitted', 'completed'] });
    expect({ order: order.orderId, counts: stack.simulator.controls.counts(order.customerId) }).toMatchObject({ order: order.orderId, counts: { carts: 1, checkouts: 1 } });
  }
}, 120_000);
