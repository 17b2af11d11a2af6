/** Read-only views of the broker's entities for tests and local tooling: counts and message contents. */
import type { EntityRegistry } from './entityRegistry';
import type { StoreCounts } from './messageStore';
import type { StoredMessage } from './storedMessage';

export interface InspectedMessage {
  sequenceNumber: number;
  messageId?: unknown;
  correlationId?: unknown;
  subject?: string;
  contentType?: string;
  /** JSON-decoded when the body is UTF-8 JSON (as the SDK sends objects and strings), otherwise the raw value. */
  body: unknown;
  applicationProperties: Record<string, unknown>;
  deliveryCount: number;
  enqueuedAt: Date;
  state: StoredMessage['state'];
  deadLetterReason?: string;
  deadLetterErrorDescription?: string;
  deadLetterSource?: string;
}

export interface BrokerInspection {
  /** Paths of every queue and subscription. */
  entities(): string[];
  /** Message counts of a queue or subscription (`topic/Subscriptions/name`). */
  counts(entity: string): StoreCounts;
  /** Messages held by a queue, subscription or dead-letter queue path (active, locked and deferred). */
  messages(entity: string): InspectedMessage[];
  /** Messages in the dead-letter queue of a queue or subscription, with their reason and description. */
  deadLetters(entity: string): InspectedMessage[];
}

function decodeBody(body: unknown): unknown {
  const section = body as { typecode?: number; content?: unknown } | undefined;
  if (section && section.typecode === 0x75 && Buffer.isBuffer(section.content)) {
    const text = section.content.toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      return section.content;
    }
  }
  return section && section.typecode !== undefined ? section.content : body;
}

function inspect(message: StoredMessage): InspectedMessage {
  const content = message.content;
  const applicationProperties = { ...((content.application_properties ?? {}) as Record<string, unknown>) };
  return {
    sequenceNumber: message.sequenceNumber,
    messageId: content.message_id,
    correlationId: content.correlation_id,
    subject: content.subject,
    contentType: content.content_type,
    body: decodeBody(content.body),
    applicationProperties,
    deliveryCount: message.deliveryCount,
    enqueuedAt: message.enqueuedAt,
    state: message.state,
    deadLetterReason: applicationProperties.DeadLetterReason as string | undefined,
    deadLetterErrorDescription: applicationProperties.DeadLetterErrorDescription as string | undefined,
    deadLetterSource: message.deadLetterSource,
  };
}

export function createInspection(registry: EntityRegistry): BrokerInspection {
  const storeOf = (entity: string) => {
    const store = registry.receiveSource(entity);
    if (!store) throw new Error(`No queue or subscription '${entity}' in this broker; it has: ${registry.receivablePaths.join(', ')}`);
    return store;
  };
  return {
    entities: () => [...registry.receivablePaths],
    counts: (entity) => storeOf(entity).counts(),
    messages: (entity) => storeOf(entity).snapshot().map(inspect),
    deadLetters: (entity) => {
      const store = storeOf(entity);
      return (store.deadLetterQueue ?? store).snapshot().map(inspect);
    },
  };
}
