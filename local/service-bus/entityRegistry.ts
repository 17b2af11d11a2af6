/**
 * The namespace's entities built from the configuration, and the Service Bus path grammar that addresses them:
 * `queue`, `topic`, `topic/Subscriptions/sub`, and `<any of those receivable>/$DeadLetterQueue` (case-insensitive).
 */
import type { Message } from 'rhea';
import type { BrokerConfig, ReceivableSettings, RuleDefinition } from './configTypes';
import { subscriptionAccepts } from './correlationFilter';
import { DuplicateDetector } from './duplicateDetector';
import { MessageStore } from './messageStore';

/** Something senders can send to: a queue or a topic. */
export interface SendTarget {
  readonly path: string;
  /** Stores one message (or drops it as a duplicate); returns how many receivable entities got a copy. */
  accept(message: Message, size: number): { duplicate: boolean; copies: number };
}

export interface RegistryOptions {
  lockDurationOverrideMs?: number;
  /** The broker's time for duplicate detection (ms since the epoch); wall time when left out. */
  clock?: () => number;
}

export function normaliseEntityPath(path: string): string {
  return path.trim().replace(/^\/+|\/+$/g, '').toLowerCase();
}

export class EntityRegistry {
  private readonly sendTargets = new Map<string, SendTarget>();
  /** Every receivable store, dead-letter queues included, by normalised path. */
  private readonly stores = new Map<string, MessageStore>();
  /** Main (non dead-letter) receivable entities, for inspection. */
  readonly receivablePaths: string[] = [];

  constructor(config: BrokerConfig, options: RegistryOptions = {}) {
    const makeStore = (path: string, settings: ReceivableSettings): MessageStore => {
      const lockMs = options.lockDurationOverrideMs ?? settings.lockDurationMs;
      const deadLetterQueue = new MessageStore(`${path}/$DeadLetterQueue`, settings, undefined, lockMs);
      const store = new MessageStore(path, settings, deadLetterQueue, lockMs);
      this.stores.set(normaliseEntityPath(path), store);
      this.stores.set(normaliseEntityPath(deadLetterQueue.path), deadLetterQueue);
      this.receivablePaths.push(path);
      return store;
    };

    for (const queue of config.queues) {
      const store = makeStore(queue.name, queue.settings);
      const detector = queue.duplicateDetection ? new DuplicateDetector(queue.duplicateDetection.windowMs, options.clock) : undefined;
      this.sendTargets.set(normaliseEntityPath(queue.name), {
        path: queue.name,
        accept: (message, size) => {
          if (detector?.isDuplicate(message.message_id)) return { duplicate: true, copies: 0 };
          store.enqueue(message, size);
          return { duplicate: false, copies: 1 };
        },
      });
    }

    for (const topic of config.topics) {
      const subscriptions: { store: MessageStore; rules: RuleDefinition[] }[] = topic.subscriptions.map((s) => ({
        store: makeStore(`${topic.name}/Subscriptions/${s.name}`, s.settings),
        rules: s.rules,
      }));
      const detector = topic.duplicateDetection ? new DuplicateDetector(topic.duplicateDetection.windowMs, options.clock) : undefined;
      this.sendTargets.set(normaliseEntityPath(topic.name), {
        path: topic.name,
        accept: (message, size) => {
          if (detector?.isDuplicate(message.message_id)) return { duplicate: true, copies: 0 };
          const matching = subscriptions.filter((s) => subscriptionAccepts(s.rules, message));
          for (const subscription of matching) subscription.store.enqueue(message, size, topic.defaultTtlMs);
          return { duplicate: false, copies: matching.length };
        },
      });
    }
  }

  sendTarget(path: string): SendTarget | undefined {
    return this.sendTargets.get(normaliseEntityPath(path));
  }

  /** The store a receiver on `path` reads from (queue, subscription, or a dead-letter queue). */
  receiveSource(path: string): MessageStore | undefined {
    return this.stores.get(normaliseEntityPath(path));
  }

  /** Declared paths, for error messages that tell the user what does exist. */
  declaredPaths(): string[] {
    return [...[...this.sendTargets.values()].map((t) => t.path), ...this.receivablePaths.filter((p) => p.includes('/Subscriptions/'))];
  }

  close(): void {
    for (const store of this.stores.values()) store.close();
  }
}
