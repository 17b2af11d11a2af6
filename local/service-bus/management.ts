/**
 * The `<entity>/$management` node: request/response operations the SDK sends as AMQP messages. Implemented: renew-lock,
 * peek-message, update-disposition (settling by lock token when the receiving link is gone, and for deferred
 * messages) and receive-by-sequence-number (receiving deferred messages). Everything else gets 501 naming it.
 */
import { types, type AmqpError, type Message } from 'rhea';
import type { AccessRight } from './authorization';
import type { EntityRegistry } from './entityRegistry';
import { uuidBytes, uuidString } from './lockToken';
import { encodeStoredMessage } from './messageCodec';
import type { MessageStore } from './messageStore';
import type { Consumer, Outcome, StoredMessage } from './storedMessage';

export const MANAGEMENT_SUFFIX = '/$management';

type Body = Record<string, unknown>;

function response(request: Message, statusCode: number, description: string, body?: unknown, condition?: string): Message {
  const application_properties: Record<string, unknown> = { statusCode, statusDescription: description };
  if (condition) application_properties['error-condition'] = condition;
  return { correlation_id: request.message_id, application_properties, body };
}

function lockTokens(body: Body): string[] {
  const raw = body['lock-tokens'];
  return Array.isArray(raw) ? raw.filter(Buffer.isBuffer).map(uuidString) : [];
}

function lockLostResponse(request: Message, token: string): Message {
  return response(request, 410, `The lock supplied is invalid. Either the lock expired, or the message has already been removed (lock token ${token}).`, undefined, 'com.microsoft:message-lock-lost');
}

function renewLock(request: Message, store: MessageStore, body: Body): Message {
  const expirations: Date[] = [];
  for (const token of lockTokens(body)) {
    const lockedUntil = store.renewLock(token);
    if (!lockedUntil) return lockLostResponse(request, token);
    expirations.push(lockedUntil);
  }
  return response(request, 200, 'OK', { expirations });
}

function peek(request: Message, store: MessageStore, body: Body): Message {
  const from = Number(body['from-sequence-number'] ?? 1);
  const count = Number(body['message-count'] ?? 1);
  const messages = store.peek(from, count);
  if (messages.length === 0) return response(request, 204, 'No messages to peek.');
  return response(request, 200, 'OK', { messages: messages.map((m) => ({ message: encodeStoredMessage(m, { lockedUntil: m.lock?.lockedUntil }) })) });
}

const DISPOSITIONS: Record<string, Outcome['kind']> = { completed: 'complete', abandoned: 'abandon', defered: 'defer', suspended: 'deadLetter' };

function updateDisposition(request: Message, store: MessageStore, body: Body): Message {
  const kind = DISPOSITIONS[String(body['disposition-status'])];
  if (!kind) return response(request, 400, `disposition-status must be one of ${Object.keys(DISPOSITIONS).join(', ')}, got ${JSON.stringify(body['disposition-status'])}.`, undefined, 'com.microsoft:argument-error');
  const propertiesToModify = body['properties-to-modify'] as Record<string, unknown> | undefined;
  const outcome: Outcome =
    kind === 'deadLetter'
      ? { kind, reason: body['deadletter-reason'] as string | undefined, description: body['deadletter-description'] as string | undefined, propertiesToModify }
      : kind === 'complete'
        ? { kind }
        : { kind, propertiesToModify };
  for (const token of lockTokens(body)) {
    if (!store.settle(token, outcome)) return lockLostResponse(request, token);
  }
  return response(request, 200, 'OK');
}

function receiveDeferred(request: Message, store: MessageStore, body: Body): Message {
  const sequenceNumbers = Array.isArray(body['sequence-numbers']) ? (body['sequence-numbers'] as unknown[]).map(Number) : [];
  const delivered: { message: StoredMessage; token?: string }[] = [];
  const collector: Consumer = {
    mode: Number(body['receiver-settle-mode']) === 0 ? 'receiveAndDelete' : 'peekLock',
    capacity: () => sequenceNumbers.length,
    deliver: (message, token) => delivered.push({ message, token }),
  };
  store.takeDeferred(sequenceNumbers, collector);
  if (delivered.length === 0) {
    return response(request, 410, `No deferred messages with sequence numbers ${sequenceNumbers.join(', ')}.`, undefined, 'com.microsoft:message-not-found');
  }
  const messages = delivered.map(({ message, token }) => {
    const entry: Record<string, unknown> = { message: encodeStoredMessage(message, { lockedUntil: message.lock?.lockedUntil }) };
    if (token) entry['lock-token'] = types.wrap_uuid(uuidBytes(token));
    return entry;
  });
  return response(request, 200, 'OK', { messages });
}

const OPERATIONS: Record<string, (request: Message, store: MessageStore, body: Body) => Message> = {
  'com.microsoft:renew-lock': renewLock,
  'com.microsoft:peek-message': peek,
  'com.microsoft:update-disposition': updateDisposition,
  'com.microsoft:receive-by-sequence-number': receiveDeferred,
};

/** Answers one request sent to `<entityPath>/$management`. */
export function handleManagementRequest(request: Message, entityPath: string, registry: EntityRegistry): Message {
  const operation = String((request.application_properties as Record<string, unknown> | undefined)?.operation);
  const handler = OPERATIONS[operation];
  if (!handler) {
    return response(request, 501, `The $management operation '${operation}' is not supported by this local Service Bus broker (supported: ${Object.keys(OPERATIONS).join(', ')}).`, undefined, 'amqp:not-implemented');
  }
  const store = registry.receiveSource(entityPath);
  if (!store) {
    return response(request, 404, `The messaging entity '${entityPath}' could not be found (status-code: 404).`, undefined, 'amqp:not-found');
  }
  const body = typeof request.body === 'object' && request.body !== null ? (request.body as Body) : {};
  return handler(request, store, body);
}

/**
 * The claim each operation needs on the entity: settling, renewing, peeking and receiving deferred messages are a
 * receiver's (Listen), scheduling a sender's (Send), rules Manage (MicrosoftDocs/azure-docs#76896 shows a
 * subscription's $management refusing a peek without Listen). Unknown operations need none here: they get 501.
 */
const OPERATION_RIGHTS: Record<string, AccessRight> = {
  'com.microsoft:renew-lock': 'Listen',
  'com.microsoft:peek-message': 'Listen',
  'com.microsoft:update-disposition': 'Listen',
  'com.microsoft:receive-by-sequence-number': 'Listen',
  'com.microsoft:schedule-message': 'Send',
  'com.microsoft:cancel-scheduled-message': 'Send',
  'com.microsoft:add-rule': 'Manage',
  'com.microsoft:remove-rule': 'Manage',
  'com.microsoft:enumerate-rules': 'Listen',
};

export function managementRightRequired(request: Message): AccessRight | undefined {
  return OPERATION_RIGHTS[String((request.application_properties as Record<string, unknown> | undefined)?.operation)];
}

export function unauthorizedResponse(request: Message, error: AmqpError): Message {
  return response(request, 401, error.description ?? 'Unauthorized access.', undefined, error.condition ?? 'amqp:unauthorized-access');
}
