// Builds processOrder drivers and the activity results they are answered with.
import { appFunctions, registerAnsweredActivities } from './durableHost';
import { EventType } from '../../../local/runtime/durable/historyEvents';
import { OrchestrationDriver } from './orchestrationDriver';
import { PROCESS_ORDER, registerProcessOrderOrchestration, type ProcessOrderInput, type WorkflowPolicy } from '../../../orchestrations';
import { ACTIVITY, type CheckoutResult, type CreateCartResult, type GetOrderStatusResult } from '../../../orchestrations/activities/contracts';
import { orderInstanceId, type OrderSummary } from '../../../shared/orders';
import { validOrder } from '../../fixtures/orders/requests';

registerProcessOrderOrchestration();
registerAnsweredActivities(Object.values(ACTIVITY));

export const START = new Date('2026-03-02T09:00:00.000Z');
export const INSTANCE_ID = orderInstanceId('SO-10001');
export const DAY_MS = 86_400_000;

export function newOrderReplay(policy?: Partial<WorkflowPolicy>): OrchestrationDriver {
  const input: ProcessOrderInput = { request: validOrder(), receivedAt: START.toISOString(), policy };
  return new OrchestrationDriver({ functions: appFunctions, orchestrator: PROCESS_ORDER, instanceId: INSTANCE_ID, input, start: START });
}

export const cartCreated = (cartId = 'cart-1', expiresAt = new Date(START.getTime() + 7 * DAY_MS).toISOString()): CreateCartResult => ({
  kind: 'created',
  cartId,
  createdAt: START.toISOString(),
  expiresAt,
  lineItemErrors: [],
});

export const order = (id: string, status: string, billingCycle: OrderSummary['billingCycle'] = 'monthly', subscriptionId?: string): OrderSummary => ({
  id,
  status,
  billingCycle,
  lineItems: [{ lineItemNumber: 0, offerId: 'CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5', quantity: 5, ...(subscriptionId ? { subscriptionId } : {}) }],
});

export const submitted = (orders: OrderSummary[], orderErrors: { orderGroupId: string; code: number; description: string }[] = []): CheckoutResult => ({
  kind: 'submitted',
  orders,
  orderErrors,
});

export const orderStatus = (summary: OrderSummary): GetOrderStatusResult => ({ kind: 'order', order: summary });

export const secondsBetween = (from: Date | string, to: string) => (Date.parse(to) - new Date(from).getTime()) / 1000;

/**
 * Answers createCart with a cart. The checkout gate that follows is a zero-length timer raced with cancel: it is due at
 * once, so the runtime fires it in the next episode and checkout starts without the test moving the clock.
 */
export async function cartReady(driver: OrchestrationDriver, result: CreateCartResult = cartCreated()) {
  await driver.completeActivity('createCart', result);
  const gate = driver.timers[driver.timers.length - 1];
  expect(gate.fireAt).toBe(driver.now.toISOString());
  expect(driver.history().filter((e) => e.EventType === EventType.TimerFired && e.TimerId === gate.id)).toHaveLength(1);
  expect(driver.openTimers()).toEqual([]);
}

/** Runs an order to the point where polling starts: cart created, checkout answered, milestone published. */
export async function checkedOut(driver: OrchestrationDriver, orders: OrderSummary[], orderErrors: Parameters<typeof submitted>[1] = []) {
  await driver.start();
  await cartReady(driver);
  await driver.completeActivity('checkoutCart', submitted(orders, orderErrors));
  await driver.completeActivity('publishResult', { messageId: `${INSTANCE_ID}:submitted` });
}
