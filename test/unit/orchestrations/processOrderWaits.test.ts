// processOrder while Partner Center, Entra ID or Key Vault make it wait, and when a cancel arrives mid-step: 429s and
// outages are waited out on durable timers (Retry-After or the outage backoff, plus jitter) until the order's deadline;
// a checkout whose answer was lost is read back before anything is bought again; the custom status says what the
// order waits for. Driven step by step on the local runtime's replay engine (orchestrationDriver.ts).
import './durableHost';
import { EventType } from '../../../local/runtime/durable/historyEvents';
import { CANCEL_EVENT, WAITS, type ProcessOrderInput, type Wait } from '../../../orchestrations';
import { jitterMs } from '../../../orchestrations/policy';
import { CredentialRejectedError, CredentialUnavailableError } from '../../../shared/credentials/errors';
import { PartnerCenterBusinessError } from '../../../shared/partner-center';
import { describeFailure, orderInstanceId, type Failure } from '../../../shared/orders';
import type { OrchestrationDriver } from './orchestrationDriver';
import {
  INSTANCE_ID,
  START,
  cartAlreadySubmitted,
  cartBusy,
  cartCreated,
  cartReady,
  checkedOut,
  failed,
  msBetween,
  names,
  newOrderReplay,
  notOrdered,
  order,
  orderRead,
  orderReplayWithInput,
  ordered,
  pcFailure,
  policyOf,
  published,
  publishedAs,
  secondsBetween,
  status,
  submitted,
  throttled,
  unavailable,
} from './scenario';

const deadlineAfter = (ms: number) => new Date(START.getTime() + ms).toISOString();
const count = (replay: OrchestrationDriver, name: string) => names(replay).filter((n) => n === name).length;

/** A failure exactly as the activities describe it (shared/orders/failure.ts), from the error the SDK layer throws. */
function failureOf(error: unknown): Failure {
  const failure = describeFailure(error);
  if (failure === undefined) throw new Error('describeFailure did not recognise the error');
  return failure;
}
const vaultUrl = 'https://kv-orders-prod.vault.azure.net';
const credentialsRefused = () =>
  failed(failureOf(new CredentialRejectedError(`Key Vault ${vaultUrl} refused secret partner-center-client-secret`, { endpoint: 'keyVault', endpointUrl: vaultUrl, reason: 'SecretNotFound' })));
const credentialsUnavailable = () =>
  failed(failureOf(new CredentialUnavailableError(`Entra ID https://login.microsoftonline.com/tenant unreachable`, { endpoint: 'entraId', endpointUrl: 'https://login.microsoftonline.com/t', reason: 'ECONNREFUSED' })));

describe('processOrder cancel while the cart is being created', () => {
  test('a cancel that arrives while createCart runs waits for the activity (Running, no new work), then publishes cancelled naming the cart', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await replay.raiseEvent(CANCEL_EVENT);
    // Azure keeps the instance Running while its activity runs; nothing new is scheduled meanwhile.
    expect(replay.runtimeStatus).toBe('Running');
    expect(replay.isDone).toBe(false);
    expect(replay.openActivities().map((a) => a.name)).toEqual(['createCart']);
    expect(replay.openTimers()).toEqual([]);
    expect(status(replay)).toMatchObject({ stage: 'creatingCart', outcome: null });

    await replay.completeActivity('createCart', cartCreated('cart-7'));
    const outcome = published(replay);
    expect(outcome).toMatchObject({
      kind: 'outcome',
      status: 'cancelled',
      cartId: 'cart-7',
      orders: [],
      submittedAt: null,
      errors: [{ source: 'workflow', reason: 'cancelled', message: 'cancelled on request before checkout; nothing was bought' }],
    });
    await replay.completeActivity('publishResult', publishedAs());
    expect(replay.runtimeStatus).toBe('Completed');
    expect(replay.output).toEqual(outcome);
    expect(status(replay)).toMatchObject({ stage: 'finished', outcome: 'cancelled', cartId: 'cart-7' });
    expect(names(replay)).toEqual(['createCart', 'publishResult']);
  });

  test('a cancel while createCart runs and then answers 429 ends cancelled at once, with no cart and no wait', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await replay.raiseEvent(CANCEL_EVENT);
    await replay.completeActivity('createCart', throttled(600, 'createCart'));
    expect(replay.openTimers()).toEqual([]);
    expect(published(replay)).toMatchObject({ status: 'cancelled', cartId: null, finishedAt: replay.now.toISOString() });
    expect(names(replay)).toEqual(['createCart', 'publishResult']);
  });

  test("a cancel while the host retries createCart waits for the retries; the cart they create is named", async () => {
    const replay = newOrderReplay({}, { activityRetry: { firstRetryMs: 5000, maxAttempts: 3, backoffCoefficient: 2, maxRetryMs: 60_000 } });
    await replay.start();
    await replay.failActivity('createCart', 'socket hang up');
    await replay.raiseEvent(CANCEL_EVENT);
    expect(replay.runtimeStatus).toBe('Running');
    expect(replay.openActivities()).toEqual([expect.objectContaining({ name: 'createCart', attempt: 2 })]);
    await replay.completeActivity('createCart', cartCreated('cart-3'));
    expect(published(replay)).toMatchObject({ status: 'cancelled', cartId: 'cart-3' });
    expect(count(replay, 'checkoutCart')).toBe(0);
  });

  test('a cancel during an outage wait on cart creation cancels the timer and ends at once', async () => {
    const replay = newOrderReplay({ OUTAGE_RETRY_INITIAL_INTERVAL: 'PT10M' });
    await replay.start();
    await replay.completeActivity('createCart', unavailable('createCart'));
    const [wait] = replay.openTimers();
    expect(status(replay)).toMatchObject({ waitingFor: 'partnerCenterOutage', nextCheckAt: wait.fireAt });
    await replay.raiseEvent(CANCEL_EVENT, undefined, 5000);
    expect(replay.openTimers()).toEqual([]);
    expect(replay.history().some((e) => e.EventType === EventType.TimerFired && e.TimerId === wait.id)).toBe(false);
    expect(published(replay)).toMatchObject({ status: 'cancelled', cartId: null, finishedAt: replay.now.toISOString() });
    expect(names(replay)).toEqual(['createCart', 'publishResult']);
  });
});

describe('processOrder 429s', () => {
  test('429s never fail an order nor count as checkout attempts: 10 throttled checkouts with CHECKOUT_MAX_ATTEMPTS 2 still complete', async () => {
    const replay = newOrderReplay({ CHECKOUT_MAX_ATTEMPTS: '2' });
    await replay.start();
    await cartReady(replay);
    for (let i = 0; i < 10; i++) {
      await replay.completeActivity('checkoutCart', throttled(30));
      expect(status(replay)).toMatchObject({ stage: 'checkingOut', waitingFor: 'partnerCenterThrottling' });
      await replay.fireTimer();
    }
    await replay.completeActivity('checkoutCart', submitted([order('ord-1', 'completed', 'monthly', 'sub-1')]));
    await replay.completeActivity('publishResult', publishedAs());
    expect(published(replay)).toMatchObject({ status: 'completed', errors: [] });
    expect(count(replay, 'checkoutCart')).toBe(11);
    expect(count(replay, 'findCartOrders')).toBe(0);
    // Every call was the same checkout (same cart, same MS-RequestId derivation).
    expect(new Set(replay.scheduled.filter((a) => a.name === 'checkoutCart').map((a) => JSON.stringify(a.input))).size).toBe(1);
  });

  test('busy answers exhaust CHECKOUT_MAX_ATTEMPTS 2 (a 429 between them does not count); the cart then reads Active, which settles nothing, so the checkout is asked again later', async () => {
    const replay = newOrderReplay({ CHECKOUT_MAX_ATTEMPTS: '2' });
    await replay.start();
    await cartReady(replay);
    await replay.completeActivity('checkoutCart', cartBusy());
    await replay.fireTimer();
    await replay.completeActivity('checkoutCart', throttled(10));
    await replay.fireTimer();
    await replay.completeActivity('checkoutCart', cartBusy());
    await replay.fireTimer();
    // Busy means a checkout of the cart may be under way: the cart is read, and reading Active proves nothing yet.
    await replay.completeActivity('findCartOrders', notOrdered());
    expect(replay.isDone).toBe(false);
    expect(replay.openTimers()).toHaveLength(1);
    expect(status(replay)).toMatchObject({ stage: 'checkingOut', waitingFor: 'cartBusy' });
    await replay.fireTimer();
    // Asked again: the checkout that was under way answers with its orders.
    await replay.completeActivity('checkoutCart', submitted([order('ord-1', 'completed', 'monthly', 'sub-1')]));
    await replay.completeActivity('publishResult', publishedAs());
    expect(published(replay)).toMatchObject({ kind: 'outcome', status: 'completed', orders: [{ id: 'ord-1' }] });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'checkoutCart', 'checkoutCart', 'findCartOrders', 'checkoutCart', 'publishResult', 'publishResult']);
    // The MS-RequestId moves on after each busy answer (an answer), not after the 429 (not admitted, not an answer).
    const sequences = replay.scheduled.filter((a) => a.name === 'checkoutCart' || a.name === 'findCartOrders').map((a) => [a.name, (a.input as { requestSequence?: number }).requestSequence ?? 0]);
    expect(sequences).toEqual([['checkoutCart', 0], ['checkoutCart', 1], ['checkoutCart', 1], ['findCartOrders', 2], ['checkoutCart', 2]]);
  });

  test('waits are Retry-After plus jitter within RETRY_JITTER, the same on every run of an order and different between orders', async () => {
    const settings = { RETRY_JITTER: 'PT5S' };
    const waitsOf = async (orderId: string) => {
      const replay = newOrderReplay(settings, {}, orderId);
      await replay.start();
      await replay.completeActivity('createCart', throttled(17, 'createCart'));
      const first = msBetween(replay.now, replay.openTimers()[0].fireAt);
      await replay.fireTimer();
      await replay.completeActivity('createCart', throttled(17, 'createCart'));
      const second = msBetween(replay.now, replay.openTimers()[0].fireAt);
      return [first, second];
    };
    const policy = policyOf(settings);
    const ids = ['SO-10001', 'SO-20002'];
    const waits = await Promise.all(ids.map(waitsOf));
    ids.forEach((orderId, i) => {
      // Numbered per wait of the execution, derived from the instance id: what a replay computes again.
      expect(waits[i]).toEqual([17_000 + jitterMs(orderInstanceId(orderId), 0, policy), 17_000 + jitterMs(orderInstanceId(orderId), 1, policy)]);
      for (const ms of waits[i]) {
        expect(ms).toBeGreaterThanOrEqual(17_000);
        expect(ms).toBeLessThanOrEqual(22_000);
      }
    });
    expect(waits[0]).not.toEqual(waits[1]);
    expect(await waitsOf('SO-10001')).toEqual(waits[0]);
  });

  test('an order throttled until the next wait would pass the deadline fails deadlinePassed, with nothing bought', async () => {
    const replay = newOrderReplay({ ORDER_POLL_DEADLINE: 'PT5M' });
    await replay.start();
    const deadline = deadlineAfter(5 * 60_000);
    // Answered at +1 s and +122 s: both waits end before the deadline; the third (from +243 s) would not.
    await replay.completeActivity('createCart', throttled(120, 'createCart'));
    await replay.fireTimer();
    await replay.completeActivity('createCart', throttled(120, 'createCart'));
    await replay.fireTimer();
    await replay.completeActivity('createCart', throttled(120, 'createCart'));
    expect(replay.openTimers()).toEqual([]);
    expect(published(replay)).toMatchObject({
      status: 'failed',
      cartId: null,
      orders: [],
      submittedAt: null,
      errors: [{ source: 'workflow', reason: 'deadlinePassed', message: `gave up at the order's deadline ${deadline}; nothing was bought (last: Partner Center throttled the call)` }],
    });
    expect(replay.timers.every((t) => t.fireAt <= deadline)).toBe(true);
    expect(names(replay)).toEqual(['createCart', 'createCart', 'createCart', 'publishResult']);
  });

  test('a checkout throttled past the deadline fails deadlinePassed without a second checkout', async () => {
    const replay = newOrderReplay({ ORDER_POLL_DEADLINE: 'PT5M' });
    await replay.start();
    await cartReady(replay);
    await replay.completeActivity('checkoutCart', throttled(400));
    expect(published(replay)).toMatchObject({ status: 'failed', cartId: 'cart-1', orders: [], errors: [{ reason: 'deadlinePassed', message: expect.stringContaining('nothing was bought') }] });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'publishResult']);
  });
});

describe('processOrder checkout whose answer was lost (unavailable)', () => {
  test('the cart is read; not ordered: the outage backoff is waited and checkout repeated with the same input', async () => {
    const replay = newOrderReplay({ OUTAGE_RETRY_INITIAL_INTERVAL: 'PT30S', OUTAGE_RETRY_MAX_INTERVAL: 'PT15M' });
    await replay.start();
    await cartReady(replay);
    const checkout = replay.activity('checkoutCart').input;
    await replay.completeActivity('checkoutCart', unavailable());
    expect(replay.activity('findCartOrders').input).toEqual(checkout);
    expect(status(replay)).toMatchObject({ stage: 'recoveringOrders' });
    await replay.completeActivity('findCartOrders', notOrdered());
    let [wait] = replay.openTimers();
    expect(secondsBetween(replay.now, wait.fireAt)).toBe(30);
    expect(status(replay)).toMatchObject({ stage: 'checkingOut', waitingFor: 'partnerCenterOutage', nextCheckAt: wait.fireAt, lastError: 'Partner Center was unavailable (HTTP 503)' });
    await replay.fireTimer();
    expect(replay.activity('checkoutCart').input).toEqual(checkout);

    await replay.completeActivity('checkoutCart', unavailable());
    await replay.completeActivity('findCartOrders', notOrdered());
    [wait] = replay.openTimers();
    expect(secondsBetween(replay.now, wait.fireAt)).toBe(60);
    await replay.fireTimer();
    await replay.completeActivity('checkoutCart', submitted([order('ord-1', 'pending')]));
    expect(replay.activity('publishResult').input).toMatchObject({ kind: 'submitted', orders: [{ id: 'ord-1' }] });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'findCartOrders', 'checkoutCart', 'findCartOrders', 'checkoutCart', 'publishResult']);
    expect(replay.scheduled.filter((a) => a.name === 'checkoutCart').map((a) => a.input)).toEqual([checkout, checkout, checkout]);
  });

  test('the cart reads ordered: its orders are recovered and nothing is checked out again', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await cartReady(replay);
    await replay.completeActivity('checkoutCart', unavailable());
    await replay.completeActivity('findCartOrders', ordered([order('ord-5', 'pending')]));
    expect(replay.activity('publishResult').input).toMatchObject({ kind: 'submitted', cartId: 'cart-1', orders: [order('ord-5', 'pending')], submittedAt: replay.now.toISOString() });
    await replay.completeActivity('publishResult', publishedAs());
    await replay.fireTimer();
    await replay.completeActivity('getOrder', orderRead(order('ord-5', 'completed', 'monthly', 'sub-5')));
    expect(published(replay)).toMatchObject({ status: 'completed', orders: [{ id: 'ord-5', status: 'completed' }] });
    expect(count(replay, 'checkoutCart')).toBe(1);
  });

  test('recovery that cannot tell until the deadline ends unknown naming the cart, never failed', async () => {
    const replay = newOrderReplay({ ORDER_POLL_DEADLINE: 'PT5M', OUTAGE_RETRY_INITIAL_INTERVAL: 'PT1M', OUTAGE_RETRY_MAX_INTERVAL: 'PT1H' });
    await replay.start();
    await cartReady(replay);
    await replay.completeActivity('checkoutCart', unavailable());
    const delays: number[] = [];
    for (;;) {
      await replay.completeActivity('findCartOrders', unavailable('getCart'));
      if (replay.openTimers().length === 0) break;
      expect(status(replay)).toMatchObject({ stage: 'recoveringOrders', waitingFor: 'partnerCenterOutage' });
      const from = replay.now;
      delays.push(secondsBetween(from, (await replay.fireTimer()).fireAt));
    }
    // 60 s, 120 s; the next (240 s, from +185 s) would pass the 5-minute deadline.
    expect(delays).toEqual([60, 120]);
    const deadline = deadlineAfter(5 * 60_000);
    expect(published(replay)).toMatchObject({
      status: 'unknown',
      cartId: 'cart-1',
      orders: [],
      submittedAt: null,
      errors: [{ source: 'workflow', reason: 'checkoutUnknown', message: `could not tell by the deadline ${deadline} whether cart cart-1 was checked out; check Partner Center` }],
    });
    expect(count(replay, 'checkoutCart')).toBe(1);
  });

  test('a lost checkout whose retry would come after the deadline ends unknown, not failed', async () => {
    const replay = newOrderReplay({ ORDER_POLL_DEADLINE: 'PT1M', OUTAGE_RETRY_INITIAL_INTERVAL: 'PT1M' });
    await replay.start();
    await cartReady(replay);
    await replay.completeActivity('checkoutCart', unavailable());
    await replay.completeActivity('findCartOrders', notOrdered());
    expect(published(replay)).toMatchObject({ status: 'unknown', cartId: 'cart-1', errors: [{ reason: 'checkoutUnknown', message: expect.stringContaining('cart cart-1') }] });
  });

  test('a checkout that throws through all host retries (activityFailed) is read back before checking out again, never bought blindly', async () => {
    const replay = newOrderReplay({}, { activityRetry: { firstRetryMs: 1000, maxAttempts: 2, backoffCoefficient: 2, maxRetryMs: 10_000 } });
    await replay.start();
    await cartReady(replay);
    const checkout = replay.activity('checkoutCart').input;
    await replay.failActivity('checkoutCart', 'no answer within 60000 ms', { untilExhausted: true });
    expect(replay.openActivities().map((a) => a.name)).toEqual(['findCartOrders']);
    await replay.completeActivity('findCartOrders', notOrdered());
    // Only once the cart reads Active is it checked out again, with the same input (the same MS-RequestId).
    expect(replay.activity('checkoutCart').input).toEqual(checkout);
    const history = replay.history();
    const scheduled = history.filter((e) => e.EventType === EventType.TaskScheduled).map((e) => e.Name);
    expect(scheduled).toEqual(['createCart', 'checkoutCart', 'checkoutCart', 'findCartOrders', 'checkoutCart']);
    await replay.completeActivity('checkoutCart', cartAlreadySubmitted());
    await replay.completeActivity('findCartOrders', ordered([order('ord-1', 'pending')]));
    expect(replay.activity('publishResult').input).toMatchObject({ kind: 'submitted', orders: [{ id: 'ord-1' }] });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'findCartOrders', 'checkoutCart', 'findCartOrders', 'publishResult']);
  });
});

describe('processOrder outages on cart creation and polling', () => {
  test('an unavailable Partner Center on createCart is waited out with doubling backoff up to the cap, repeating the same call', async () => {
    const replay = newOrderReplay({ OUTAGE_RETRY_INITIAL_INTERVAL: 'PT30S', OUTAGE_RETRY_MAX_INTERVAL: 'PT2M' });
    await replay.start();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      await replay.completeActivity('createCart', unavailable('createCart'));
      expect(status(replay)).toMatchObject({ stage: 'creatingCart', waitingFor: 'partnerCenterOutage', attempts: { cart: 1 } });
      const from = replay.now;
      delays.push(secondsBetween(from, (await replay.fireTimer()).fireAt));
    }
    expect(delays).toEqual([30, 60, 120, 120, 120]);
    await cartReady(replay);
    expect(replay.scheduled.filter((a) => a.name === 'createCart').map((a) => a.input)).toEqual(Array(6).fill(expect.objectContaining({ attempt: 1 })));
    expect(replay.activity('checkoutCart').input).toMatchObject({ cartId: 'cart-1' });
  });

  test('Entra ID or Key Vault unreachable is waited out as a credentials outage', async () => {
    const replay = newOrderReplay({ OUTAGE_RETRY_INITIAL_INTERVAL: 'PT45S' });
    await replay.start();
    await replay.completeActivity('createCart', credentialsUnavailable());
    const [wait] = replay.openTimers();
    expect(secondsBetween(replay.now, wait.fireAt)).toBe(45);
    expect(status(replay)).toMatchObject({ waitingFor: 'credentialsOutage', lastError: 'Entra ID could not be reached to get a Partner Center token' });
    expect(JSON.stringify(replay.customStatus)).not.toContain('https://');
    await replay.fireTimer();
    await cartReady(replay);
    expect(replay.openActivities().map((a) => a.name)).toEqual(['checkoutCart']);
  });

  test('an outage while polling is waited out with doubling backoff, not the poll interval; a good round resets it', async () => {
    const replay = newOrderReplay({ OUTAGE_RETRY_INITIAL_INTERVAL: 'PT30S', ORDER_POLL_INITIAL_INTERVAL: 'PT1M' });
    await checkedOut(replay, [order('ord-1', 'pending')]);
    await replay.fireTimer();
    const delayAfter = async (result: Parameters<OrchestrationDriver['completeActivity']>[1]) => {
      await replay.completeActivity('getOrder', result);
      const delay = secondsBetween(replay.now, replay.openTimers()[0].fireAt);
      await replay.fireTimer();
      return delay;
    };
    expect(await delayAfter(unavailable('getOrder'))).toBe(30);
    expect(status(replay).attempts.polls).toBe(0);
    expect(await delayAfter(unavailable('getOrder'))).toBe(60);
    expect(await delayAfter(orderRead(order('ord-1', 'pending')))).toBe(120);
    expect(status(replay).attempts.polls).toBe(1);
    expect(await delayAfter(unavailable('getOrder'))).toBe(30);
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'completed', 'monthly', 'sub-1')));
    expect(published(replay)).toMatchObject({ status: 'completed' });
  });
});

describe('processOrder throttled poll rounds', () => {
  test('a throttled round neither raises attempts.polls nor lengthens the interval; the next round comes Retry-After plus jitter later', async () => {
    const settings = { ORDER_POLL_INITIAL_INTERVAL: 'PT1M', RETRY_JITTER: 'PT5S' };
    const replay = newOrderReplay(settings);
    await checkedOut(replay, [order('ord-1', 'pending'), order('ord-2', 'pending')]);
    await replay.fireTimer();
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'pending')));
    await replay.completeActivity('getOrder', orderRead(order('ord-2', 'pending')));
    expect(status(replay).attempts.polls).toBe(1);
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(120);
    await replay.fireTimer();

    // The 429 on the first order ends the round: the second is not read until the wait is over.
    await replay.completeActivity('getOrder', throttled(10, 'getOrder'));
    expect(replay.openActivities()).toEqual([]);
    const [wait] = replay.openTimers();
    // The first 429/outage wait of this execution: jitter number 0.
    expect(msBetween(replay.now, wait.fireAt)).toBe(10_000 + jitterMs(INSTANCE_ID, 0, policyOf(settings)));
    expect(status(replay)).toMatchObject({ attempts: { polls: 1 }, waitingFor: 'partnerCenterThrottling', nextCheckAt: wait.fireAt, lastError: 'Partner Center throttled the call' });
    await replay.fireTimer();

    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'pending')));
    await replay.completeActivity('getOrder', orderRead(order('ord-2', 'pending')));
    // Two good rounds: 60 s * 2^2.
    expect(status(replay)).toMatchObject({ attempts: { polls: 2 }, waitingFor: 'orders', lastError: null });
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(240);
  });

  test('a throttled wait is cut at the deadline, where the order ends timedOut', async () => {
    const replay = newOrderReplay({ ORDER_POLL_DEADLINE: 'PT10M' });
    await checkedOut(replay, [order('ord-1', 'pending')]);
    await replay.fireTimer();
    await replay.completeActivity('getOrder', throttled(3600, 'getOrder'));
    const deadline = deadlineAfter(10 * 60_000);
    expect(replay.openTimers()[0].fireAt).toBe(deadline);
    await replay.fireTimer();
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'pending')));
    expect(published(replay)).toMatchObject({ status: 'timedOut', errors: [{ reason: 'deadlinePassed' }], finishedAt: replay.now.toISOString() });
  });
});

describe('processOrder failures that end the order', () => {
  test('credentials refused while creating the cart fails the order with reason credentialsRefused and no URL or secret name', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await replay.completeActivity('createCart', credentialsRefused());
    const outcome = published(replay);
    expect(outcome).toMatchObject({
      status: 'failed',
      cartId: null,
      errors: [{ source: 'workflow', reason: 'credentialsRefused', message: "Key Vault refused the app's Partner Center credentials (SecretNotFound)" }],
    });
    const text = JSON.stringify([outcome, replay.customStatus]);
    expect(text).not.toContain(vaultUrl);
    expect(text).not.toMatch(/https?:|partner-center-client-secret/);
    expect(replay.openTimers()).toEqual([]);
  });

  test('credentials refused at checkout fails the order (nothing reached Partner Center) without waiting or reading the cart', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await cartReady(replay);
    await replay.completeActivity('checkoutCart', credentialsRefused());
    expect(published(replay)).toMatchObject({ status: 'failed', cartId: 'cart-1', errors: [{ source: 'workflow', reason: 'credentialsRefused' }] });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'publishResult']);
  });
});

describe('processOrder never reports failed, nor buys a second cart, for a checkout that may have gone through', () => {
  test('409/800060 "order in progress" is a busy answer: the cart is read, never failed on it', async () => {
    const replay = newOrderReplay();
    await replay.start();
    await cartReady(replay);
    await replay.completeActivity('checkoutCart', failed(failureOf(new PartnerCenterBusinessError('Partner Center answered 409 with code 800060: Your order is in progress', { operation: 'checkout', requestId: 'r', correlationId: 'c', status: 409, code: 800060, description: 'Your order is in progress. Check your order history for recent orders in few minutes' }))));
    expect(status(replay)).toMatchObject({ waitingFor: 'cartBusy' });
    expect(status(replay).lastError).toContain('800060');
    await replay.fireTimer();
    await replay.completeActivity('checkoutCart', submitted([order('ord-1', 'completed', 'monthly', 'sub-1')]));
    await replay.completeActivity('publishResult', publishedAs());
    expect(published(replay)).toMatchObject({ kind: 'outcome', status: 'completed', orders: [{ id: 'ord-1' }] });
  });

  /** A checkout whose answer was lost, the cart read Active, and the retry refused with `refusal`. */
  async function lostAnswerThenRefused(refusal: ReturnType<typeof pcFailure>) {
    const replay = newOrderReplay();
    await replay.start();
    await cartReady(replay);
    await replay.completeActivity('checkoutCart', unavailable());
    await replay.completeActivity('findCartOrders', notOrdered());
    await replay.fireTimer();
    await replay.completeActivity('checkoutCart', refusal);
    return replay;
  }

  test('a lost answer, then a refusal on the retry: the cart is read first, and only an Active cart lets the order fail with the refusal', async () => {
    const replay = await lostAnswerThenRefused(pcFailure('notAuthorized', 'checkout', 403, '900308', 'Insufficient privileges'));
    // The refusal came after an attempt that may have gone through: the cart says whether it did.
    expect(replay.openActivities().map((a) => a.name)).toEqual(['findCartOrders']);
    await replay.completeActivity('findCartOrders', notOrdered());
    expect(published(replay)).toMatchObject({ status: 'failed', errors: [{ source: 'partnerCenter', reason: 'notAuthorized', code: '900308' }] });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'findCartOrders', 'checkoutCart', 'findCartOrders', 'publishResult']);
  });

  test('a lost answer, then a refusal on the retry, for a cart that reads Ordered: its orders are recovered, not failed', async () => {
    const replay = await lostAnswerThenRefused(pcFailure('refused', 'checkout', 400, '800002', 'Invalid input'));
    await replay.completeActivity('findCartOrders', ordered([order('ord-9', 'pending')]));
    expect(published(replay)).toMatchObject({ kind: 'submitted', orders: [{ id: 'ord-9' }] });
    expect(names(replay)).toEqual(['createCart', 'checkoutCart', 'findCartOrders', 'checkoutCart', 'findCartOrders', 'publishResult']);
  });

  test('credentials refused after a lost answer: the order keeps looking until the deadline and ends unknown, never failed', async () => {
    const replay = newOrderReplay({ ORDER_POLL_DEADLINE: 'PT2H' });
    await replay.start();
    await cartReady(replay);
    await replay.completeActivity('checkoutCart', unavailable());
    await replay.completeActivity('findCartOrders', notOrdered());
    await replay.fireTimer();
    await replay.completeActivity('checkoutCart', credentialsRefused());
    for (let i = 0; i < 200 && !replay.isDone && replay.openActivities().length + replay.openTimers().length > 0; i++) {
      const [open] = replay.openActivities();
      if (open?.name === 'findCartOrders') await replay.completeActivity('findCartOrders', credentialsRefused());
      else if (open?.name === 'publishResult') break;
      else await replay.fireTimer();
    }
    expect(published(replay)).toMatchObject({ status: 'unknown', errors: [{ source: 'workflow', reason: 'checkoutUnknown' }] });
    expect(count(replay, 'createCart')).toBe(1);
    // The refused credential sent nothing: every cart read's repeat keeps the id of the call whose answer was lost.
    const sequences = new Set(replay.scheduled.filter((a) => a.name === 'checkoutCart' || a.name === 'findCartOrders').map((a) => (a.input as { requestSequence?: number }).requestSequence ?? 0));
    expect([...sequences]).toEqual([0]);
  });

  test('busy until the cart reaches its expiry margin: no second cart while the first may still be checked out; the checkout that was under way answers', async () => {
    // A 15-minute cart (older API versions) with the default 10-minute margin: the margin is reached after 5 minutes,
    // two busy answers 3 minutes apart.
    const replay = newOrderReplay({ CHECKOUT_BUSY_RETRY_INTERVAL: 'PT3M' });
    await replay.start();
    await cartReady(replay, cartCreated('cart-1', new Date(START.getTime() + 15 * 60_000).toISOString()));
    for (let i = 0; i < 2; i++) {
      await replay.completeActivity('checkoutCart', cartBusy());
      await replay.fireTimer();
    }
    // Past the margin: the cart is read; Active while busy settles nothing, so no new cart.
    await replay.completeActivity('findCartOrders', notOrdered());
    expect(replay.openActivities()).toEqual([]);
    expect(status(replay)).toMatchObject({ waitingFor: 'cartBusy' });
    await replay.fireTimer();
    await replay.completeActivity('checkoutCart', submitted([order('ord-1', 'completed', 'monthly', 'sub-1')]));
    await replay.completeActivity('publishResult', publishedAs());
    expect(published(replay)).toMatchObject({ kind: 'outcome', status: 'completed', cartId: 'cart-1', orders: [{ id: 'ord-1' }] });
    expect(count(replay, 'createCart')).toBe(1);
  });

  test('the expiry margin after a refusal that settles it (the cart read Active after a definitive answer) still recreates the cart', async () => {
    const replay = newOrderReplay({ CHECKOUT_BUSY_RETRY_INTERVAL: 'PT3M' });
    await replay.start();
    await cartReady(replay, cartCreated('cart-1', new Date(START.getTime() + 11 * 60_000).toISOString()));
    await replay.completeActivity('checkoutCart', throttled(120));
    await replay.fireTimer();
    // Past the margin after a 429 (nothing sent): a new cart, as before.
    expect(replay.openActivities().map((a) => a.name)).toEqual(['createCart']);
  });

  test('busy until the deadline ends unknown naming the cart, with the checkout asked less and less often', async () => {
    const replay = newOrderReplay({ CHECKOUT_MAX_ATTEMPTS: '2', ORDER_POLL_DEADLINE: 'P1D' });
    await replay.start();
    await cartReady(replay);
    let checkouts = 0;
    for (let i = 0; i < 500 && !replay.isDone; i++) {
      const [open] = replay.openActivities();
      if (open?.name === 'checkoutCart') {
        checkouts++;
        await replay.completeActivity('checkoutCart', cartBusy());
      } else if (open?.name === 'findCartOrders') await replay.completeActivity('findCartOrders', notOrdered());
      else if (open?.name === 'publishResult') break;
      else await replay.fireTimer();
    }
    expect(published(replay)).toMatchObject({ status: 'unknown', cartId: 'cart-1', errors: [{ source: 'workflow', reason: 'checkoutUnknown' }] });
    // A day of 30-second retries would be ~2,900 checkouts; the growing interval keeps it to a few dozen.
    expect(checkouts).toBeGreaterThan(2);
    expect(checkouts).toBeLessThan(40);
    expect(count(replay, 'createCart')).toBe(1);
  });
});

describe('processOrder custom status', () => {
  const setups: Record<Wait, (replay: OrchestrationDriver) => Promise<void>> = {
    // One call a minute, no burst: the cart took the first slot, so checkout waits for the next.
    partnerCenterBudget: async (replay) => {
      await replay.start();
      await replay.completeActivity('createCart', cartCreated());
    },
    partnerCenterThrottling: async (replay) => {
      await replay.start();
      await replay.completeActivity('createCart', throttled(17, 'createCart'));
    },
    partnerCenterOutage: async (replay) => {
      await replay.start();
      await replay.completeActivity('createCart', unavailable('createCart'));
    },
    credentialsOutage: async (replay) => {
      await replay.start();
      await replay.completeActivity('createCart', credentialsUnavailable());
    },
    cartBusy: async (replay) => {
      await replay.start();
      await cartReady(replay);
      await replay.completeActivity('checkoutCart', cartBusy());
    },
    orderList: async (replay) => {
      await replay.start();
      await cartReady(replay);
      await replay.completeActivity('checkoutCart', cartAlreadySubmitted());
      await replay.completeActivity('findCartOrders', ordered([], false));
    },
    orders: (replay) => checkedOut(replay, [order('ord-1', 'pending')]),
    peopleToAct: (replay) => checkedOut(replay, [order('ord-1', 'pending_po_upload')]),
    resultsTopic: async (replay) => {
      await replay.start();
      await replay.completeActivity('createCart', pcFailure('refused', 'createCart', 400, '10001', 'nope'));
      await replay.failActivity('publishResult', 'broker unreachable', { untilExhausted: true });
    },
  };

  test('every kind of wait has a setup here', () => {
    expect(Object.keys(setups).sort()).toEqual([...WAITS].sort());
  });

  test.each(WAITS.map((wait) => [wait]))('waiting for %s: waitingFor and nextCheckAt name the wait and its timer, and clear when it ends', async (wait) => {
    const replay = newOrderReplay(wait === 'partnerCenterBudget' ? { PARTNER_CENTER_BUDGET_PER_MINUTE: '1', PARTNER_CENTER_BUDGET_BURST: '1' } : {});
    await setups[wait](replay);
    const timers = replay.openTimers();
    expect(timers).toHaveLength(1);
    // Only the outcome's delivery waits with the outcome decided (and shown).
    expect(status(replay)).toMatchObject({ waitingFor: wait, nextCheckAt: timers[0].fireAt, outcome: wait === 'resultsTopic' ? 'failed' : null });
    await replay.fireTimer();
    expect(replay.openActivities()).toHaveLength(1);
    expect(status(replay)).toMatchObject({ waitingFor: null, nextCheckAt: null });
  });

  test('a very long Partner Center description is cut to 500 characters in lastError; the status stays under 16 KB', async () => {
    const replay = newOrderReplay();
    const many = Array.from({ length: 40 }, (_, i) => order(`ord-${String(i).padStart(2, '0')}-${'x'.repeat(36)}`, 'pending'));
    await checkedOut(replay, many);
    await replay.fireTimer();
    const description = `Order could not be read: ${'détail '.repeat(5000)}`;
    // The last order of the round fails, so its problem is what the status shows when the round ends.
    for (const o of many.slice(0, -1)) await replay.completeActivity('getOrder', orderRead(o));
    await replay.completeActivity('getOrder', pcFailure('refused', 'getOrder', 400, '900123', description));
    const shown = status(replay);
    expect(shown.lastError).toBe(`reading order ${many[39].id}: ${description}`.slice(0, 500));
    expect(shown.orders).toHaveLength(40);
    expect(Buffer.byteLength(JSON.stringify(replay.customStatus), 'utf8')).toBeLessThan(16 * 1024);
  });
});

describe('processOrder policy', () => {
  test('the policy comes only from the input: a different activityRetry.maxAttempts changes the number of attempts', async () => {
    const attemptsWith = async (maxAttempts: number) => {
      const base = policyOf();
      const input: ProcessOrderInput = {
        request: (newOrderReplay().input as ProcessOrderInput).request,
        receivedAt: START.toISOString(),
        policy: { ...base, activityRetry: { firstRetryMs: 1000, maxAttempts, backoffCoefficient: 1, maxRetryMs: 1000 } },
      };
      const replay = orderReplayWithInput(input);
      await replay.start();
      await replay.failActivity('createCart', 'socket hang up', { untilExhausted: true });
      expect(published(replay)).toMatchObject({ status: 'failed', errors: [{ reason: 'activityFailed' }] });
      return replay.history().filter((e) => e.EventType === EventType.TaskScheduled && e.Name === 'createCart').length;
    };
    // The settings table's default is 5; neither run may show it.
    expect(policyOf().activityRetry.maxAttempts).toBe(5);
    expect(await attemptsWith(2)).toBe(2);
    expect(await attemptsWith(4)).toBe(4);
  });

  test('a malformed publishing state in the input fails the instance naming it, before anything is bought', async () => {
    const input = { request: (newOrderReplay().input as ProcessOrderInput).request, receivedAt: START.toISOString(), policy: policyOf(), publishing: { message: { kind: 'submitted' }, outages: 'two' } };
    const replay = orderReplayWithInput(input as unknown as ProcessOrderInput);
    await replay.start();
    expect(replay.runtimeStatus).toBe('Failed');
    expect(String(replay.output)).toContain('publishing must be { message: an outcome, outages: a number } when given');
    expect(replay.scheduled).toEqual([]);
  });

  test('timings come from the input too: a first poll interval of 7 s that no setting default has', async () => {
    const replay = newOrderReplay({}, { pollInitialMs: 7000 });
    await checkedOut(replay, [order('ord-1', 'pending')]);
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(7);
  });
});

describe('processOrder: waits across continue-as-new, deadlines and counters', () => {
  test('continue-as-new right after a throttled poll round keeps the Retry-After wait in the new execution', async () => {
    const replay = newOrderReplay({ ORDER_POLLS_PER_EXECUTION: '1', ORDER_POLL_INITIAL_INTERVAL: 'PT1M' });
    await checkedOut(replay, [order('ord-1', 'pending')]);
    await replay.fireTimer();
    await replay.completeActivity('getOrder', throttled(900, 'getOrder'));
    expect(replay.executions).toHaveLength(2);
    // Partner Center asked for 900 s: the new execution waits that, not the 60 s poll interval.
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(900);
    expect(status(replay).waitingFor).toBe('partnerCenterThrottling');
  });

  test('an order that cannot be read stays in lastError when the next order is read fine in the same round', async () => {
    const replay = newOrderReplay();
    await checkedOut(replay, [order('ord-1', 'pending'), order('ord-2', 'pending')]);
    await replay.fireTimer();
    await replay.completeActivity('getOrder', pcFailure('notFound', 'getOrder', 404, '900001', 'Order not found'));
    await replay.completeActivity('getOrder', orderRead(order('ord-2', 'pending')));
    expect(status(replay).lastError).toBe('reading order ord-1: Order not found');
  });

  test("the 409/800064 busy wait is bounded by the order's deadline (past it the order ends unknown)", async () => {
    const replay = newOrderReplay({ ORDER_POLL_DEADLINE: 'PT1M', CHECKOUT_BUSY_RETRY_INTERVAL: 'PT30M' });
    await replay.start();
    await cartReady(replay);
    await replay.completeActivity('checkoutCart', cartBusy());
    const deadline = deadlineAfter(60_000);
    expect(replay.openTimers().length + replay.openActivities().length).toBeGreaterThan(0);
    expect(replay.openTimers().every((t) => t.fireAt <= deadline)).toBe(true);
    // The cart was busy with another request: it may have been checked out, so the outcome is unknown, never failed.
    expect(replay.activity('publishResult').input).toMatchObject({ kind: 'outcome', status: 'unknown', cartId: 'cart-1', errors: [{ source: 'workflow', reason: 'checkoutUnknown' }] });
  });

  test('a 429 before an outage does not lengthen the first outage wait (429 waits are not outage waits)', async () => {
    const replay = newOrderReplay({ OUTAGE_RETRY_INITIAL_INTERVAL: 'PT30S' });
    await replay.start();
    await cartReady(replay);
    await replay.completeActivity('checkoutCart', throttled(10));
    await replay.fireTimer();
    await replay.completeActivity('checkoutCart', unavailable());
    await replay.completeActivity('findCartOrders', notOrdered());
    // The first wait of this outage is OUTAGE_RETRY_INITIAL_INTERVAL.
    expect(secondsBetween(replay.now, replay.openTimers()[0].fireAt)).toBe(30);
  });
});

describe('processOrder pacing: the partner tenant\'s Partner Center budget', () => {
  test('every Partner Center call takes a slot from the budget entity, and calls are spaced at its rate on durable timers', async () => {
    // Two calls a minute, no burst: a slot every 30 s.
    const replay = newOrderReplay({ PARTNER_CENTER_BUDGET_PER_MINUTE: '2', PARTNER_CENTER_BUDGET_BURST: '1', PARTNER_CENTER_TENANT_ID: 'F0E1D2C3-B4A5-4968-8776-655443322110' });
    await replay.start();
    // The first call goes at once.
    expect(replay.activity('createCart').attempt).toBe(1);
    await replay.completeActivity('createCart', cartCreated(), 1000);
    // Checkout waits for the next slot, 30 s after the first, and says so.
    const [budgetWait] = replay.openTimers();
    expect(secondsBetween(START, budgetWait.fireAt)).toBe(30);
    expect(status(replay)).toMatchObject({ stage: 'checkingOut', waitingFor: 'partnerCenterBudget', nextCheckAt: budgetWait.fireAt });
    expect(replay.openActivities()).toEqual([]);
    await replay.fireTimer();
    await replay.completeActivity('checkoutCart', submitted([order('ord-1', 'pending')]));
    // Publishing is not a Partner Center call: no slot needed.
    await replay.completeActivity('publishResult', { ok: true, value: { messageId: 'm' } });
    await replay.fireTimer();
    await replay.completeActivity('getOrder', orderRead(order('ord-1', 'completed', 'monthly', 'sub-1')));
    expect(published(replay)).toMatchObject({ status: 'completed' });
    await replay.completeActivity('publishResult', { ok: true, value: { messageId: 'm2' } });
    expect(replay.runtimeStatus).toBe('Completed');
    // One entity per partner tenant (keyed by the tenant id, lower case), with one reservation per call.
    expect(replay.entityState('@partnercenterbudget@f0e1d2c3-b4a5-4968-8776-655443322110')).toMatchObject({ reserved: 3 });
  });

  test('with room in the burst, a cart and its checkout share one reservation, and a poll round reserves once for all its orders', async () => {
    // Two calls a minute, bursts of three: a reservation of up to three calls goes at once while the budget has room.
    // The first poll a minute after checkout, when the cart's and checkout's minute of budget has passed.
    const replay = newOrderReplay({ PARTNER_CENTER_BUDGET_PER_MINUTE: '2', PARTNER_CENTER_BUDGET_BURST: '3', ORDER_POLL_INITIAL_INTERVAL: 'PT1M', PARTNER_CENTER_TENANT_ID: 'F0E1D2C3-B4A5-4968-8776-655443322110' });
    const budget = '@partnercenterbudget@f0e1d2c3-b4a5-4968-8776-655443322110';
    await replay.start();
    expect(replay.entityState(budget)).toMatchObject({ reserved: 1 });
    await replay.completeActivity('createCart', cartCreated(), 1000);
    // The checkout takes the slot reserved with the cart: no second reservation, no budget wait.
    expect(replay.openTimers()).toEqual([]);
    expect(replay.openActivities().map((a) => a.name)).toEqual(['checkoutCart']);
    expect(replay.entityState(budget)).toMatchObject({ reserved: 1 });
    await replay.completeActivity('checkoutCart', submitted([order('ord-1', 'pending'), order('ord-2', 'pending'), order('ord-3', 'pending')]));
    await replay.completeActivity('publishResult', { ok: true, value: { messageId: 'm' } });
    await replay.fireTimer();
    // One reservation for the round's three reads.
    for (const id of ['ord-1', 'ord-2', 'ord-3']) {
      expect(replay.openTimers()).toEqual([]);
      await replay.completeActivity('getOrder', orderRead(order(id, 'completed', 'monthly', `sub-${id}`)));
    }
    expect(replay.entityState(budget)).toMatchObject({ reserved: 2 });
    expect(published(replay)).toMatchObject({ status: 'completed' });
    await replay.completeActivity('publishResult', { ok: true, value: { messageId: 'm2' } });
    expect(replay.runtimeStatus).toBe('Completed');
  });

  test('a cancel during a budget wait before the cart is created ends the order at once, with nothing bought', async () => {
    const replay = newOrderReplay({ PARTNER_CENTER_BUDGET_PER_MINUTE: '1', PARTNER_CENTER_BUDGET_BURST: '1' });
    await replay.start();
    await replay.completeActivity('createCart', throttled(1, 'createCart'));
    await replay.fireTimer();
    // The second try of the cart waits for the budget's next slot (a minute after the first call).
    expect(status(replay)).toMatchObject({ stage: 'creatingCart', waitingFor: 'partnerCenterBudget' });
    await replay.raiseEvent(CANCEL_EVENT);
    expect(published(replay)).toMatchObject({ status: 'cancelled', cartId: null, errors: [{ reason: 'cancelled' }] });
    expect(names(replay)).toEqual(['createCart', 'publishResult']);
  });
});
