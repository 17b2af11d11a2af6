// Service Bus queue trigger: the ERP's order requests. Parse, validate, start processOrder once per ERP order id.
// - invalid message: a rejection naming the message (and the order id it claimed, and whether that order exists) is
//   published and the message completes (retrying cannot fix it); the rejection never reads as an order's outcome;
// - duplicate (an instance exists in any state): nothing is started again. The same request (a redelivery, an ERP
//   retry, compared after validation) is logged and completed; a different request reusing the order id gets a
//   rejection naming orderId, as the original order's outcome would otherwise read as this request's answer;
// - the Durable backend unreachable: thrown, so Service Bus redelivers and, after max delivery count, dead-letters.

import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { boundRejection, deterministicUuid, orderInstanceId, printable, validateOrderRequest, type MessageRejection, type OrderValidation } from '../shared/orders';
import type { ResultPublisher } from '../shared/results';
import { duplicateMatch, findInstance, orderIdInUse, startOrderOnce, type OrderInstances, type StartDeps } from './orderInstances';

export interface OrdersQueueDeps extends StartDeps {
  publisher: ResultPublisher;
  getClient: (context: InvocationContext) => OrderInstances;
}

/**
 * The body as JSON: the host hands over a parsed object, a string or bytes depending on how it was sent. Bytes must
 * be UTF-8: two different invalid sequences would otherwise decode to the same U+FFFD text.
 */
function readBody(message: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  if (Buffer.isBuffer(message) || typeof message === 'string') {
    let text: string;
    try {
      text = typeof message === 'string' ? message : new TextDecoder('utf-8', { fatal: true }).decode(message);
    } catch {
      return { ok: false, message: 'must be UTF-8 JSON (the message body has bytes that are not UTF-8)' };
    }
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return { ok: false, message: 'must be a JSON object (the message body is not valid JSON)' };
    }
  }
  return { ok: true, value: message };
}

/**
 * The message id as the rejection names it. Service Bus message ids are strings of up to 128 characters, but AMQP lets
 * a sender use a number, a UUID or bytes: those arrive as JSON, and each still names its own message (two byte ids
 * must not both become "[object Object]", or the topic would drop the second rejection as a duplicate).
 */
function messageIdOf(context: InvocationContext): string {
  const raw: unknown = context.triggerMetadata?.messageId;
  if (typeof raw === 'string' && raw.length > 0) return raw;
  if (raw === undefined || raw === null || raw === '') return context.invocationId;
  const json = JSON.stringify(raw) ?? context.invocationId;
  // Within Service Bus's 128-character limit, as the rejection's correlation id on the topic is this id.
  return json.length <= 128 ? json : `id:${deterministicUuid(json)}`;
}

export function createOrdersQueueHandler(deps: OrdersQueueDeps) {
  return async function ordersQueueStart(message: unknown, context: InvocationContext): Promise<void> {
    const messageId = messageIdOf(context);
    const body = readBody(message);
    const validation: OrderValidation = body.ok ? validateOrderRequest(body.value) : { ok: false, errors: [{ field: '(body)', message: body.message }] };
    if (!validation.ok) {
      const claimed = validation.claimedOrderId;
      // The claimed id is looked up only to say whether such an order exists; the rejection never touches it.
      const existing = claimed === undefined ? undefined : await findInstance(deps.getClient(context), orderInstanceId(claimed));
      const rejection: MessageRejection = boundRejection({
        kind: 'rejection',
        messageId,
        claimedOrderId: claimed === undefined ? null : printable(claimed),
        claimedOrderExists: existing !== undefined,
        claimedInstanceId: existing?.instanceId ?? null,
        customerId: validation.customerId ?? null,
        errors: validation.errors.map((e) => ({ source: 'validation', ...e })),
        rejectedAt: deps.now().toISOString(),
      });
      await deps.publisher.publish(rejection);
      const claim = claimed === undefined ? 'no readable order id' : `claimed order id ${printable(claimed)}${existing ? ` (an existing order, ${String(existing.runtimeStatus)}, left as it is)` : ''}`;
      context.warn(`Order message ${printable(messageId)} rejected (${claim}): ${validation.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
      return;
    }
    const started = await startOrderOnce(deps.getClient(context), validation.request, deps);
    if (started.kind === 'duplicate') {
      const match = duplicateMatch(started.existing, validation.request);
      if (match.kind === 'same') {
        context.warn(`Order ${validation.request.orderId} (message ${messageId}) already has instance ${started.instanceId} (${started.existing.runtimeStatus}); nothing started`);
        return;
      }
      const inUse = orderIdInUse(started.existing, match);
      const rejection: MessageRejection = boundRejection({
        kind: 'rejection',
        messageId,
        claimedOrderId: printable(validation.request.orderId),
        claimedOrderExists: true,
        claimedInstanceId: started.instanceId,
        customerId: validation.request.customerId,
        errors: [{ source: 'validation', field: 'orderId', message: inUse }],
        rejectedAt: deps.now().toISOString(),
      });
      await deps.publisher.publish(rejection);
      context.warn(`Order message ${printable(messageId)} rejected: order id ${printable(validation.request.orderId)} is ${inUse}`);
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
