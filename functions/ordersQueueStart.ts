// Service Bus queue trigger: the ERP's order requests. Parse, validate, start processOrder once per ERP order id.
// - invalid message: its `rejected` outcome is published and the message completes (retrying cannot fix it);
// - duplicate (an instance exists in any state): logged and completed, nothing is started again;
// - the Durable backend unreachable: thrown, so Service Bus redelivers and, after max delivery count, dead-letters.

import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { validateOrderRequest, type OrderOutcome, type OrderValidation } from '../shared/orders';
import type { ResultPublisher } from '../shared/results';
import { startOrderOnce, type OrderInstances, type StartDeps } from './orderInstances';

export interface OrdersQueueDeps extends StartDeps {
  publisher: ResultPublisher;
  getClient: (context: InvocationContext) => OrderInstances;
}

/** The body as JSON: the host hands over a parsed object, a string or bytes depending on how it was sent. */
function readBody(message: unknown): { ok: true; value: unknown } | { ok: false } {
  if (Buffer.isBuffer(message) || typeof message === 'string') {
    try {
      return { ok: true, value: JSON.parse(message.toString()) };
    } catch {
      return { ok: false };
    }
  }
  return { ok: true, value: message };
}

export function createOrdersQueueHandler(deps: OrdersQueueDeps) {
  return async function ordersQueueStart(message: unknown, context: InvocationContext): Promise<void> {
    const messageId = String(context.triggerMetadata?.messageId ?? context.invocationId);
    const body = readBody(message);
    const validation: OrderValidation = body.ok
      ? validateOrderRequest(body.value)
      : { ok: false, errors: [{ field: '(body)', message: 'must be a JSON object (the message body is not valid JSON)' }] };
    if (!validation.ok) {
      const now = deps.now().toISOString();
      const rejected: OrderOutcome = {
        kind: 'outcome',
        status: 'rejected',
        orderId: validation.orderId ?? null,
        customerId: validation.customerId ?? null,
        instanceId: null,
        cartId: null,
        orders: [],
        errors: validation.errors.map((e) => ({ source: 'validation', ...e })),
        receivedAt: now,
        submittedAt: null,
        finishedAt: now,
        sourceMessageId: messageId,
      };
      await deps.publisher.publish(rejected);
      context.warn(`Order message ${messageId} rejected (order id ${validation.orderId ?? 'unreadable'}): ${validation.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
      return;
    }
    const started = await startOrderOnce(deps.getClient(context), validation.request, deps);
    if (started.kind === 'duplicate') {
      context.warn(`Order ${validation.request.orderId} (message ${messageId}) already has instance ${started.instanceId} (${started.existing.runtimeStatus}); nothing started`);
      return;
    }
    context.log(`Order ${validation.request.orderId} (message ${messageId}) started as instance ${started.instanceId}`);
  };
}

export interface OrdersQueueRegistration {
  queueName: string;
  /** App setting prefix of the Service Bus connection (connection string or __fullyQualifiedNamespace). */
  connection: string;
}

export function registerOrdersQueueStart(registration: OrdersQueueRegistration, deps: Omit<OrdersQueueDeps, 'getClient'>): void {
  app.serviceBusQueue('ordersQueueStart', {
    connection: registration.connection,
    queueName: registration.queueName,
    extraInputs: [df.input.durableClient()],
    handler: createOrdersQueueHandler({ ...deps, getClient: (context) => df.getClient(context) }),
  });
}
