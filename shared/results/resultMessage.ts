// How a result becomes a Service Bus message. Identity is derived, never random: the message id is the instance id
// plus the subject, so a publish that is retried (by the Durable retry policy, or after a host crash) carries the
// same id and the topic's duplicate detection drops the copy.

import type { ServiceBusMessage } from '@azure/service-bus';
import { deterministicUuid, resultSubject, type ResultMessage } from '../orders';

/** Service Bus limit on MessageId. */
const MAX_MESSAGE_ID_LENGTH = 128;

export function resultMessageId(message: ResultMessage): string {
  const subject = resultSubject(message);
  if (message.kind === 'purchaseOrderRequired') return `${message.instanceId}:${subject}:${message.partnerCenterOrderId}`;
  if (message.kind !== 'rejection') {
    if (message.instanceId !== null) return `${message.instanceId}:${subject}`;
    return `${subject}:${deterministicUuid(JSON.stringify({ ...message, finishedAt: null }))}`;
  }
  // A rejected queue message never got an instance: its own message id identifies it (and its redeliveries).
  const candidate = `${subject}:${message.messageId}`;
  return candidate.length <= MAX_MESSAGE_ID_LENGTH ? candidate : `${subject}:${deterministicUuid(message.messageId)}`;
}

export function toServiceBusMessage(message: ResultMessage): ServiceBusMessage {
  const applicationProperties: Record<string, string> = { kind: message.kind, status: resultSubject(message) };
  if (message.customerId !== null) applicationProperties.customerId = message.customerId;
  if (message.kind === 'rejection') {
    // Correlated with the message it answers, never with an order: a rejection must not read as an order's result.
    applicationProperties.rejectedMessageId = message.messageId;
    return { body: message, contentType: 'application/json', messageId: resultMessageId(message), correlationId: message.messageId, subject: 'rejected', applicationProperties };
  }
  if (message.orderId !== null) applicationProperties.orderId = message.orderId;
  if (message.instanceId !== null) applicationProperties.instanceId = message.instanceId;
  return {
    body: message,
    contentType: 'application/json',
    messageId: resultMessageId(message),
    correlationId: message.orderId ?? undefined,
    subject: resultSubject(message),
    applicationProperties,
  };
}
