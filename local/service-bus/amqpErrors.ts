/**
 * AMQP errors worded the way @azure/service-bus maps them: e.g. "could not be found" + "status-code: 404" becomes the
 * SDK's non-retryable MessagingEntityNotFound, `com.microsoft:message-lock-lost` becomes MessageLockLost.
 */
import { randomUUID } from 'node:crypto';
import type { AmqpError } from 'rhea';

export function entityNotFound(path: string, declared: string[]): AmqpError {
  return {
    condition: 'amqp:not-found',
    description:
      `The messaging entity '${path}' could not be found (status-code: 404). ` +
      `This broker declares: ${declared.length > 0 ? declared.join(', ') : '(no entities)'}; add it to the broker's Config.json.`,
  };
}

export function notImplemented(operation: string): AmqpError {
  return { condition: 'amqp:not-implemented', description: `${operation} is not supported by this local Service Bus broker.` };
}

export function unauthorized(description: string): AmqpError {
  return { condition: 'amqp:unauthorized-access', description };
}

export function lockLost(lockToken: string): AmqpError {
  return {
    condition: 'com.microsoft:message-lock-lost',
    description: `The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue (lock token ${lockToken}).`,
  };
}

export function messageTooLarge(size: number, limit: number): AmqpError {
  return {
    condition: 'amqp:link:message-size-exceeded',
    description: `The received message (${size} bytes) exceeds the limit of ${limit} bytes this broker advertises in max_message_size.`,
  };
}

export function invalidField(description: string): AmqpError {
  return { condition: 'amqp:invalid-field', description };
}

export function internalError(error: unknown): AmqpError {
  return { condition: 'amqp:internal-error', description: `The local Service Bus broker failed: ${(error as Error)?.message ?? String(error)}` };
}

/**
 * Refusals Service Bus gives a send. The conditions are the ones @azure/core-amqp maps (errors.js
 * ConditionErrorNameMapper) and @azure/service-bus turns into ServiceBusError codes (serviceBusError.js):
 * server-busy → ServerBusyError → ServiceBusy (retryable), resource-limit-exceeded → QuotaExceededError →
 * QuotaExceeded, entity-disabled → MessagingEntityDisabledError → MessagingEntityDisabled (neither retryable).
 */
export const SEND_FAILURE_CONDITIONS = ['com.microsoft:server-busy', 'amqp:resource-limit-exceeded', 'com.microsoft:entity-disabled'] as const;
export type SendFailureCondition = (typeof SEND_FAILURE_CONDITIONS)[number];

export function sendFailure(condition: SendFailureCondition, entityPath: string): AmqpError {
  switch (condition) {
    case 'com.microsoft:server-busy':
      // Standard tier's credit-based throttling (service-bus-throttling); the wording follows the service's 50009 answer.
      return { condition, description: `The request was terminated because the entity '${entityPath}' is being throttled. Error code : 50009. Please wait 2 seconds and try again.` };
    case 'amqp:resource-limit-exceeded':
      return { condition, description: `The maximum entity size has been reached or exceeded for '${entityPath}'. Receive or delete messages to make room.` };
    case 'com.microsoft:entity-disabled':
      return { condition, description: `Messaging entity '${entityPath}' is currently disabled. Enable it to send to it.` };
  }
}

/**
 * Service Bus ends its error descriptions with where and when it failed ("… TrackingId:<id>_G25,
 * SystemTracker:gateway7, Timestamp:2022-03-23T09:06:34"), as in Azure/azure-sdk-for-java#27831; support asks for it.
 */
export function trackingSuffix(systemTracker = 'local-service-bus'): string {
  return ` TrackingId:${randomUUID().replace(/-/g, '')}_G0, SystemTracker:${systemTracker}, Timestamp:${new Date().toISOString().slice(0, 19)}`;
}
