/** A message held by the broker, and the outcomes a receiver can give it. */
import type { Message } from 'rhea';

export interface StoredMessage {
  /** Set by the broker when the message is enqueued; kept when the message moves to the dead-letter queue. */
  sequenceNumber: number;
  enqueuedAt: Date;
  /** Epoch ms after which the message expires (TTL), Infinity for never. */
  expiresAt: number;
  /** The message as its sender wrote it, decoded by rhea. Its body is shared between copies and never mutated. */
  content: Message;
  /** Deliveries so far (lock acquisitions or receive-and-delete transfers). The wire header carries count - 1. */
  deliveryCount: number;
  state: 'active' | 'locked' | 'deferred';
  /** Once deferred, a message stays deferred: received by sequence number and abandoned, it is deferred again. */
  deferred?: boolean;
  lock?: { token: string; lockedUntil: Date; timer: NodeJS.Timeout };
  /** Path of the entity it was dead-lettered from, when it sits in a dead-letter queue. */
  deadLetterSource?: string;
  /** Encoded size of the message as sent, in bytes. */
  size: number;
}

export type Outcome =
  | { kind: 'complete' }
  | { kind: 'abandon'; propertiesToModify?: Record<string, unknown> }
  | { kind: 'defer'; propertiesToModify?: Record<string, unknown> }
  | { kind: 'deadLetter'; reason?: string; description?: string; propertiesToModify?: Record<string, unknown> }
  | { kind: 'release' };

/** A receiving link (or management request) the store hands messages to. */
export interface Consumer {
  readonly mode: 'peekLock' | 'receiveAndDelete';
  /** How many more messages it can take now. */
  capacity(): number;
  /** Hands over one message; `lockToken` is set in peek-lock mode. */
  deliver(message: StoredMessage, lockToken: string | undefined): void;
}

/** Copies the application properties a receiver changed on settlement into the message, as Service Bus does. */
export function withApplicationProperties(content: Message, changes: Record<string, unknown> | undefined): Message {
  if (!changes) return content;
  const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined && value !== null));
  return { ...content, application_properties: { ...(content.application_properties ?? {}), ...defined } };
}
