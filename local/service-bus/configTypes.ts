/** The broker's validated view of an emulator Config.json (see config.ts for the parsing). */

/** Settings of anything messages can be received from: a queue or a subscription. */
export interface ReceivableSettings {
  lockDurationMs: number;
  maxDeliveryCount: number;
  defaultTtlMs: number;
  deadLetterOnExpiration: boolean;
}

export interface DuplicateDetection {
  windowMs: number;
}

/** A correlation filter: every property given must equal the message's (AND), as in Service Bus. */
export interface CorrelationFilterDefinition {
  contentType?: string;
  correlationId?: string;
  subject?: string;
  messageId?: string;
  replyTo?: string;
  replyToSessionId?: string;
  sessionId?: string;
  to?: string;
  applicationProperties?: Record<string, unknown>;
}

/** `true`/`false` come from the trivial SQL filters "1=1" / "1=0"; anything else in SQL is refused at load. */
export type RuleFilter = { kind: 'correlation'; correlation: CorrelationFilterDefinition } | { kind: 'constant'; matches: boolean };

export interface RuleDefinition {
  name: string;
  filter: RuleFilter;
}

export interface QueueDefinition {
  name: string;
  settings: ReceivableSettings;
  duplicateDetection?: DuplicateDetection;
}

export interface SubscriptionDefinition {
  name: string;
  settings: ReceivableSettings;
  /** Empty means the implicit `$Default` rule that matches every message. */
  rules: RuleDefinition[];
}

export interface TopicDefinition {
  name: string;
  defaultTtlMs: number;
  duplicateDetection?: DuplicateDetection;
  subscriptions: SubscriptionDefinition[];
}

export interface BrokerConfig {
  namespace: string;
  queues: QueueDefinition[];
  topics: TopicDefinition[];
  /** Values this broker accepts but the official emulator's schema would refuse (the file should work in both). */
  emulatorWarnings: string[];
}
