/**
 * One receivable entity: a queue, a subscription, or the dead-letter queue of either. Holds messages in sequence
 * order, hands them to consumers with credit, and runs peek-lock: locks with expiry, settlement, delivery counts and
 * dead-lettering past MaxDeliveryCount.
 */
import type { Message } from 'rhea';
import type { ReceivableSettings } from './configTypes';
import { newLockToken } from './lockToken';
import { SequenceHeap } from './sequenceHeap';
import { withApplicationProperties, type Consumer, type Outcome, type StoredMessage } from './storedMessage';

export interface StoreCounts {
  active: number;
  deadLetter: number;
  deferred: number;
  locked: number;
}

/** Left out when the receiver gave none, as in Service Bus. */
export interface DeadLetterDetails {
  reason?: string;
  description?: string;
}

export class MessageStore {
  private readonly messages = new Map<number, StoredMessage>();
  private readonly available = new SequenceHeap();
  private readonly locks = new Map<string, StoredMessage>();
  private consumers: Consumer[] = [];
  private nextConsumer = 0;
  private nextSequence = 1;

  constructor(
    readonly path: string,
    private readonly settings: ReceivableSettings,
    /** Where dead-lettered messages go; undefined for a dead-letter queue itself. */
    readonly deadLetterQueue: MessageStore | undefined,
    private readonly lockDurationMs: number = settings.lockDurationMs,
  ) {}

  /**
   * Stores a message a sender sent; the broker sets its sequence number and enqueued time. It lives for the shortest
   * of its own time to live, this entity's DefaultMessageTimeToLive and `ttlCapMs` (a topic's default).
   */
  enqueue(content: Message, size: number, ttlCapMs = Infinity, now = Date.now()): StoredMessage {
    const own = typeof content.ttl === 'number' && content.ttl > 0 ? content.ttl : Infinity;
    const ttl = Math.min(own, this.settings.defaultTtlMs, ttlCapMs);
    const message: StoredMessage = {
      sequenceNumber: this.nextSequence++,
      enqueuedAt: new Date(now),
      expiresAt: now + ttl,
      content,
      deliveryCount: 0,
      state: 'active',
      size,
    };
    this.makeAvailable(message);
    return message;
  }

  /** Takes in a message dead-lettered from the parent entity, keeping its sequence number. */
  adoptDeadLettered(message: StoredMessage, source: string, details: DeadLetterDetails, changes?: Record<string, unknown>): void {
    const content = withApplicationProperties(message.content, {
      ...changes,
      DeadLetterReason: details.reason,
      DeadLetterErrorDescription: details.description,
    });
    this.makeAvailable({ ...message, content, state: 'active', deferred: false, lock: undefined, deadLetterSource: source, expiresAt: Infinity });
  }

  addConsumer(consumer: Consumer): void {
    this.consumers.push(consumer);
    this.dispatch();
  }

  removeConsumer(consumer: Consumer): void {
    this.consumers = this.consumers.filter((c) => c !== consumer);
  }

  /** Hands available messages to consumers with capacity, round-robin, oldest first. */
  dispatch(): void {
    while (this.available.size > 0) {
      const consumer = this.nextConsumerWithCapacity();
      if (!consumer) return;
      const message = this.available.pop() as StoredMessage;
      if (message.state !== 'active' || !this.messages.has(message.sequenceNumber)) continue;
      if (message.expiresAt <= Date.now()) {
        this.expire(message);
        continue;
      }
      this.handOver(message, consumer);
    }
  }

  /** Settles a locked message. Returns false when the lock is unknown or expired. */
  settle(lockToken: string, outcome: Outcome): boolean {
    const message = this.locks.get(lockToken);
    if (!message) return false;
    this.unlock(message);
    switch (outcome.kind) {
      case 'complete':
        this.messages.delete(message.sequenceNumber);
        break;
      case 'abandon':
        message.content = withApplicationProperties(message.content, outcome.propertiesToModify);
        this.returnOrDeadLetter(message);
        break;
      case 'defer':
        message.content = withApplicationProperties(message.content, outcome.propertiesToModify);
        message.deferred = true;
        message.state = 'deferred';
        break;
      case 'deadLetter':
        this.deadLetter(message, { reason: outcome.reason, description: outcome.description }, outcome.propertiesToModify);
        break;
      case 'release':
        // Released (or never transmitted): the receiver did not act on it, so the attempt does not count.
        message.deliveryCount = Math.max(0, message.deliveryCount - 1);
        if (message.deferred) message.state = 'deferred';
        else this.makeAvailable(message);
        break;
    }
    this.dispatch();
    return true;
  }

  /** Extends a lock by the lock duration; undefined when the lock is unknown or expired. */
  renewLock(lockToken: string): Date | undefined {
    const message = this.locks.get(lockToken);
    if (!message || !message.lock) return undefined;
    clearTimeout(message.lock.timer);
    message.lock = this.newLock(lockToken);
    return message.lock.lockedUntil;
  }

  /** Messages from `fromSequenceNumber` on, in sequence order, without locking them (active, locked and deferred). */
  peek(fromSequenceNumber: number, count: number): StoredMessage[] {
    this.dropExpired();
    return [...this.messages.values()]
      .filter((m) => m.sequenceNumber >= fromSequenceNumber)
      .sort((a, b) => a.sequenceNumber - b.sequenceNumber)
      .slice(0, count);
  }

  /** Locks (or removes, in receive-and-delete) deferred messages by sequence number, for receiveDeferredMessages. */
  takeDeferred(sequenceNumbers: number[], consumer: Consumer): StoredMessage[] {
    const found = sequenceNumbers.map((n) => this.messages.get(n)).filter((m): m is StoredMessage => m?.state === 'deferred');
    for (const message of found) this.handOver(message, consumer);
    return found;
  }

  counts(): StoreCounts {
    this.dropExpired();
    const counts: StoreCounts = { active: 0, deadLetter: this.deadLetterQueue ? this.deadLetterQueue.messages.size : 0, deferred: 0, locked: 0 };
    for (const message of this.messages.values()) counts[message.state === 'locked' ? 'locked' : message.state]++;
    return counts;
  }

  /** Every message held, in sequence order (for inspection). */
  snapshot(): StoredMessage[] {
    return [...this.messages.values()].sort((a, b) => a.sequenceNumber - b.sequenceNumber);
  }

  /** Clears lock timers so a stopped broker leaves nothing running. */
  close(): void {
    for (const message of this.locks.values()) if (message.lock) clearTimeout(message.lock.timer);
    this.locks.clear();
    this.consumers = [];
  }

  private makeAvailable(message: StoredMessage): void {
    message.state = 'active';
    this.messages.set(message.sequenceNumber, message);
    this.available.push(message);
    this.dispatch();
  }

  private nextConsumerWithCapacity(): Consumer | undefined {
    for (let i = 0; i < this.consumers.length; i++) {
      const consumer = this.consumers[(this.nextConsumer + i) % this.consumers.length];
      if (consumer.capacity() > 0) {
        this.nextConsumer = (this.nextConsumer + i + 1) % this.consumers.length;
        return consumer;
      }
    }
    return undefined;
  }

  private handOver(message: StoredMessage, consumer: Consumer): void {
    message.deliveryCount++;
    if (consumer.mode === 'receiveAndDelete') {
      this.messages.delete(message.sequenceNumber);
      consumer.deliver(message, undefined);
      return;
    }
    const token = newLockToken();
    message.state = 'locked';
    message.lock = this.newLock(token);
    this.locks.set(token, message);
    consumer.deliver(message, token);
  }

  private newLock(token: string): NonNullable<StoredMessage['lock']> {
    const timer = setTimeout(() => this.onLockExpired(token), this.lockDurationMs);
    timer.unref();
    return { token, lockedUntil: new Date(Date.now() + this.lockDurationMs), timer };
  }

  private onLockExpired(token: string): void {
    const message = this.locks.get(token);
    if (!message) return;
    this.unlock(message);
    this.returnOrDeadLetter(message);
    this.dispatch();
  }

  private unlock(message: StoredMessage): void {
    if (message.lock) {
      clearTimeout(message.lock.timer);
      this.locks.delete(message.lock.token);
      message.lock = undefined;
    }
  }

  /** After an abandon or a lost lock: back to the queue, or to the dead-letter queue once MaxDeliveryCount is used up. */
  private returnOrDeadLetter(message: StoredMessage): void {
    if (this.deadLetterQueue && message.deliveryCount >= this.settings.maxDeliveryCount) {
      this.deadLetter(message, {
        reason: 'MaxDeliveryCountExceeded',
        description: `Message could not be consumed after ${this.settings.maxDeliveryCount} delivery attempts.`,
      });
    } else if (message.deferred) {
      message.state = 'deferred';
    } else {
      this.makeAvailable(message);
    }
  }

  private deadLetter(message: StoredMessage, details: DeadLetterDetails, changes?: Record<string, unknown>): void {
    this.messages.delete(message.sequenceNumber);
    if (this.deadLetterQueue) this.deadLetterQueue.adoptDeadLettered(message, this.path, details, changes);
    else this.makeAvailable(message); // a dead-letter queue has no dead-letter queue of its own: the message stays
  }

  private expire(message: StoredMessage): void {
    this.messages.delete(message.sequenceNumber);
    if (this.settings.deadLetterOnExpiration && this.deadLetterQueue) {
      this.deadLetterQueue.adoptDeadLettered(message, this.path, {
        reason: 'TTLExpiredException',
        description: 'The message expired and was dead lettered.',
      });
    }
  }

  private dropExpired(): void {
    const now = Date.now();
    for (const message of this.messages.values()) if (message.state === 'active' && message.expiresAt <= now) this.expire(message);
  }
}
