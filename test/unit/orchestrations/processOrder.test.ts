import './durableHost';
import { EventType } from '../../../local/runtime/durable/historyEvents';
import { CANCEL_EVENT, type OrderCustomStatus, type ProcessOrderInput } from '../../../orchestrations';
import type { OrderOutcome, SubmittedMilestone } from '../../../shared/orders';
import { CUSTOMER_ID } from '../../fixtures/orders/requests';
import { DAY_MS, INSTANCE_ID, START, cartCreated, cartReady, checkedOut, newOrderReplay, order, orderStatus, secondsBetween, submitted } from './scenario';

const names = (replay: ReturnType<typeof newOrderReplay>) => replay.scheduled.map((a) => a.name);
const status = (replay: ReturnType<typeof newOrderReplay>) => replay.customStatus as unknown as OrderCustomStatus;
const published = (replay: ReturnType<typeof newOrderReplay>) => replay.activity('publishResult').input as OrderOutcome;

describe('processOrder happy path', () => {
  test('creates, checks out, publishes the milestone, polls the pending order and publishes completed', async () => {
    const replay = newOrderReplay();
    await replay.start();
    expect(replay.activity('createCart').input).toEqual({ instanceId: INSTANCE_ID, attempt: 1, request: (replay.input as ProcessOrderInput).request });
    expect(status(replay)).toMatchObject({ stage: 'creatingCart', orderId: 'SO-10001', attempts: { cart: 1, checkout: 0, polls: 0 } });

    await cartReady(replay, cartCreated());
    expect(replay.activity('checkoutCart').input).toEqual({ instanceId: INSTANCE_ID, customerId: CUSTOMER_ID, cartId: 'cart-1' });
    expect(status(replay)).toMatchObject({ stage: 'checkingOut', cartId: 'cart-1' });

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

    await replay.completeActivity('publishResult', { messageId: `${INSTANCE_ID}:submitted` });
    const [firstPoll] = replay.openTimers();
    expect(secondsBetween(replay.now, firstPoll.fireAt)).toBe(30);
    expect(status(replay)).toMatchObject({ stage: 'waitingForOrders', nextCheckAt: firstPoll.fireAt, orders: [{ id: 'ord-1', status: 'pending' }, { id: 'ord-2', status: 'completed' }] });

    await replay.fireTimer();
    // Only the pending order is read again.
    expect(replay.activity('getOrderStatus').input).toEqual({ instanceId: INSTANCE_ID, customerId: CUSTOMER_ID, orderId: 'ord-1' });
    await replay.completeActivity('getOrderStatus', orderStatus(order('ord-1', 'pending')));
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(60);
    expect(status(replay).attempts.polls).toBe(1);

    await replay.fireTimer();
    await replay.completeActivity('getOrderStatus', orderStatus(order('ord-1', 'completed', 'monthly', 'sub-1')));
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
    expect(status(replay).stage).toBe('publishing');

    await replay.completeActivity('publishResult', { messageId: `${INSTANCE_ID}:completed` });
    expect(replay.isDone).toBe(true);
    expect(replay.output).toEqual(outcome);
    expect(status(replay)).toMatchObject({ stage: 'finished', outcome: 'completed' });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'publishResult', 'getOrderStatus', 'getOrderStatus', 'publishResult']);
  });

  test('mixed final statuses end partiallyCompleted, naming the order that failed', async () => {
    const replay = newOrderReplay();
    await checkedOut(replay, [order('ord-1', 'pending'), order('ord-2', 'pending', 'one_time')]);
    await replay.fireTimer();
    await replay.completeActivity('getOrderStatus', orderStatus(order('ord-1', 'completed', 'monthly', 'sub-1')));
    await replay.completeActivity('getOrderStatus', orderStatus(order('ord-2', 'error', 'one_time')));
    expect(published(replay)).toMatchObject({
      status: 'partiallyCompleted',
      orders: [{ id: 'ord-1', status: 'completed' }, { id: 'ord-2', status: 'error' }],
      errors: [{ source: 'workflow', message: 'Partner Center order ord-2 ended with status error' }],
    });
  });

  test('every order failing ends failed', async () => {
    const replay = newOrderReplay();
    await checkedOut(replay, [order('ord-1', 'pending')]);
    await replay.fireTimer();
    await replay.completeActivity('getOrderStatus', orderStatus(order('ord-1', 'cancelled')));
    expect(published(replay)).toMatchObject({ status: 'failed', orders: [{ id: 'ord-1', status: 'cancelled' }] });
  });
});

describe('processOrder cart problems', () => {
  test('line-item errors end the order failed with those errors; nothing is checked out', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await replay.completeActivity('createCart', {
      ...cartCreated(),
      lineItemErrors: [{ lineItemIndex: 1, code: 'CatalogItemIdIsNotValid', codeNumber: 10001, description: 'Catalog item id is not valid' }],
    });
    expect(published(replay)).toMatchObject({
      status: 'failed',
      cartId: 'cart-1',
      orders: [],
      submittedAt: null,
      errors: [{ source: 'lineItem', lineItemIndex: 1, code: 'CatalogItemIdIsNotValid', codeNumber: 10001, description: 'Catalog item id is not valid' }],
    });
    expect(names(replay)).toEqual(['createCart', 'publishResult']);
  });

  test('a refused cart ends failed with Partner Center\'s error', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await replay.completeActivity('createCart', { kind: 'rejected', error: { operation: 'createCart', status: 403, code: '13605', description: 'Customer must accept the MCA' } });
    expect(published(replay)).toMatchObject({
      status: 'failed',
      errors: [{ source: 'partnerCenter', operation: 'createCart', status: 403, code: '13605', description: 'Customer must accept the MCA' }],
    });
  });

  test('a cart too close to expiry is recreated (new attempt, new request id) and the new cart is checked out', async () => {
    const replay = newOrderReplay({ cartExpiryMarginSeconds: 300 });
    await replay.start();
    // A legacy-style 15-minute cart; a long throttling wait eats into its margin.
    await cartReady(replay, cartCreated('cart-1', new Date(START.getTime() + 15 * 60_000).toISOString()));
    await replay.completeActivity('checkoutCart', { kind: 'throttled', retryAfterSeconds: 700 });
    const wait = await replay.fireTimer();
    expect(secondsBetween(START, wait.fireAt)).toBeGreaterThan(700);
    expect(replay.activity('createCart').input).toMatchObject({ attempt: 2 });
    expect(status(replay)).toMatchObject({ stage: 'creatingCart', attempts: { cart: 2 }, lastError: expect.stringContaining('cart-1 expired') });
    await cartReady(replay, cartCreated('cart-2'));
    expect(replay.activity('checkoutCart').input).toMatchObject({ cartId: 'cart-2' });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'createCart', 'checkoutCart']);
  });

  test('checkout answering expired recreates the cart; after maxCartAttempts the order fails', async () => {
    const replay = newOrderReplay({ maxCartAttempts: 2 });
    await replay.start();
    await cartReady(replay, cartCreated('cart-1'));
    await replay.completeActivity('checkoutCart', { kind: 'expired' });
    await cartReady(replay, cartCreated('cart-2'));
    await replay.completeActivity('checkoutCart', { kind: 'expired' });
    expect(published(replay)).toMatchObject({ status: 'failed', errors: [{ source: 'workflow', message: expect.stringContaining('2 carts tried') }] });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'createCart', 'checkoutCart', 'publishResult']);
  });
});

describe('processOrder throttling and Partner Center conflicts', () => {
  test('429 on create waits a durable timer for Retry-After, then repeats the same call', async () => {
    const replay = newOrderReplay();
    await replay.start();
    const before = replay.now.getTime();
    await replay.completeActivity('createCart', { kind: 'throttled', retryAfterSeconds: 17 });
    const [timer] = replay.openTimers();
    expect(secondsBetween(new Date(before + 1000), timer.fireAt)).toBe(17);
    expect(status(replay)).toMatchObject({ stage: 'creatingCart', nextCheckAt: timer.fireAt, lastError: expect.stringContaining('17 s') });
    await replay.fireTimer();
    expect(replay.scheduled.filter((a) => a.name === 'createCart').map((a) => a.input)).toEqual([
      expect.objectContaining({ attempt: 1 }),
      expect.objectContaining({ attempt: 1 }),
    ]);
    expect(status(replay).nextCheckAt).toBeNull();
  });

  test('429 on checkout waits and retries the same cart', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await cartReady(replay, cartCreated());
    await replay.completeActivity('checkoutCart', { kind: 'throttled', retryAfterSeconds: 45 });
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(45);
    await replay.fireTimer();
    expect(replay.activity('checkoutCart').input).toMatchObject({ cartId: 'cart-1' });
    expect(status(replay).attempts.checkout).toBe(2);
  });

  test('409/800064 (busy) waits busyRetrySeconds and checks out again', async () => {
    const replay = newOrderReplay({ busyRetrySeconds: 20 });
    await replay.start();
    await cartReady(replay, cartCreated());
    await replay.completeActivity('checkoutCart', { kind: 'busy' });
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(20);
    expect(status(replay).lastError).toMatch(/800064/);
    await replay.fireTimer();
    await replay.completeActivity('checkoutCart', submitted([order('ord-1', 'completed', 'monthly', 'sub-1')]));
    await replay.completeActivity('publishResult', {});
    expect(published(replay)).toMatchObject({ kind: 'outcome', status: 'completed' });
  });

  test('400/800065 (already submitted) recovers the orders from the lagging order list instead of failing', async () => {
    const replay = newOrderReplay({ recoveryRetrySeconds: 120 });
    await replay.start();
    await cartReady(replay, cartCreated());
    await replay.completeActivity('checkoutCart', { kind: 'alreadySubmitted' });
    expect(replay.activity('recoverOrders').input).toEqual({ instanceId: INSTANCE_ID, customerId: CUSTOMER_ID, cartId: 'cart-1' });
    expect(status(replay).stage).toBe('recoveringOrders');
    await replay.completeActivity('recoverOrders', { kind: 'recovered', orders: [], complete: false });
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(120);
    await replay.fireTimer();
    await replay.completeActivity('recoverOrders', { kind: 'recovered', orders: [order('ord-9', 'pending')], complete: true });
    expect(replay.activity('publishResult').input).toMatchObject({ kind: 'submitted', cartId: 'cart-1', orders: [{ id: 'ord-9' }] });
    await replay.completeActivity('publishResult', {});
    expect(status(replay)).toMatchObject({ stage: 'waitingForOrders', orders: [{ id: 'ord-9', status: 'pending' }] });
  });

  test('800065 whose orders never show up ends failed after the recovery window', async () => {
    const replay = newOrderReplay({ recoveryRetrySeconds: 300, recoveryWindowSeconds: 600 });
    await replay.start();
    await cartReady(replay, cartCreated());
    await replay.completeActivity('checkoutCart', { kind: 'alreadySubmitted' });
    for (let i = 0; i < 2; i++) {
      await replay.completeActivity('recoverOrders', { kind: 'recovered', orders: [], complete: false });
      await replay.fireTimer();
    }
    await replay.completeActivity('recoverOrders', { kind: 'recovered', orders: [], complete: false });
    expect(published(replay)).toMatchObject({ status: 'failed', errors: [{ message: expect.stringContaining('did not appear in the order list within 10 minutes') }] });
  });

  test('partial checkout: orderErrors are kept and the outcome is partiallyCompleted', async () => {
    const replay = newOrderReplay();
    const groupError = { orderGroupId: '1', code: 800005, description: 'Create order isn\'t successful' };
    await checkedOut(replay, [order('ord-1', 'pending')], [groupError]);
    expect(replay.scheduled[2].input).toMatchObject({ kind: 'submitted', errors: [{ source: 'orderGroup', ...groupError }] });
    await replay.fireTimer();
    await replay.completeActivity('getOrderStatus', orderStatus(order('ord-1', 'completed', 'monthly', 'sub-1')));
    expect(published(replay)).toMatchObject({ status: 'partiallyCompleted', errors: [{ source: 'orderGroup', ...groupError }] });
  });
});

describe('processOrder transient failures (Durable retry policy)', () => {
  test('a failed poll attempt is retried by the host with the same input after the retry interval', async () => {
    const replay = newOrderReplay({ activityRetry: { firstRetryMs: 5000, maxAttempts: 3, backoffCoefficient: 2, maxRetryMs: 60000 } });
    await checkedOut(replay, [order('ord-1', 'pending')]);
    await replay.fireTimer();
    const first = replay.activity('getOrderStatus');
    // failActivity answers one step (1 s) after the previous one.
    const failedAt = replay.now.getTime() + 1000;
    await replay.failActivity('getOrderStatus', 'Partner Center answered 503');
    const retry = replay.activity('getOrderStatus');
    // The runtime's retry timer takes the sequence id after the failed attempt and waits firstRetryMs.
    expect(replay.history().find((e) => e.EventType === EventType.TimerCreated && e.EventId === first.id + 1)?.FireAt).toBe(new Date(failedAt + 5000).toISOString());
    expect(retry).toMatchObject({ id: first.id + 2, attempt: 2 });
    expect(retry.input).toEqual(first.input);
    expect(replay.now.getTime()).toBe(failedAt + 5000);
    await replay.completeActivity('getOrderStatus', orderStatus(order('ord-1', 'completed', 'monthly', 'sub-1')));
    expect(published(replay)).toMatchObject({ status: 'completed' });
  });

  test('cart creation failing on every attempt ends the order failed with the last error', async () => {
    const replay = newOrderReplay({ activityRetry: { firstRetryMs: 1000, maxAttempts: 3, backoffCoefficient: 2, maxRetryMs: 10000 } });
    await replay.start();
    await replay.failActivity('createCart', 'connection failed (ECONNRESET)', { untilExhausted: true });
    expect(published(replay)).toMatchObject({ status: 'failed', errors: [{ source: 'workflow', message: expect.stringContaining('ECONNRESET') }] });
    // maxAttempts attempts, then the orchestrator saw the failure; retries are not new calls of the orchestrator.
    expect(replay.history().filter((e) => e.EventType === EventType.TaskScheduled && e.Name === 'createCart')).toHaveLength(3);
    expect(names(replay)).toEqual(['createCart', 'publishResult']);
  });

  test('checkout failing on every attempt does not guess: it reads the cart to find out whether it was ordered', async () => {
    const replay = newOrderReplay({ activityRetry: { firstRetryMs: 1000, maxAttempts: 2, backoffCoefficient: 1, maxRetryMs: 1000 } });
    await replay.start();
    await cartReady(replay, cartCreated());
    await replay.failActivity('checkoutCart', 'no answer within 60000 ms', { untilExhausted: true });
    expect(replay.activity('recoverOrders').input).toMatchObject({ cartId: 'cart-1' });
    await replay.completeActivity('recoverOrders', { kind: 'recovered', orders: [order('ord-1', 'completed', 'monthly', 's')], complete: true });
    expect(replay.activity('publishResult').input).toMatchObject({ kind: 'submitted', orders: [{ id: 'ord-1' }] });
  });

  test('an outcome that cannot be published fails the orchestration visibly', async () => {
    const replay = newOrderReplay({ publishRetry: { firstRetryMs: 1000, maxAttempts: 2, backoffCoefficient: 1, maxRetryMs: 1000 } });
    await replay.start();
    await replay.completeActivity('createCart', { kind: 'rejected', error: { operation: 'createCart', description: 'nope' } });
    await replay.failActivity('publishResult', 'broker unreachable', { untilExhausted: true });
    expect(replay.runtimeStatus).toBe('Failed');
    expect(replay.output).toMatch(/^Orchestrator function 'processOrder' failed: .*publishing the failed outcome of order SO-10001 failed: .*broker unreachable/);
  });
});

describe('processOrder polling', () => {
  test('intervals double up to the cap and the deadline ends the order timedOut with the last statuses', async () => {
    const replay = newOrderReplay({ pollInitialSeconds: 30, pollMaxSeconds: 120, orderDeadlineSeconds: 600 });
    await checkedOut(replay, [order('ord-1', 'pending')]);
    const delays: number[] = [];
    while (replay.openTimers().length > 0) {
      const from = replay.now;
      const timer = await replay.fireTimer();
      delays.push(secondsBetween(from, timer.fireAt));
      if (replay.openActivities().some((a) => a.name === 'getOrderStatus')) {
        await replay.completeActivity('getOrderStatus', orderStatus(order('ord-1', 'pending')));
      }
    }
    // 30, 60, 120, 120... until the deadline (600 s after the instance started) clips the last wait.
    expect(delays.slice(0, 4)).toEqual([30, 60, 120, 120]);
    expect(replay.timers[replay.timers.length - 1].fireAt).toBe(new Date(START.getTime() + 600_000).toISOString());
    expect(published(replay)).toMatchObject({
      status: 'timedOut',
      orders: [{ id: 'ord-1', status: 'pending' }],
      errors: [{ source: 'workflow', message: expect.stringContaining('deadline') }],
    });
  });

  test('orders waiting for people (PO upload, review) are polled at the slow interval', async () => {
    const replay = newOrderReplay({ humanWaitPollSeconds: 3600 });
    await checkedOut(replay, [order('ord-1', 'pending')]);
    await replay.fireTimer();
    await replay.completeActivity('getOrderStatus', orderStatus(order('ord-1', 'pending_po_upload')));
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(3600);
    await replay.fireTimer();
    await replay.completeActivity('getOrderStatus', orderStatus(order('ord-1', 'po_upload_complete')));
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(3600);
    expect(status(replay).orders).toEqual([{ id: 'ord-1', status: 'po_upload_complete' }]);
  });

  test('a throttled poll waits at least Retry-After before the next round', async () => {
    const replay = newOrderReplay({ pollInitialSeconds: 30 });
    await checkedOut(replay, [order('ord-1', 'pending')]);
    await replay.fireTimer();
    await replay.completeActivity('getOrderStatus', { kind: 'throttled', retryAfterSeconds: 900 });
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(900);
    expect(status(replay).lastError).toMatch(/throttled/);
  });

  test('after pollsPerExecution polls it continues as new carrying its state, and finishes in the new execution', async () => {
    const replay = newOrderReplay({ pollsPerExecution: 2, pollInitialSeconds: 30, pollMaxSeconds: 900 });
    await checkedOut(replay, [order('ord-1', 'pending'), order('ord-2', 'completed', 'one_time', 'sub-2')]);
    const submittedAt = (replay.scheduled[2].input as SubmittedMilestone).submittedAt;
    for (let i = 0; i < 2; i++) {
      await replay.fireTimer();
      await replay.completeActivity('getOrderStatus', orderStatus(order('ord-1', 'pending')));
    }
    // The runtime ended the first execution with ContinueAsNew and started the next one at once with the carried input.
    expect(replay.executions).toHaveLength(2);
    const carried = replay.executions[1] as ProcessOrderInput;
    expect(replay.history(0).filter((e) => e.EventType === EventType.ContinueAsNew).map((e) => JSON.parse(e.Result as string))).toEqual([carried]);
    expect(replay.history().find((e) => e.EventType === EventType.ExecutionStarted)?.Input).toBe(JSON.stringify(carried));
    expect(replay.runtimeStatus).toBe('Running');
    expect(carried.request).toEqual((replay.executions[0] as ProcessOrderInput).request);
    expect(carried.receivedAt).toBe(START.toISOString());
    expect(carried.resume).toEqual({
      cartId: 'cart-1',
      submittedAt,
      deadline: new Date(START.getTime() + 7 * DAY_MS).toISOString(),
      orders: [order('ord-1', 'pending'), order('ord-2', 'completed', 'one_time', 'sub-2')],
      errors: [],
      pollCount: 2,
      cartAttempts: 1,
      checkoutAttempts: 1,
      lastError: null,
    });

    expect(status(replay)).toMatchObject({ stage: 'waitingForOrders', cartId: 'cart-1', attempts: { polls: 2 } });
    // The backoff continues from the carried poll count: 30 * 2^2.
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(120);
    await replay.fireTimer();
    expect(replay.scheduled.filter((a) => a.name === 'createCart')).toHaveLength(1);
    await replay.completeActivity('getOrderStatus', orderStatus(order('ord-1', 'completed', 'monthly', 'sub-1')));
    expect(published(replay)).toMatchObject({ status: 'completed', cartId: 'cart-1', submittedAt, orders: [{ id: 'ord-1', status: 'completed' }, { id: 'ord-2' }] });
  });
});

describe('processOrder cancel', () => {
  test('cancel while the cart is being created ends the order cancelled; nothing is checked out', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await replay.raiseEvent(CANCEL_EVENT);
    expect(published(replay)).toMatchObject({ status: 'cancelled', errors: [{ source: 'workflow', message: expect.stringContaining('nothing was bought') }] });
    await replay.completeActivity('publishResult', {});
    expect(replay.isDone).toBe(true);
    expect(names(replay)).not.toContain('checkoutCart');
  });

  test('cancel during a throttling wait before checkout cancels the timer and the order', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await replay.completeActivity('createCart', { kind: 'throttled', retryAfterSeconds: 600 });
    expect(replay.openTimers()).toHaveLength(1);
    await replay.raiseEvent(CANCEL_EVENT);
    expect(replay.openTimers()).toHaveLength(0);
    expect(published(replay)).toMatchObject({ status: 'cancelled' });
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
    await replay.completeActivity('publishResult', {});
    await replay.raiseEvent(CANCEL_EVENT);
    expect(status(replay).stage).toBe('waitingForOrders');
    await replay.fireTimer();
    await replay.completeActivity('getOrderStatus', orderStatus(order('ord-1', 'completed', 'monthly', 'sub-1')));
    expect(published(replay)).toMatchObject({ status: 'completed' });
  });
});
