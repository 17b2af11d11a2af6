// What Partner Center can do to an order, through the whole app: a checkout answer lost after the purchase was made,
// line items it refuses, an order group it cannot order, and throttling. The simulator produces each one; the app
// runs unchanged in the local runtime.
import { EventType, type HistoryEvent } from '../../local/runtime';
import { orderInstanceId } from '../../shared/orders';
import { BUSINESS_BASIC, M365_E3, PERPETUAL_SOFTWARE, validOrder } from '../fixtures/orders/requests';
import { customerIdFor, runOrderOverHttp, simulatorCalls, useE2eStack } from './stack';

const stack = useE2eStack();

const CHECKOUT = /\/carts\/[^/]+\/checkout$/;
const CARTS = /\/carts$/;

it('completes with the orders of one checkout when the checkout answer is dropped after Partner Center committed it', async () => {
  const customerId = customerIdFor('drop-after-commit');
  stack.simulator.controls.setKnobs({ faults: [{ kind: 'dropAfterCommit', method: 'POST', path: '/checkout$', count: 1 }] });

  const { final, results, outcome } = await runOrderOverHttp(stack, validOrder({ orderId: 'SO-PC-1', customerId }));

  expect(final.runtimeStatus).toBe('Completed');
  expect(results.map((m) => m.subject)).toEqual(['submitted', 'completed']);
  const checkouts = simulatorCalls(stack, customerId, 'POST', CHECKOUT);
  expect(checkouts).toHaveLength(2);
  expect(checkouts[0]).toMatchObject({ status: 0, faults: ['dropAfterCommit'], replayed: false });
  expect(checkouts[1]).toMatchObject({ status: 201, replayed: true, requestIdSupplied: true });
  expect(checkouts[1].requestId).toBe(checkouts[0].requestId);
  // One checkout's orders: the retry created nothing.
  const counts = stack.simulator.controls.counts(customerId);
  expect(counts).toMatchObject({ carts: 1, checkouts: 1 });
  expect(outcome.orders).toHaveLength(counts.orders);
  expect(outcome.orders.map((o: { status: string }) => o.status)).toEqual(outcome.orders.map(() => 'completed'));
}, 60_000);

it('fails an order whose line item Partner Center refuses, naming the item, without checking out', async () => {
  const customerId = customerIdFor('unknown-item');
  const order = validOrder({
    orderId: 'SO-PC-2',
    customerId,
    lineItems: [
      { catalogItemId: M365_E3, quantity: 1, billingCycle: 'monthly', termDuration: 'P1Y' },
      { catalogItemId: 'CFQ7TTC0ZZZZ:0001:CFQ7TTC0ZZZZ', quantity: 2, billingCycle: 'monthly', termDuration: 'P1Y' },
    ],
  });

  const { final, results, outcome } = await runOrderOverHttp(stack, order);

  expect(final.runtimeStatus).toBe('Completed');
  expect(results.map((m) => m.subject)).toEqual(['failed']);
  expect(outcome).toMatchObject({ status: 'failed', orders: [], submittedAt: null });
  expect(outcome.cartId).toEqual(expect.any(String));
  expect(outcome.errors).toHaveLength(1);
  expect(outcome.errors[0]).toMatchObject({ source: 'lineItem', lineItemIndex: 1, codeNumber: 10001 });
  expect(outcome.errors[0].description).toMatch(/catalog/i);
  expect(simulatorCalls(stack, customerId, 'POST', CHECKOUT)).toEqual([]);
  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 0, orders: 0 });
}, 60_000);

it('reports partiallyCompleted with the order group error when one group fails at checkout and the other completes', async () => {
  const customerId = customerIdFor('partial-checkout');
  stack.simulator.controls.setCatalogItem(BUSINESS_BASIC, { checkoutFailure: { code: 800005, description: 'Create order is not successful (simulated).' } });
  const order = validOrder({
    orderId: 'SO-PC-3',
    customerId,
    lineItems: [
      { catalogItemId: BUSINESS_BASIC, quantity: 3, billingCycle: 'annual', termDuration: 'P1Y' },
      { catalogItemId: PERPETUAL_SOFTWARE, quantity: 1, billingCycle: 'one_time' },
    ],
  });

  const { final, results, outcome } = await runOrderOverHttp(stack, order);

  expect(final.runtimeStatus).toBe('Completed');
  expect(results.map((m) => m.subject)).toEqual(['submitted', 'partiallyCompleted']);
  expect(outcome.status).toBe('partiallyCompleted');
  expect(outcome.orders).toHaveLength(1);
  expect(outcome.orders[0]).toMatchObject({ status: 'completed', billingCycle: 'one_time' });
  expect(outcome.orders[0].lineItems.map((l: { offerId: string }) => l.offerId)).toEqual([PERPETUAL_SOFTWARE]);
  expect(outcome.orders[0].lineItems[0].subscriptionId).toEqual(expect.any(String));
  expect(outcome.errors).toEqual([{ source: 'orderGroup', orderGroupId: expect.any(String), code: 800005, description: 'Create order is not successful (simulated).' }]);
  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 1, orders: 1 });
}, 60_000);

it('fails without a submitted milestone when every order group fails at checkout', async () => {
  const customerId = customerIdFor('all-groups-fail');
  stack.simulator.controls.setCatalogItem(BUSINESS_BASIC, { checkoutFailure: { code: 800005, description: 'Create order is not successful (simulated).' } });
  const order = validOrder({ orderId: 'SO-PC-5', customerId, lineItems: [{ catalogItemId: BUSINESS_BASIC, quantity: 1, billingCycle: 'monthly', termDuration: 'P1M' }] });

  const { final, results, outcome } = await runOrderOverHttp(stack, order);

  expect(final.runtimeStatus).toBe('Completed');
  // Checkout answered 201 but created no order: nothing was submitted, so the ERP hears only the failure.
  expect(simulatorCalls(stack, customerId, 'POST', CHECKOUT).map((c) => c.status)).toEqual([201]);
  expect(results.map((m) => m.subject)).toEqual(['failed']);
  expect(outcome).toMatchObject({ status: 'failed', orders: [], submittedAt: null });
  expect(outcome.errors).toEqual([{ source: 'orderGroup', orderGroupId: expect.any(String), code: 800005, description: 'Create order is not successful (simulated).' }]);
  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, orders: 0 });
}, 60_000);

/** The instant of the orchestrator episode each event was recorded in (its OrchestratorStarted timestamp). */
function episodeTimes(history: HistoryEvent[]): Map<HistoryEvent, number> {
  const at = new Map<HistoryEvent, number>();
  let episodeStart = NaN;
  for (const event of history) {
    if (event.EventType === EventType.OrchestratorStarted) episodeStart = Date.parse(event.Timestamp);
    at.set(event, episodeStart);
  }
  return at;
}

it('waits out 429s on durable timers that fire Retry-After later, then completes', async () => {
  const customerId = customerIdFor('throttled');
  const throttled = [
    { activity: 'createCart', method: 'POST', path: '/carts$', retryAfterSeconds: 45 },
    { activity: 'checkoutCart', method: 'POST', path: '/checkout$', retryAfterSeconds: 90 },
    // A poll: longer than the polling interval (2 minutes at that point), so Retry-After decides the wait.
    { activity: 'getOrder', method: 'GET', path: '/orders/[^/]+$', retryAfterSeconds: 600 },
  ];
  stack.simulator.controls.setKnobs({ faults: throttled.map(({ method, path, retryAfterSeconds }) => ({ kind: 'status429', method, path, count: 1, retryAfterSeconds })) });

  const { final, results } = await runOrderOverHttp(stack, validOrder({ orderId: 'SO-PC-4', customerId }));

  expect(final.runtimeStatus).toBe('Completed');
  expect(results.map((m) => m.subject)).toEqual(['submitted', 'completed']);
  // Each throttled write was sent again with its MS-RequestId, after the wait.
  for (const path of [CARTS, CHECKOUT]) {
    const calls = simulatorCalls(stack, customerId, 'POST', path);
    expect(calls.map((c) => c.status)).toEqual([429, 201]);
    expect(calls[1].requestId).toBe(calls[0].requestId);
  }
  expect(simulatorCalls(stack, customerId, 'GET', /\/orders\/[^/]+$/)[0].status).toBe(429);

  // Each activity returned the 429 as a value at once; the orchestrator then waited on a timer set Retry-After later.
  const history = await stack.runtime.getHistory(orderInstanceId('SO-PC-4'));
  const episodeAt = episodeTimes(history);
  const scheduled = new Map(history.filter((e) => e.EventType === EventType.TaskScheduled).map((e) => [e.EventId, e.Name]));
  const throttledResults = history.filter((e) => e.EventType === EventType.TaskCompleted && JSON.parse(e.Result ?? 'null')?.failure?.reason === 'throttled');
  expect(throttledResults.map((e) => scheduled.get(e.TaskScheduledId!))).toEqual(throttled.map((t) => t.activity));
  const timers = history.filter((e) => e.EventType === EventType.TimerCreated);
  throttled.forEach(({ retryAfterSeconds }, index) => {
    const next = timers.find((t) => history.indexOf(t) > history.indexOf(throttledResults[index]))!;
    // Retry-After plus the order's jitter (up to RETRY_JITTER, 5 s).
    const waited = Date.parse(next.FireAt!) - episodeAt.get(next)!;
    expect(waited).toBeGreaterThanOrEqual(retryAfterSeconds * 1000);
    expect(waited).toBeLessThanOrEqual(retryAfterSeconds * 1000 + 5_000);
    // The throttled result was processed in the same episode that created the timer: no activity slept in between.
    expect(episodeAt.get(throttledResults[index])).toBe(episodeAt.get(next));
  });
  expect(history.filter((e) => e.EventType === EventType.TaskScheduled && e.Name === 'createCart')).toHaveLength(2);
  expect(history.filter((e) => e.EventType === EventType.TaskScheduled && e.Name === 'checkoutCart')).toHaveLength(2);
}, 60_000);
