/**
 * Decides what an incoming attach is: a request/response node ($cbs, <entity>/$management), a receiver on a queue or
 * subscription, or a sender to a queue or topic, and refuses with the AMQP error Service Bus would give.
 */
import type { AmqpError, Receiver, Sender } from 'rhea';
import { entityNotFound, invalidField, notImplemented, unauthorized } from './amqpErrors';
import { claimsRequired, type AccessRight } from './authorization';
import { CBS_ADDRESS } from './cbs';
import type { ConnectionState } from './connectionState';
import type { EntityRegistry, SendTarget } from './entityRegistry';
import { MANAGEMENT_SUFFIX } from './management';
import type { MessageStore } from './messageStore';

export type SenderRoute =
  | { kind: 'reply' }
  | { kind: 'consumer'; store: MessageStore; mode: 'peekLock' | 'receiveAndDelete' }
  | { kind: 'refuse'; error: AmqpError };

export type ReceiverRoute =
  | { kind: 'cbs' }
  | { kind: 'management'; entityPath: string }
  | { kind: 'producer'; target: SendTarget }
  | { kind: 'refuse'; error: AmqpError };

function isManagement(address: string): boolean {
  return address.toLowerCase().endsWith(MANAGEMENT_SUFFIX.toLowerCase());
}

/**
 * Service Bus authorises before it looks the entity up, so that nobody without rights can probe which entities exist
 * (Azure/azure-sdk-for-net#44734): a missing claim is refused even for an entity that does not exist.
 */
function missingClaim(connection: ConnectionState, address: string, right: AccessRight): AmqpError | undefined {
  return connection.rightsAt(address).has(right) ? undefined : claimsRequired([right], connection.resource(address));
}

function missingToken(address: string): AmqpError {
  return unauthorized(`Unauthorized access to '${address}': no valid CBS put-token on this connection covers it (status-code: 401).`);
}

/** The client attached a receiver, so the broker is the sender. */
export function routeSender(sender: Sender, registry: EntityRegistry, connection: ConnectionState): SenderRoute {
  const address = sender.source?.address;
  if (typeof address !== 'string' || address === '') return { kind: 'refuse', error: invalidField('A receiver link needs a source address (the queue or subscription).') };
  if (address === CBS_ADDRESS) return { kind: 'reply' };
  if (!connection.isAuthorised(address)) return { kind: 'refuse', error: missingToken(address) };
  if (isManagement(address)) return { kind: 'reply' };
  const unauthorised = missingClaim(connection, address, 'Listen');
  if (unauthorised) return { kind: 'refuse', error: unauthorised };
  const filter = (sender.source as { filter?: Record<string, unknown> }).filter;
  if (filter && Object.keys(filter).some((key) => key.includes('session-filter'))) {
    return { kind: 'refuse', error: notImplemented(`Sessions (a session receiver on '${address}')`) };
  }
  const store = registry.receiveSource(address);
  if (!store) {
    const why = registry.sendTarget(address) ? `'${address}' is a topic: receive from '${address}/Subscriptions/<name>'. ` : '';
    const error = entityNotFound(address, registry.declaredPaths());
    return { kind: 'refuse', error: { ...error, description: `${why}${error.description}` } };
  }
  return { kind: 'consumer', store, mode: sender.snd_settle_mode === 1 ? 'receiveAndDelete' : 'peekLock' };
}

/** The client attached a sender, so the broker is the receiver. */
export function routeReceiver(receiver: Receiver, registry: EntityRegistry, connection: ConnectionState): ReceiverRoute {
  const target = receiver.target as { address?: unknown } | null | undefined;
  if (!target) return { kind: 'refuse', error: notImplemented('Transactions (a link to a transaction coordinator), or a link without a target,') };
  const address = target.address;
  if (typeof address !== 'string' || address === '') return { kind: 'refuse', error: invalidField('A sender link needs a target address (the queue or topic).') };
  if (address === CBS_ADDRESS) return { kind: 'cbs' };
  if (!connection.isAuthorised(address)) return { kind: 'refuse', error: missingToken(address) };
  if (isManagement(address)) return { kind: 'management', entityPath: address.slice(0, -MANAGEMENT_SUFFIX.length) };
  const unauthorised = missingClaim(connection, address, 'Send');
  if (unauthorised) return { kind: 'refuse', error: unauthorised };
  const sendTarget = registry.sendTarget(address);
  if (!sendTarget) {
    const why = registry.receiveSource(address) ? `'${address}' can only be received from; send to its queue or topic. ` : '';
    const error = entityNotFound(address, registry.declaredPaths());
    return { kind: 'refuse', error: { ...error, description: `${why}${error.description}` } };
  }
  return { kind: 'producer', target: sendTarget };
}
