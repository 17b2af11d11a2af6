// Builds processOrder replays and the activity results they are answered with.
import { registeredFunction } from './durableHost';
import { OrchestrationReplay } from './replay';
import { PROCESS_ORDER, registerProcessOrderOrchestration, type ProcessOrderInput, type WorkflowPolicy } from '../../../orchestrations';
import type { CheckoutResult, CreateCartResult, GetOrderStatusResult } from '../../../orchestrations/activities/contracts';
import { orderInstanceId, type OrderSummary } from '../../../shared/orders';
import { validOrder } from '../../fixtures/orders/requests';

registerProcessOrderOrchestration();

export const START = new Date('2026-03-02T09:00:00.000Z');
export const INSTANCE_ID = orderInstanceId('SO-10001');
export const DAY_MS = 86_400_000;

export function newOrderReplay(policy?: Partial<WorkflowPolicy>): OrchestrationReplay {
  const input: ProcessOrderInput = { request: validOrder(), receivedAt: START.toISOString(), policy };
  return new OrchestrationReplay(registeredFunction(PROCESS_ORDER).handler, INSTANCE_ID, input, START);
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

/** Answers createCart with a cart and opens the checkout gate (the zero-length timer raced with cancel). */
export async function cartReady(replay: OrchestrationReplay, result: CreateCartResult = cartCreated()) {
  await replay.completeActivity('createCart', result);
  const gate = await replay.fireTimer();
  expect(gate.fireAt).toBe(new Date(replay.now).toISOString());
}

/** Runs an order to the point where polling starts: cart created, checkout answered, milestone published. */
export async function checkedOut(replay: OrchestrationReplay, orders: OrderSummary[], orderErrors: Parameters<typeof submitted>[1] = []) {
  await replay.start();
  await cartReady(replay);
  await replay.completeActivity('checkoutCart', submitted(orders, orderErrors));
  await replay.completeActivity('publishResult', { messageId: `${INSTANCE_ID}:submitted` });
}
