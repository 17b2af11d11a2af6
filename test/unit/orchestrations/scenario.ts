// Builds processOrder drivers and the activity results they are answered with.
import { appFunctions, registerAnsweredActivities } from './durableHost';
import { EventType } from '../../../local/runtime/durable/historyEvents';
import { OrchestrationDriver } from './orchestrationDriver';
import { PROCESS_ORDER, registerProcessOrderOrchestration, type OrderCustomStatus, type ProcessOrderInput } from '../../../orchestrations';
import type { OrderActivities } from '../../../orchestrations/activities';
import type { ActivityResult } from '../../../orchestrations/activities/activityResult';
import type { CheckedOut, OrderGroupError } from '../../../orchestrations/activities/checkoutCart';
import type { CreatedCart } from '../../../orchestrations/activities/createCart';
import type { CartOrders } from '../../../orchestrations/activities/findCartOrders';
import { loadWorkflowPolicy, type WorkflowPolicy } from '../../../shared/config';
import { orderInstanceId, type Failure, type OrderOutcome, type OrderSummary } from '../../../shared/orders';
import { validOrder } from '../../fixtures/orders/requests';

/** The activity names processOrder calls: every key of the activities' own registry type, checked by the compiler. */
const EVERY_ACTIVITY = { createCart: true, checkoutCart: true, findCartOrders: true, getOrder: true, publishResult: true } satisfies Record<keyof OrderActivities, true>;
export const ACTIVITY_NAMES = Object.keys(EVERY_ACTIVITY) as (keyof OrderActivities)[];

registerProcessOrderOrchestration();
registerAnsweredActivities(ACTIVITY_NAMES);

export const START = new Date('2026-03-02T09:00:00.000Z');
export const INSTANCE_ID = orderInstanceId('SO-10001');
export const SECOND_MS = 1000;
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/**
 * The policy an order starts with, as the starters build it: the settings table read through loadWorkflowPolicy
 * (defaults for everything not named), then any direct overrides. RETRY_JITTER is 0 unless a test names it, so waits
 * are exact; the jitter tests set it.
 */
export function policyOf(settings: Record<string, string> = {}, overrides: Partial<WorkflowPolicy> = {}): WorkflowPolicy {
  // Exact waits (no jitter) and no pacing unless a test turns them on: the budget's own tests set its settings.
  return { ...loadWorkflowPolicy({ RETRY_JITTER: 'PT0S', PARTNER_CENTER_BUDGET_PER_MINUTE: '0', ...settings }), ...overrides };
}

/** A driver for one order (SO-10001 unless named), started as the starters start it: its instance id, its policy. */
export function newOrderReplay(settings: Record<string, string> = {}, overrides: Partial<WorkflowPolicy> = {}, orderId = 'SO-10001', startId?: string): OrchestrationDriver {
  const input: ProcessOrderInput = { request: validOrder({ orderId }), receivedAt: START.toISOString(), policy: policyOf(settings, overrides), ...(startId === undefined ? {} : { startId }) };
  return new OrchestrationDriver({ functions: appFunctions, orchestrator: PROCESS_ORDER, instanceId: orderInstanceId(orderId), input, start: START });
}

/** A driver for an order whose input is given whole (e.g. a policy built by hand). */
export function orderReplayWithInput(input: ProcessOrderInput): OrchestrationDriver {
  return new OrchestrationDriver({ functions: appFunctions, orchestrator: PROCESS_ORDER, instanceId: orderInstanceId(input.request.orderId), input, start: START });
}

export const ok = <T>(value: T): ActivityResult<T> => ({ ok: true, value });
export const failed = (failure: Failure): ActivityResult<never> => ({ ok: false, failure });

export const cartCreated = (cartId = 'cart-1', expiresAt = new Date(START.getTime() + 7 * DAY_MS).toISOString()): ActivityResult<CreatedCart> =>
  ok({ cartId, expiresAt, lineItemErrors: [] });

export const order = (id: string, status: string, billingCycle: OrderSummary['billingCycle'] = 'monthly', subscriptionId?: string): OrderSummary => ({
  id,
  status,
  billingCycle,
  lineItems: [{ lineItemNumber: 0, offerId: 'CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5', quantity: 5, ...(subscriptionId ? { subscriptionId } : {}) }],
});

export const submitted = (orders: OrderSummary[], orderErrors: OrderGroupError[] = []): ActivityResult<CheckedOut> => ok({ orders, orderErrors });
export const orderRead = (summary: OrderSummary): ActivityResult<OrderSummary> => ok(summary);
export const notOrdered = (): ActivityResult<CartOrders> => ok({ kind: 'notOrdered' });
export const ordered = (orders: OrderSummary[], complete = true): ActivityResult<CartOrders> => ok({ kind: 'ordered', orders, complete });
export const publishedAs = (messageId = `${INSTANCE_ID}:published`) => ok({ messageId });

// Failures exactly as describeFailure (shared/orders/failure.ts) words them for the activities.
export const throttled = (retryAfterSeconds: number, operation = 'checkout') =>
  failed({ reason: 'throttled', message: 'Partner Center throttled the call', operation, status: 429, retryAfterSeconds });
export const unavailable = (operation = 'checkout') => failed({ reason: 'unavailable', message: 'Partner Center was unavailable (HTTP 503)', operation, status: 503 });
export const pcFailure = (reason: Failure['reason'], operation: string, status: number, code: string, message: string) => failed({ reason, operation, status, code, message });
export const cartBusy = () => pcFailure('cartBusy', 'checkout', 409, '800064', 'The cart is being processed by another request');
export const cartAlreadySubmitted = () => pcFailure('cartAlreadySubmitted', 'checkout', 400, '800065', 'Cart has already been submitted');
export const cartExpired = () => pcFailure('cartExpired', 'checkout', 404, '800008', 'Unable to retrieve cart ID');

export const secondsBetween = (from: Date | string, to: string) => (Date.parse(to) - new Date(from).getTime()) / 1000;
export const msBetween = (from: Date | string, to: string) => Date.parse(to) - new Date(from).getTime();

export const names = (replay: OrchestrationDriver) => replay.scheduled.map((a) => a.name);
export const status = (replay: OrchestrationDriver) => replay.customStatus as OrderCustomStatus;
/** The outcome (or milestone) the open publishResult activity was asked to publish. */
export const published = (replay: OrchestrationDriver) => replay.activity('publishResult').input as OrderOutcome;

/**
 * Answers createCart with a cart. The checkout gate that follows is a zero-length timer raced with cancel: it is due at
 * once, so the runtime fires it in the next episode and checkout starts without the test moving the clock.
 */
export async function cartReady(driver: OrchestrationDriver, result: ActivityResult<CreatedCart> = cartCreated()) {
  await driver.completeActivity('createCart', result);
  const gate = driver.timers[driver.timers.length - 1];
  expect(gate.fireAt).toBe(driver.now.toISOString());
  expect(driver.history().filter((e) => e.EventType === EventType.TimerFired && e.TimerId === gate.id)).toHaveLength(1);
  expect(driver.openTimers()).toEqual([]);
}

/** Runs an order to the point where polling starts: cart created, checkout answered, milestone published. */
export async function checkedOut(driver: OrchestrationDriver, orders: OrderSummary[], orderErrors: OrderGroupError[] = []) {
  await driver.start();
  await cartReady(driver);
  await driver.completeActivity('checkoutCart', submitted(orders, orderErrors));
  await driver.completeActivity('publishResult', publishedAs(`${INSTANCE_ID}:submitted`));
}
