/**
 * AMQP errors worded the way @azure/service-bus maps them: e.g. "could not be found" + "status-code: 404" becomes the
 * SDK's non-retryable MessagingEntityNotFound, `com.microsoft:message-lock-lost` becomes MessageLockLost.
 */
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
