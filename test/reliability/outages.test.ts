// Fault suite: outages of Partner Center, Entra ID and Key Vault longer than the old retry window (~75 s), measured on
// the stepped virtual clock: the test moves time from timer to timer and ends each outage at a fixed simulated time.
import { orderInstanceId } from '../../shared/orders';
import { validOrder } from '../fixtures/orders/requests';
import { EventType } from '../../local/runtime';
import { advanceToNextTimer, customerIdFor, postJson } from '../e2e/stack';
import { checkLedgers, seededRandom, useReliabilityStack, type ErpOrder } from './ledgers';

const stack = useReliabilityStack({ clock: { kind: 'virtual', autoAdvance: false } });

/**
 * Posts the order and runs it timer by timer, calling `tick` with the simulated time since the post before the post
 * and after every step, so the test can start and end outages at simulated moments. Returns the simulated time taken.
 */
async function runStepped(order: ErpOrder, tick: (elapsedMs: number) => void): Promise<number> {
  const startedAt = (await stack.runtime.now()).getTime();
  tick(0);
  const accepted = await postJson(`${stack.runtime.apiBaseUrl}/orders`, validOrder(order));
  expect(accepted.status).toBe(202);
  const instanceId = orderInstanceId(order.orderId);
  for (let steps = 0; steps < 1_000; steps++) {
    await stack.runtime.runUntilIdle();
    const elapsed = (await stack.runtime.now()).getTime() - startedAt;
    tick(elapsed);
    const status = (await (await fetch(`${stack.runtime.durableApiUrl}/instances/${instanceId}`)).json()) as { runtimeStatus: string };
    if (['Completed', 'Failed', 'Terminated'].includes(status.runtimeStatus)) return elapsed;
    await advanceToNextTimer(stack, instanceId);
  }
  throw new Error(`${order.orderId} did not finish in 1,000 timer steps`);
}

/** Turns a stand-in's failure on or off only when its state changes. */
function toggle(set: (down: boolean) => void): (down: boolean) => void {
  let current: boolean | undefined;
  return (down) => {
    if (down !== current) set(down);
    current = down;
  };
}

const partnerCenterReads = (customerId: string) => ({ kind: 'status5xx' as const, status: 503, method: 'GET', path: `/customers/${customerId}/` });

// First in the file: the app has not fetched its secret or a token yet, so the credential chain meets the outage.
it('Key Vault down for 100 s and Entra ID for 400 s from the start: the order meets and waits out each, and completes', async () => {
  const order = { orderId: 'SO-OUTAGE-CRED', customerId: customerIdFor('reliability-credentials-outage') };
  const keyVault = toggle((down) => stack.identity.keyVault.controls.failNextRequests(down ? 1_000_000 : 0));
  const entraId = toggle((down) => stack.identity.entraId.controls.failNextTokenRequests(down ? 1_000_000 : 0));

  const took = await runStepped(order, (elapsed) => {
    keyVault(elapsed < 100_000);
    entraId(elapsed < 400_000);
  });

  expect(took).toBeGreaterThan(400_000);
  const outcomes = await checkLedgers(stack, [order]);
  expect(outcomes.get(order.orderId)?.status).toBe('completed');
  const history = await stack.runtime.getHistory(orderInstanceId(order.orderId));
  const waits = history.filter((e) => e.EventType === EventType.TaskCompleted && JSON.parse(e.Result ?? 'null')?.failure?.reason === 'credentialsUnavailable');
  const said = waits.map((e) => JSON.parse(e.Result ?? 'null').failure.message as string);
  expect(said.some((m) => m.startsWith('Key Vault'))).toBe(true);
  expect(said.some((m) => m.startsWith('Entra ID'))).toBe(true);
}, 120_000);

it('Partner Center down (503 to everything) for 5 minutes from the start: the order waits it out and completes', async () => {
  const customerId = customerIdFor('reliability-pc-outage');
  const order = { orderId: 'SO-OUTAGE-PC', customerId };
  const partnerCenter = toggle((down) => stack.simulator.controls.setKnobs({ faults: down ? [{ kind: 'status5xx', status: 503, path: `/customers/${customerId}/` }] : [] }));

  const took = await runStepped(order, (elapsed) => partnerCenter(elapsed < 300_000));

  expect(took).toBeGreaterThan(300_000);
  const outcomes = await checkLedgers(stack, [order]);
  expect(outcomes.get(order.orderId)?.status).toBe('completed');
  expect(stack.simulator.controls.requestLog().filter((r) => r.path.includes(customerId) && r.status === 503).length).toBeGreaterThan(3);
}, 120_000);

it('a lost checkout answer, then Partner Center reads down for a seeded 90 s to 11 min: the order recovers its own orders, bought once', async () => {
  const random = seededRandom('lost-answer-then-outage');
  const outageMs = 90_000 + Math.floor(random() * 600_000);
  const customerId = customerIdFor('reliability-lost-then-outage');
  const order = { orderId: 'SO-LOST-OUTAGE', customerId };
  // The checkout commits and its answer is lost (checkout gets no quick retry: the workflow reads the cart next); every
  // read from then on meets the outage, until the test lifts it outageMs of simulated time after the answer was lost.
  const lostAnswer = { kind: 'dropAfterCommit' as const, method: 'POST', path: `/customers/${customerId}/carts/[^/]+/checkout$`, count: 1 };
  let lostAt: number | undefined;
  const took = await runStepped(order, (elapsed) => {
    if (elapsed === 0) return void stack.simulator.controls.setKnobs({ faults: [lostAnswer, partnerCenterReads(customerId)] });
    lostAt ??= elapsed;
    if (elapsed - lostAt >= outageMs) stack.simulator.controls.setKnobs({ faults: [] });
  });

  expect(took).toBeGreaterThanOrEqual(outageMs);
  const log = stack.simulator.controls.requestLog().filter((r) => r.path.includes(customerId));
  expect(log.filter((r) => r.faults.includes('dropAfterCommit'))).toHaveLength(1);
  // The lost answer is followed by cart reads (which meet the outage), never by a blind second checkout.
  const lost = log.findIndex((r) => r.faults.includes('dropAfterCommit'));
  const nextCheckout = log.findIndex((r, i) => i > lost && r.method === 'POST' && r.path.endsWith('/checkout'));
  const between = log.slice(lost + 1, nextCheckout === -1 ? undefined : nextCheckout);
  expect(between.length).toBeGreaterThan(0);
  expect(between.every((r) => r.method === 'GET')).toBe(true);
  expect(log.filter((r) => r.method === 'GET' && r.status === 503).length).toBeGreaterThan(0);
  const outcomes = await checkLedgers(stack, [order]);
  expect(outcomes.get(order.orderId)?.status).toBe('completed');
  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 1 });
}, 120_000);
