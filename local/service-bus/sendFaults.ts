/**
 * Faults a test or a local run asks the broker to inject into sends, per entity and in the order they were asked for:
 * refuse a transfer with a Service Bus error condition, or store it and never settle it (the acknowledgement is lost,
 * so the SDK's send times out and is retried, as after a network fault between the broker's commit and its answer).
 */
import type { Message } from 'rhea';
import { SEND_FAILURE_CONDITIONS, type SendFailureCondition } from './amqpErrors';

/** Which transfers a fault applies to: every field given must equal the message's (any message of a batch). */
export interface SendMatch {
  messageId?: string;
  correlationId?: string;
  subject?: string;
}

export type SendFault = { kind: 'fail'; condition: SendFailureCondition } | { kind: 'dropAcknowledgement' };

interface Armed {
  fault: SendFault;
  remaining: number;
  match?: SendMatch;
}

export interface InjectedCounts {
  /** Transfers refused by failNextSends. */
  failed: number;
  /** Transfers stored whose delivery the broker never settled. */
  unacknowledged: number;
}

function matches(match: SendMatch | undefined, messages: Message[]): boolean {
  if (!match) return true;
  return messages.some(
    (m) =>
      (match.messageId === undefined || m.message_id === match.messageId) &&
      (match.correlationId === undefined || m.correlation_id === match.correlationId) &&
      (match.subject === undefined || m.subject === match.subject),
  );
}

export class SendFaults {
  private readonly armed = new Map<string, Armed[]>();
  private readonly injected = new Map<string, InjectedCounts>();

  constructor(private readonly normalise: (path: string) => string) {}

  arm(entityPath: string, count: number, fault: SendFault, match?: SendMatch): void {
    if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, got ${String(count)}.`);
    if (fault.kind === 'fail' && !SEND_FAILURE_CONDITIONS.includes(fault.condition)) {
      throw new Error(`condition must be one of ${SEND_FAILURE_CONDITIONS.join(', ')}, got ${JSON.stringify(fault.condition)}.`);
    }
    const key = this.normalise(entityPath);
    this.armed.set(key, [...(this.armed.get(key) ?? []), { fault, remaining: count, match }]);
  }

  /** The fault for this transfer, if one is armed for the entity and matches it; counts it as used. */
  take(entityPath: string, messages: Message[]): SendFault | undefined {
    const key = this.normalise(entityPath);
    const list = this.armed.get(key);
    const next = list?.find((a) => matches(a.match, messages));
    if (!list || !next) return undefined;
    next.remaining--;
    if (next.remaining === 0) list.splice(list.indexOf(next), 1);
    const counts = this.countsFor(key);
    if (next.fault.kind === 'fail') counts.failed++;
    else counts.unacknowledged++;
    return next.fault;
  }

  /** Faults still armed for the entity (sends they will still apply to). */
  pending(entityPath: string): number {
    return (this.armed.get(this.normalise(entityPath)) ?? []).reduce((sum, a) => sum + a.remaining, 0);
  }

  counts(entityPath: string): InjectedCounts {
    return { ...this.countsFor(this.normalise(entityPath)) };
  }

  clear(): void {
    this.armed.clear();
    this.injected.clear();
  }

  private countsFor(key: string): InjectedCounts {
    let counts = this.injected.get(key);
    if (!counts) {
      counts = { failed: 0, unacknowledged: 0 };
      this.injected.set(key, counts);
    }
    return counts;
  }
}
