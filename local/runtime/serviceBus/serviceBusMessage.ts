import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import type { RpcTypedData } from '../coreApiTypes';

/**
 * The trigger data the Service Bus extension sends a Node function: text bodies as strings (which @azure/functions
 * JSON-parses when it can), structured AMQP values as JSON, other binary bodies as bytes.
 */
export function triggerDataOf(message: ServiceBusReceivedMessage): RpcTypedData {
  const body: unknown = message.body;
  if (typeof body === 'string') return { string: body };
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
    const text = Buffer.from(body).toString('utf8');
    return Buffer.from(text, 'utf8').equals(Buffer.from(body)) ? { string: text } : { bytes: Buffer.from(body) };
  }
  return { json: JSON.stringify(body ?? null) };
}

/**
 * Trigger metadata with the names the extension binds (ServiceBusTriggerBindingStrategy / message properties);
 * @azure/functions camel-cases them into context.triggerMetadata (messageId, deliveryCount, applicationProperties...).
 */
export function triggerMetadataOf(message: ServiceBusReceivedMessage): Record<string, RpcTypedData> {
  const metadata: Record<string, unknown> = {
    MessageId: message.messageId,
    // The AMQP header counts earlier attempts (0 on the first delivery) and the JS SDK passes it through; the host
    // reads it with the .NET SDK, which adds one, so a function sees 1 on the first delivery.
    DeliveryCount: (message.deliveryCount ?? 0) + 1,
    CorrelationId: message.correlationId,
    ContentType: message.contentType,
    Subject: message.subject,
    Label: message.subject,
    To: message.to,
    ReplyTo: message.replyTo,
    SessionId: message.sessionId,
    SequenceNumber: message.sequenceNumber?.toNumber(),
    EnqueuedTimeUtc: message.enqueuedTimeUtc?.toISOString(),
    ExpiresAtUtc: message.expiresAtUtc?.toISOString(),
    LockToken: message.lockToken,
    DeadLetterSource: message.deadLetterSource,
    ApplicationProperties: normalize(message.applicationProperties ?? {}),
    UserProperties: normalize(message.applicationProperties ?? {}),
  };
  const result: Record<string, RpcTypedData> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (value !== undefined && value !== null) result[key] = { json: JSON.stringify(value) };
  }
  return result;
}

function normalize(properties: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) out[key] = value instanceof Date ? value.toISOString() : value;
  return out;
}
