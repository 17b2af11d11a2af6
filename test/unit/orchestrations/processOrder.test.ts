// processOrder step by step on the local runtime's replay engine: the test answers every activity as Partner Center,
// the broker and the host would, and moves the clock from timer to timer. Waits, throttling, outages, recovery and
// cancels in detail are in processOrderWaits.test.ts.
import './durableHost';
import { EventType } from '../../../local/runtime/durable/historyEvents';
import { CANCEL_EVENT, type ProcessOrderInput } from '../../../orchestrations';
import type { SubmittedMilestone } from '../../../shared/orders';
import { CUSTOMER_ID } from '../../fixtures/orders/requests';
import {
  DAY_MS,
  INSTANCE_ID,
  START,
  cartAlreadySubmitted,
  cartBusy,
  cartCreated,
  cartExpired,
  cartReady,
  checkedOut,
  names,
  newOrderReplay,
  order,
  orderRead,
  ordered,
  pcFailure,
  published,
  publishedAs,
  secondsBetween,
  status,
  submitted,
  throttled,
} from './scenario';

describe('processOrder happy path', () => {
  test('creates, checks out, publishes the milestone, polls the pending order and publishes completed', async () => {
    const replay = newOrderReplay();
    await replay.start();
    expect(replay.activity('createCart').input).toEqual({ instanceId: INSTANCE_ID, attempt: 1, request: (replay.input as ProcessOrderInput).request });
    expect(status(replay)).toMatchObject({ stage: 'creatingCart', orderId: 'SO-10001', attempts: { cart: 1, checkout: 0, polls: 0 }, waitingFor: null, nextCheckAt: null });

    await cartReady(replay, cartCreated());
    expect(replay.activity('checkoutCart').input).toEqual({ instanceId: INSTANCE_ID, customerId: CUSTOMER_ID, cartId: 'cart-1' });
    expect(status(replay)).toMatchObject({ stage: 'checkingOut', cartId: 'cart-1', cartExpiresAt: new Date(START.getTime() + 7 * DAY_MS).toISOString() });

    await replay.completeActivity('checkoutCart', submitted([order('ord-1', 'pending'), order('ord-2', 'completed', 'one_time', 'sub-2')]));
    const milestone = replay.activity('publishResult').input as SubmittedMilestone;
    expect(milestone).toEqual({
      kind: 'submitted',
      orderId: 'SO-10001',
      customerId: CUSTOMER_ID,
      instanceId: INSTANCE_ID,
      cartId: 'cart-1',
      orders: [order('ord-1', 'pending'), order('ord-2', 'completed', 'one_time', 'sub-2')],
      errors: [],
      submittedAt: replay.now.toISOString(),
    });

    await replay.completeActivity('publishResult', publishedAs(`${INSTANCE_ID}:submitted`));
    const [firstPoll] = replay.openTimers();
    // ORDER_POLL_INITIAL_INTERVAL's default, PT30S.
    expect(secondsBetween(replay.now, firstPoll.fireAt)).toBe(30);
    expect(status(replay)).toMatchObject({
      stage: 'waitingForOrders',
      waitingFor: 'orders',
      nextCheckAt: firstPoll.fireAt,
      orders: [{ id: 'ord-1', status: 'pending' }, { id: 'ord-2', status: 'completed' }],
    });

    await replay.fireTimer();
    // Only the pending order is read again.
    expect(replay.activity('getOrder').input).toEqual({ instanceId: INSTANCE_ID, customerId: CUSTOMER_ID, orderId: 'ord-1', announce: { erpOrderId: 'SO-10001', previousStatus: 'pending', polledAt: replay.now.toISOString() } });
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'pending')));
    // The interval doubles after a round that read every order.
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(60);
    expect(status(replay).attempts.polls).toBe(1);

    await replay.fireTimer();
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'completed', 'monthly', 'sub-1')));
    const outcome = published(replay);
    expect(outcome).toEqual({
      kind: 'outcome',
      status: 'completed',
      orderId: 'SO-10001',
      customerId: CUSTOMER_ID,
      instanceId: INSTANCE_ID,
      cartId: 'cart-1',
      orders: [order('ord-1', 'completed', 'monthly', 'sub-1'), order('ord-2', 'completed', 'one_time', 'sub-2')],
      errors: [],
      receivedAt: START.toISOString(),
      submittedAt: milestone.submittedAt,
      finishedAt: replay.now.toISOString(),
    });
    expect(status(replay)).toMatchObject({ stage: 'publishing', waitingFor: null, nextCheckAt: null });

    await replay.completeActivity('publishResult', publishedAs(`${INSTANCE_ID}:completed`));
    expect(replay.isDone).toBe(true);
    expect(replay.runtimeStatus).toBe('Completed');
    expect(replay.output).toEqual(outcome);
    expect(status(replay)).toMatchObject({ stage: 'finished', outcome: 'completed' });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'publishResult', 'getOrder', 'getOrder', 'publishResult']);
  });

  test('mixed final statuses end partiallyCompleted, naming the order that failed', async () => {
    const replay = newOrderReplay();
    await checkedOut(replay, [order('ord-1', 'pending'), order('ord-2', 'pending', 'one_time')]);
    await replay.fireTimer();
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'completed', 'monthly', 'sub-1')));
    await replay.completeActivity('getOrder', orderRead(order('ord-2', 'error', 'one_time')));
    expect(published(replay)).toMatchObject({
      status: 'partiallyCompleted',
      orders: [{ id: 'ord-1', status: 'completed' }, { id: 'ord-2', status: 'error' }],
      errors: [{ source: 'workflow', reason: 'orderNotCompleted', message: 'Partner Center order ord-2 ended with status error' }],
    });
  });

  test('a suspended order settles: polling stops and the outcome is partiallyCompleted (bought, not usable), never failed', async () => {
    const replay = newOrderReplay();
    await checkedOut(replay, [order('ord-1', 'pending'), order('ord-2', 'pending', 'one_time')]);
    await replay.fireTimer();
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'suspended', 'monthly', 'sub-1')));
    await replay.completeActivity('getOrder', orderRead(order('ord-2', 'completed', 'one_time', 'sub-2')));
    expect(published(replay)).toMatchObject({
      kind: 'outcome',
      status: 'partiallyCompleted',
      orders: [{ id: 'ord-1', status: 'suspended', lineItems: [{ subscriptionId: 'sub-1' }] }, { id: 'ord-2', status: 'completed' }],
      errors: [
        {
          source: 'workflow',
          reason: 'orderNotCompleted',
          message: 'Partner Center order ord-1 ended with status suspended: it was bought and is billed, but its subscription is suspended (not usable) until the partner reactivates it',
        },
      ],
    });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'publishResult', 'getOrder', 'getOrder', 'publishResult']);
  });

  test('an order reading `unknown` is polled on, the status says so, and it settles when Partner Center tells', async () => {
    const replay = newOrderReplay({ ORDER_POLL_INITIAL_INTERVAL: 'PT30S' });
    await checkedOut(replay, [order('ord-1', 'pending')]);
    await replay.fireTimer();
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'unknown')));
    expect(replay.openActivities().map((a) => a.name)).toEqual([]);
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(60);
    expect(status(replay)).toMatchObject({
      stage: 'waitingForOrders',
      waitingFor: 'orders',
      orders: [{ id: 'ord-1', status: 'unknown' }],
      lastError: 'Partner Center reports status unknown for order ord-1; asking again',
    });
    await replay.fireTimer();
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'completed', 'monthly', 'sub-1')));
    expect(published(replay)).toMatchObject({ status: 'completed', orders: [{ id: 'ord-1', status: 'completed' }], errors: [] });
    expect(status(replay).lastError).toBeNull();
  });

  test('an order still `unknown` at the deadline ends timedOut naming it, never failed', async () => {
    const replay = newOrderReplay({ ORDER_POLL_INITIAL_INTERVAL: 'PT30S', ORDER_POLL_MAX_INTERVAL: 'PT2M', ORDER_POLL_DEADLINE: 'PT10M' });
    await checkedOut(replay, [order('ord-1', 'pending')]);
    let polls = 0;
    while (replay.openTimers().length > 0) {
      await replay.fireTimer();
      if (replay.openActivities().some((a) => a.name === 'getOrder')) {
        polls++;
        await replay.completeActivity('getOrder', orderRead(order('ord-1', 'unknown')));
      }
    }
    expect(polls).toBeGreaterThan(3);
    const deadline = new Date(START.getTime() + 600_000).toISOString();
    expect(published(replay)).toMatchObject({
      status: 'timedOut',
      orders: [{ id: 'ord-1', status: 'unknown' }],
      errors: [
        { source: 'workflow', reason: 'orderNotCompleted', message: 'Partner Center order ord-1 still had status unknown: Partner Center has not said whether it was bought; check Partner Center' },
        { source: 'workflow', reason: 'deadlinePassed', message: `orders had not settled by the deadline ${deadline}` },
      ],
    });
  });

  test('every order failing ends failed', async () => {
    const replay = newOrderReplay();
    await checkedOut(replay, [order('ord-1', 'pending')]);
    await replay.fireTimer();
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'cancelled')));
    expect(published(replay)).toMatchObject({
      status: 'failed',
      orders: [{ id: 'ord-1', status: 'cancelled' }],
      errors: [{ source: 'workflow', reason: 'orderNotCompleted', message: 'Partner Center order ord-1 ended with status cancelled' }],
    });
  });

  test('a checkout whose every order group was refused ends failed without a submitted milestone', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await cartReady(replay);
    const groupError = { orderGroupId: '0', code: 800005, description: "Create order isn't successful" };
    await replay.completeActivity('checkoutCart', submitted([], [groupError]));
    expect(published(replay)).toMatchObject({ kind: 'outcome', status: 'failed', orders: [], submittedAt: null, errors: [{ source: 'orderGroup', ...groupError }] });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'publishResult']);
  });
});

describe('processOrder cart problems', () => {
  test('line-item errors end the order failed with those errors; nothing is checked out', async () => {
    const replay = newOrderReplay();
    await replay.start();
    const refused = cartCreated();
    if (refused.ok) refused.value.lineItemErrors = [{ lineItemIndex: 1, lineItemId: 1, code: 'CatalogItemIdIsNotValid', codeNumber: 10001, description: 'Catalog item id is not valid' }];
    await replay.completeActivity('createCart', refused);
    expect(published(replay)).toMatchObject({
      status: 'failed',
      cartId: 'cart-1',
      orders: [],
      submittedAt: null,
      errors: [{ source: 'lineItem', lineItemIndex: 1, code: 'CatalogItemIdIsNotValid', codeNumber: 10001, description: 'Catalog item id is not valid' }],
    });
    expect(names(replay)).toEqual(['createCart', 'publishResult']);
  });

  test("a refused cart ends failed with Partner Center's error", async () => {
    const replay = newOrderReplay();
    await replay.start();
    await replay.completeActivity('createCart', pcFailure('refused', 'createCart', 403, '13605', 'Customer must accept the MCA'));
    expect(published(replay)).toMatchObject({
      status: 'failed',
      cartId: null,
      errors: [{ source: 'partnerCenter', reason: 'refused', operation: 'createCart', status: 403, code: '13605', description: 'Customer must accept the MCA' }],
    });
    expect(names(replay)).toEqual(['createCart', 'publishResult']);
  });

  test('a cart too close to expiry is recreated (new attempt, new request id) and the new cart is checked out', async () => {
    const replay = newOrderReplay({ CART_EXPIRY_MARGIN: 'PT5M' });
    await replay.start();
    // A legacy-style 15-minute cart; a long throttling wait eats into its margin.
    await cartReady(replay, cartCreated('cart-1', new Date(START.getTime() + 15 * 60_000).toISOString()));
    await replay.completeActivity('checkoutCart', throttled(700));
    const wait = await replay.fireTimer();
    expect(secondsBetween(START, wait.fireAt)).toBeGreaterThan(700);
    expect(replay.activity('createCart').input).toMatchObject({ attempt: 2 });
    expect(status(replay)).toMatchObject({ stage: 'creatingCart', attempts: { cart: 2 }, lastError: 'cart cart-1 expired before checkout; creating a new cart' });
    await cartReady(replay, cartCreated('cart-2'));
    expect(replay.activity('checkoutCart').input).toMatchObject({ cartId: 'cart-2' });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'createCart', 'checkoutCart']);
  });

  test('checkout answering 404/800008 (cart gone) recreates the cart; after CART_MAX_RECREATIONS the order fails', async () => {
    const replay = newOrderReplay({ CART_MAX_RECREATIONS: '1' });
    await replay.start();
    await cartReady(replay, cartCreated('cart-1'));
    await replay.completeActivity('checkoutCart', cartExpired());
    expect(replay.activity('createCart').input).toMatchObject({ attempt: 2 });
    await cartReady(replay, cartCreated('cart-2'));
    await replay.completeActivity('checkoutCart', cartExpired());
    expect(published(replay)).toMatchObject({
      status: 'failed',
      cartId: 'cart-2',
      errors: [{ source: 'workflow', reason: 'cartsExpired', message: 'no cart could be checked out before it expired (2 carts tried)' }],
    });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'createCart', 'checkoutCart', 'publishResult']);
  });
});

describe('processOrder throttling and Partner Center conflicts', () => {
  test('429 on create waits a durable timer for Retry-After, then repeats the same call', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await replay.completeActivity('createCart', throttled(17, 'createCart'));
    const [timer] = replay.openTimers();
    expect(secondsBetween(replay.now, timer.fireAt)).toBe(17);
    expect(status(replay)).toMatchObject({ stage: 'creatingCart', waitingFor: 'partnerCenterThrottling', nextCheckAt: timer.fireAt, lastError: 'Partner Center throttled the call' });
    await replay.fireTimer();
    expect(replay.scheduled.filter((a) => a.name === 'createCart').map((a) => a.input)).toEqual([
      expect.objectContaining({ attempt: 1 }),
      expect.objectContaining({ attempt: 1 }),
    ]);
    expect(status(replay)).toMatchObject({ waitingFor: null, nextCheckAt: null, attempts: { cart: 1 } });
  });

  test('429 on checkout waits and retries the same cart', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await cartReady(replay, cartCreated());
    await replay.completeActivity('checkoutCart', throttled(45));
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(45);
    await replay.fireTimer();
    expect(replay.activity('checkoutCart').input).toEqual({ instanceId: INSTANCE_ID, customerId: CUSTOMER_ID, cartId: 'cart-1' });
    // The status counts checkout calls; only answered ones count against CHECKOUT_MAX_ATTEMPTS (processOrderWaits).
    expect(status(replay).attempts.checkout).toBe(2);
  });

  test('409/800064 (busy) waits CHECKOUT_BUSY_RETRY_INTERVAL and checks out again', async () => {
    const replay = newOrderReplay({ CHECKOUT_BUSY_RETRY_INTERVAL: 'PT20S' });
    await replay.start();
    await cartReady(replay, cartCreated());
    await replay.completeActivity('checkoutCart', cartBusy());
    const [wait] = replay.openTimers();
    expect(secondsBetween(replay.now, wait.fireAt)).toBe(20);
    expect(status(replay)).toMatchObject({ waitingFor: 'cartBusy', nextCheckAt: wait.fireAt, lastError: 'cart cart-1 is being processed by another request (800064); checking again' });
    await replay.fireTimer();
    await replay.completeActivity('checkoutCart', submitted([order('ord-1', 'completed', 'monthly', 'sub-1')]));
    await replay.completeActivity('publishResult', publishedAs());
    expect(published(replay)).toMatchObject({ kind: 'outcome', status: 'completed' });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'checkoutCart', 'publishResult', 'publishResult']);
  });

  test('400/800065 (already submitted) recovers the orders from the lagging order list instead of failing', async () => {
    const replay = newOrderReplay({ ORDER_RECOVERY_RETRY_INTERVAL: 'PT2M' });
    await replay.start();
    await cartReady(replay, cartCreated());
    await replay.completeActivity('checkoutCart', cartAlreadySubmitted());
    // 800065 is an answer: the next call (the repeat inside findCartOrders) is a new request, sequence 1.
    expect(replay.activity('findCartOrders').input).toEqual({ instanceId: INSTANCE_ID, customerId: CUSTOMER_ID, cartId: 'cart-1', requestSequence: 1 });
    expect(status(replay)).toMatchObject({ stage: 'recoveringOrders', lastError: 'cart cart-1 was already submitted (800065); recovering its orders' });
    await replay.completeActivity('findCartOrders', ordered([], false));
    const [wait] = replay.openTimers();
    expect(secondsBetween(replay.now, wait.fireAt)).toBe(120);
    expect(status(replay)).toMatchObject({ waitingFor: 'orderList', nextCheckAt: wait.fireAt, lastError: expect.stringContaining('not yet in Partner Center') });
    await replay.fireTimer();
    await replay.completeActivity('findCartOrders', ordered([order('ord-9', 'pending')]));
    expect(replay.activity('publishResult').input).toMatchObject({ kind: 'submitted', cartId: 'cart-1', orders: [{ id: 'ord-9' }], errors: [] });
    await replay.completeActivity('publishResult', publishedAs());
    expect(status(replay)).toMatchObject({ stage: 'waitingForOrders', orders: [{ id: 'ord-9', status: 'pending' }], lastError: null });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'findCartOrders', 'findCartOrders', 'publishResult']);
  });

  test('800065 whose orders show up only in part after the recovery window goes on with those, naming the gap', async () => {
    const replay = newOrderReplay({ ORDER_RECOVERY_RETRY_INTERVAL: 'PT5M', ORDER_RECOVERY_WINDOW: 'PT10M' });
    await replay.start();
    await cartReady(replay, cartCreated());
    await replay.completeActivity('checkoutCart', cartAlreadySubmitted());
    // Inside the window a partial list is not trusted: look again.
    await replay.completeActivity('findCartOrders', ordered([order('ord-1', 'pending')], false));
    await replay.fireTimer();
    await replay.completeActivity('findCartOrders', ordered([order('ord-1', 'pending')], false));
    await replay.fireTimer();
    await replay.completeActivity('findCartOrders', ordered([order('ord-1', 'pending')], false));
    expect(replay.activity('publishResult').input).toMatchObject({
      kind: 'submitted',
      orders: [{ id: 'ord-1' }],
      errors: [{ source: 'workflow', reason: 'ordersIncomplete', message: "only some orders of cart cart-1 appeared in Partner Center's order list" }],
    });
  });

  test('800065 whose orders never show up keeps looking, less and less often, and ends unknown at the deadline', async () => {
    const replay = newOrderReplay({ ORDER_RECOVERY_RETRY_INTERVAL: 'PT5M', ORDER_RECOVERY_WINDOW: 'PT10M', ORDER_POLL_DEADLINE: 'PT1H' });
    await replay.start();
    await cartReady(replay, cartCreated());
    await replay.completeActivity('checkoutCart', cartAlreadySubmitted());
    const delays: number[] = [];
    while (replay.openActivities().some((a) => a.name === 'findCartOrders')) {
      await replay.completeActivity('findCartOrders', ordered([], false));
      if (replay.openTimers().length === 0) break;
      const from = replay.now;
      delays.push(secondsBetween(from, (await replay.fireTimer()).fireAt));
    }
    // Every 5 minutes through the 10-minute window, then doubling; the next wait (40 min) would pass the deadline.
    expect(delays).toEqual([300, 300, 300, 600, 1200]);
    expect(published(replay)).toMatchObject({
      status: 'unknown',
      cartId: 'cart-1',
      orders: [],
      errors: [{ source: 'workflow', reason: 'checkoutUnknown', message: expect.stringContaining('whether cart cart-1 was checked out') }],
    });
    expect(names(replay).filter((n) => n === 'checkoutCart')).toHaveLength(1);
  });

  test('partial checkout: orderErrors are kept and the outcome is partiallyCompleted', async () => {
    const replay = newOrderReplay();
    const groupError = { orderGroupId: '1', code: 800005, description: "Create order isn't successful" };
    await checkedOut(replay, [order('ord-1', 'pending')], [groupError]);
    expect(replay.scheduled[2].input).toMatchObject({ kind: 'submitted', errors: [{ source: 'orderGroup', ...groupError }] });
    await replay.fireTimer();
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'completed', 'monthly', 'sub-1')));
    expect(published(replay)).toMatchObject({ status: 'partiallyCompleted', errors: [{ source: 'orderGroup', ...groupError }] });
  });
});

describe('processOrder unexpected failures (Durable retry policy)', () => {
  const retry = (maxAttempts: number, firstRetryMs = 1000) => ({ firstRetryMs, maxAttempts, backoffCoefficient: 2, maxRetryMs: 60_000 });

  test('a failed poll attempt is retried by the host with the same input after the retry interval', async () => {
    const replay = newOrderReplay({}, { activityRetry: retry(3, 5000) });
    await checkedOut(replay, [order('ord-1', 'pending')]);
    await replay.fireTimer();
    const first = replay.activity('getOrder');
    // failActivity answers one step (1 s) after the previous one.
    const failedAt = replay.now.getTime() + 1000;
    await replay.failActivity('getOrder', 'socket hang up');
    const again = replay.activity('getOrder');
    // The runtime's retry timer takes the sequence id after the failed attempt and waits firstRetryMs.
    expect(replay.history().find((e) => e.EventType === EventType.TimerCreated && e.EventId === first.id + 1)?.FireAt).toBe(new Date(failedAt + 5000).toISOString());
    expect(again).toMatchObject({ id: first.id + 2, attempt: 2 });
    expect(again.input).toEqual(first.input);
    expect(replay.now.getTime()).toBe(failedAt + 5000);
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'completed', 'monthly', 'sub-1')));
    expect(published(replay)).toMatchObject({ status: 'completed' });
  });

  test('cart creation failing on every attempt ends the order failed, without the exception text', async () => {
    const replay = newOrderReplay({}, { activityRetry: retry(3) });
    await replay.start();
    await replay.failActivity('createCart', 'connect ECONNRESET 10.0.0.7:443', { untilExhausted: true });
    const outcome = published(replay);
    expect(outcome).toMatchObject({
      status: 'failed',
      cartId: null,
      errors: [{ source: 'workflow', reason: 'activityFailed', message: "the createCart step failed unexpectedly; the app's logs have the error" }],
    });
    expect(JSON.stringify(outcome)).not.toMatch(/ECONNRESET|10\.0\.0\.7/);
    // maxAttempts attempts, then the orchestrator saw the failure; retries are not new calls of the orchestrator.
    expect(replay.history().filter((e) => e.EventType === EventType.TaskScheduled && e.Name === 'createCart')).toHaveLength(3);
    expect(names(replay)).toEqual(['createCart', 'publishResult']);
  });

  test('checkout failing on every attempt does not guess: it reads the cart to find out whether it was ordered', async () => {
    const replay = newOrderReplay({}, { activityRetry: retry(2) });
    await replay.start();
    await cartReady(replay, cartCreated());
    await replay.failActivity('checkoutCart', 'no answer within 60000 ms', { untilExhausted: true });
    // No answer came: the repeat inside findCartOrders is a retry of the same request (no sequence).
    expect(replay.activity('findCartOrders').input).toEqual({ instanceId: INSTANCE_ID, customerId: CUSTOMER_ID, cartId: 'cart-1' });
    expect(status(replay)).toMatchObject({ stage: 'recoveringOrders', lastError: "the checkoutCart step failed unexpectedly; the app's logs have the error" });
    await replay.completeActivity('findCartOrders', ordered([order('ord-1', 'completed', 'monthly', 's')]));
    expect(replay.activity('publishResult').input).toMatchObject({ kind: 'submitted', orders: [{ id: 'ord-1' }] });
    expect(names(replay).filter((n) => n === 'checkoutCart')).toHaveLength(1);
  });

  test('a lost submitted milestone does not fail the order', async () => {
    const replay = newOrderReplay({}, { publishRetry: retry(2) });
    await replay.start();
    await cartReady(replay);
    await replay.completeActivity('checkoutCart', submitted([order('ord-1', 'pending')]));
    await replay.failActivity('publishResult', 'broker unreachable', { untilExhausted: true });
    expect(status(replay)).toMatchObject({ stage: 'waitingForOrders', lastError: "publishing the submitted milestone failed: the publishResult step failed unexpectedly; the app's logs have the error" });
    await replay.fireTimer();
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'completed', 'monthly', 'sub-1')));
    expect(published(replay)).toMatchObject({ status: 'completed' });
  });

  test('an outcome that cannot be published is kept and published again on durable timers until it goes through, the same message every time', async () => {
    const replay = newOrderReplay({ OUTAGE_RETRY_INITIAL_INTERVAL: 'PT30S', OUTAGE_RETRY_MAX_INTERVAL: 'PT2M', RETRY_JITTER: 'PT0S' }, { publishRetry: retry(2) });
    await replay.start();
    await replay.completeActivity('createCart', pcFailure('refused', 'createCart', 400, '10001', 'nope'));
    const outcome = published(replay);
    const waits: number[] = [];
    for (let round = 0; round < 4; round++) {
      await replay.failActivity('publishResult', 'broker unreachable', { untilExhausted: true });
      expect(replay.runtimeStatus).toBe('Running');
      // The status already shows the outcome the ERP has not received yet, and why it waits.
      expect(status(replay)).toMatchObject({ stage: 'publishing', outcome: 'failed', waitingFor: 'resultsTopic' });
      expect(status(replay).lastError).toMatch(/^publishing the failed outcome failed: /);
      const from = replay.now;
      const timer = await replay.fireTimer();
      waits.push(secondsBetween(from, timer.fireAt));
      expect(published(replay)).toEqual(outcome);
    }
    // The outage backoff: doubling up to OUTAGE_RETRY_MAX_INTERVAL, never past it, with no deadline.
    expect(waits).toEqual([30, 60, 120, 120]);
    await replay.completeActivity('publishResult', publishedAs());
    expect(replay.runtimeStatus).toBe('Completed');
    expect(replay.output).toEqual(outcome);
    expect(status(replay)).toMatchObject({ stage: 'finished', outcome: 'failed', waitingFor: null, lastError: null });
    // Four failed rounds of one activity call with its host retry (publishRetry: 2 attempts), then the one that went through.
    expect(replay.history().filter((e) => e.EventType === EventType.TaskScheduled && e.Name === 'publishResult')).toHaveLength(4 * 2 + 1);
  });
});

describe('processOrder: an outcome Service Bus does not take for long', () => {
  test('after ORDER_POLLS_PER_EXECUTION rounds the delivery goes on in a new execution: same message, the backoff carried on, no claim, no Partner Center call', async () => {
    const oneAttempt = { firstRetryMs: 1000, maxAttempts: 1, backoffCoefficient: 2, maxRetryMs: 60_000 };
    const replay = newOrderReplay({ ORDER_POLLS_PER_EXECUTION: '2', OUTAGE_RETRY_INITIAL_INTERVAL: 'PT30S', OUTAGE_RETRY_MAX_INTERVAL: 'PT10M', RETRY_JITTER: 'PT0S' }, { publishRetry: oneAttempt });
    await replay.start();
    await replay.completeActivity('createCart', pcFailure('refused', 'createCart', 400, '10001', 'nope'));
    const outcome = published(replay);
    const waits: number[] = [];
    for (let round = 0; round < 2; round++) {
      await replay.failActivity('publishResult', 'topic full', { untilExhausted: true });
      const from = replay.now;
      waits.push(secondsBetween(from, (await replay.fireTimer()).fireAt));
    }
    expect(replay.executions).toHaveLength(2);
    expect(replay.executions[1]).toMatchObject({ publishing: { message: outcome, outages: 2 } });
    expect(replay.executions[1]).not.toHaveProperty('resume');
    // The new execution publishes the same message at once, and its first wait continues the backoff (30, 60, then 120).
    expect(published(replay)).toEqual(outcome);
    expect(status(replay)).toMatchObject({ stage: 'publishing', outcome: 'failed', cartId: null });
    await replay.failActivity('publishResult', 'topic full', { untilExhausted: true });
    waits.push(secondsBetween(replay.now, replay.openTimers()[0].fireAt));
    expect(waits).toEqual([30, 60, 120]);
    await replay.fireTimer();
    await replay.completeActivity('publishResult', publishedAs());
    expect(replay.runtimeStatus).toBe('Completed');
    expect(replay.output).toEqual(outcome);
    expect(status(replay)).toMatchObject({ stage: 'finished', outcome: 'failed', lastError: null });
    // Nothing but the delivery ran again: no claim, no Partner Center step in the later execution.
    expect(names(replay).filter((n) => n !== 'publishResult')).toEqual(['createCart']);
  });
});

describe('processOrder polling', () => {
  test('intervals double up to the cap and the deadline ends the order timedOut with the last statuses', async () => {
    const replay = newOrderReplay({ ORDER_POLL_INITIAL_INTERVAL: 'PT30S', ORDER_POLL_MAX_INTERVAL: 'PT2M', ORDER_POLL_DEADLINE: 'PT10M' });
    await checkedOut(replay, [order('ord-1', 'pending')]);
    const delays: number[] = [];
    while (replay.openTimers().length > 0) {
      const from = replay.now;
      const timer = await replay.fireTimer();
      delays.push(secondsBetween(from, timer.fireAt));
      if (replay.openActivities().some((a) => a.name === 'getOrder')) {
        await replay.completeActivity('getOrder', orderRead(order('ord-1', 'pending')));
      }
    }
    // 30, 60, 120, 120... until the deadline (600 s after the instance started) clips the last wait.
    expect(delays.slice(0, 4)).toEqual([30, 60, 120, 120]);
    const deadline = new Date(START.getTime() + 600_000).toISOString();
    expect(replay.timers[replay.timers.length - 1].fireAt).toBe(deadline);
    expect(published(replay)).toMatchObject({
      status: 'timedOut',
      orders: [{ id: 'ord-1', status: 'pending' }],
      errors: [{ source: 'workflow', reason: 'deadlinePassed', message: `orders had not settled by the deadline ${deadline}` }],
    });
  });

  test('orders waiting for people (PO upload, review) are polled at the slow interval', async () => {
    const replay = newOrderReplay({ ORDER_POLL_HUMAN_WAIT_INTERVAL: 'PT2H' });
    await checkedOut(replay, [order('ord-1', 'pending')]);
    await replay.fireTimer();
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'pending_po_upload')));
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(7200);
    expect(status(replay).waitingFor).toBe('peopleToAct');
    await replay.fireTimer();
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'po_upload_complete')));
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(7200);
    expect(status(replay).orders).toEqual([{ id: 'ord-1', status: 'po_upload_complete' }]);
  });

  test('a throttled poll waits Retry-After before the next round', async () => {
    const replay = newOrderReplay({ ORDER_POLL_INITIAL_INTERVAL: 'PT30S' });
    await checkedOut(replay, [order('ord-1', 'pending')]);
    await replay.fireTimer();
    await replay.completeActivity('getOrder', throttled(900, 'getOrder'));
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(900);
    expect(status(replay)).toMatchObject({ waitingFor: 'partnerCenterThrottling', lastError: 'Partner Center throttled the call' });
  });

  test('after ORDER_POLLS_PER_EXECUTION polls it continues as new carrying its state, and finishes in the new execution', async () => {
    const replay = newOrderReplay({ ORDER_POLLS_PER_EXECUTION: '2', ORDER_POLL_INITIAL_INTERVAL: 'PT30S', ORDER_POLL_MAX_INTERVAL: 'PT15M' });
    await checkedOut(replay, [order('ord-1', 'pending'), order('ord-2', 'completed', 'one_time', 'sub-2')]);
    const submittedAt = (replay.scheduled[2].input as SubmittedMilestone).submittedAt;
    for (let i = 0; i < 2; i++) {
      await replay.fireTimer();
      await replay.completeActivity('getOrder', orderRead(order('ord-1', 'pending')));
    }
    // The runtime ended the first execution with ContinueAsNew and started the next one at once with the carried input.
    expect(replay.executions).toHaveLength(2);
    const carried = replay.executions[1] as ProcessOrderInput;
    expect(replay.history(0).filter((e) => e.EventType === EventType.ContinueAsNew).map((e) => JSON.parse(e.Result as string))).toEqual([carried]);
    expect(replay.history().find((e) => e.EventType === EventType.ExecutionStarted)?.Input).toBe(JSON.stringify(carried));
    expect(replay.runtimeStatus).toBe('Running');
    const first = replay.executions[0] as ProcessOrderInput;
    expect(carried.request).toEqual(first.request);
    expect(carried.policy).toEqual(first.policy);
    expect(carried.receivedAt).toBe(START.toISOString());
    expect(carried.resume).toEqual({
      cartId: 'cart-1',
      submittedAt,
      deadline: new Date(START.getTime() + 7 * DAY_MS).toISOString(),
      orders: [order('ord-1', 'pending'), order('ord-2', 'completed', 'one_time', 'sub-2')],
      errors: [],
      attempts: { cart: 1, checkout: 1, polls: 2 },
      lastError: null,
    });

    expect(status(replay)).toMatchObject({ stage: 'waitingForOrders', cartId: 'cart-1', attempts: { polls: 2 } });
    // The backoff continues from the carried poll count: 30 * 2^2.
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(120);
    await replay.fireTimer();
    expect(replay.scheduled.filter((a) => a.name === 'createCart')).toHaveLength(1);
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'completed', 'monthly', 'sub-1')));
    expect(published(replay)).toMatchObject({ status: 'completed', cartId: 'cart-1', submittedAt, orders: [{ id: 'ord-1', status: 'completed' }, { id: 'ord-2' }] });
  });
});

describe('processOrder cancel', () => {
  test('cancel during a throttling wait before checkout cancels the timer and the order', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await replay.completeActivity('createCart', throttled(600, 'createCart'));
    expect(replay.openTimers()).toHaveLength(1);
    await replay.raiseEvent(CANCEL_EVENT);
    expect(replay.openTimers()).toHaveLength(0);
    expect(published(replay)).toMatchObject({
      status: 'cancelled',
      cartId: null,
      errors: [{ source: 'workflow', reason: 'cancelled', message: 'cancelled on request before checkout; nothing was bought' }],
      finishedAt: replay.now.toISOString(),
    });
    expect(names(replay)).toEqual(['createCart', 'publishResult']);
  });

  test('cancel arriving together with the new cart still stops the checkout', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await replay.deliverTogether([{ complete: 'createCart', result: cartCreated() }, { raise: CANCEL_EVENT }]);
    expect(published(replay)).toMatchObject({ status: 'cancelled', cartId: 'cart-1' });
    expect(names(replay)).toEqual(['createCart', 'publishResult']);
  });

  test('cancel while the checkout gate is open wins over checkout', async () => {
    const replay = newOrderReplay();
    await replay.start();
    // The gate is a zero-length timer, due at once: a cancel wins only if it reaches the instance after the cart and
    // before the gate fires, i.e. while the episode that takes the cart (and opens the gate) runs.
    replay.raiseEventDuringNextEpisode(CANCEL_EVENT);
    await replay.completeActivity('createCart', cartCreated());
    const [gate] = replay.timers;
    expect(gate.fireAt).toBe(replay.now.toISOString());
    const arrivals = replay.history().filter((e) => e.EventType === EventType.EventRaised || (e.EventType === EventType.TimerFired && e.TimerId === gate.id));
    expect(arrivals.map((e) => e.EventType)).toEqual([EventType.EventRaised, EventType.TimerFired]);
    expect(replay.openTimers()).toHaveLength(0);
    expect(published(replay)).toMatchObject({ status: 'cancelled', cartId: 'cart-1' });
    expect(names(replay)).toEqual(['createCart', 'publishResult']);
  });

  test('cancel after checkout has started is ignored: the order goes on with Partner Center', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await cartReady(replay, cartCreated());
    expect(status(replay).stage).toBe('checkingOut');
    await replay.raiseEvent(CANCEL_EVENT);
    expect(replay.openActivities().map((a) => a.name)).toEqual(['checkoutCart']);
    await replay.completeActivity('checkoutCart', submitted([order('ord-1', 'pending')]));
    await replay.completeActivity('publishResult', publishedAs());
    await replay.raiseEvent(CANCEL_EVENT);
    expect(status(replay).stage).toBe('waitingForOrders');
    await replay.fireTimer();
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'completed', 'monthly', 'sub-1')));
    expect(published(replay)).toMatchObject({ status: 'completed' });
  });
});
