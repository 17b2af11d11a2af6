import { EventType } from './historyEvents';
import type { InboxMessage, InstanceRecord } from './taskHubState';
import { isTerminal } from './taskHubState';

export type Batch =
  | { kind: 'terminate'; message: InboxMessage }
  | { kind: 'suspend' | 'resume'; message: InboxMessage }
  | { kind: 'events'; messages: InboxMessage[] };

/**
 * The order in which an episode sees the messages that are visible at once. `fifo` is arrival order; `shuffled`
 * reorders them as Azure Storage queues may (they do not guarantee FIFO, and the Azure Storage provider orders a
 * dequeued batch only by an insertion time of one-second precision), reproducibly for a seed.
 */
export type InboxOrder = { kind: 'fifo' } | { kind: 'shuffled'; seed: number };

const isControl = (m: InboxMessage) => m.event.EventType === EventType.ExecutionSuspended || m.event.EventType === EventType.ExecutionResumed;

/**
 * The messages the next episode of `instance` processes at time `now`, or undefined when it has nothing to do.
 * Termination goes first; a suspended instance only reacts to resume; suspend/resume are episodes of their own so
 * that events before a suspend are processed before it and events after it wait.
 */
export function selectBatch(instance: InstanceRecord, now: number, order: InboxOrder = { kind: 'fifo' }): Batch | undefined {
  if (isTerminal(instance.runtimeStatus)) return undefined;
  const visible = instance.inbox.filter((m) => Date.parse(m.visibleAt) <= now);
  if (visible.length === 0) return undefined;
  const terminate = visible.find((m) => m.event.EventType === EventType.ExecutionTerminated);
  if (terminate) return { kind: 'terminate', message: terminate };
  if (instance.runtimeStatus === 'Suspended') {
    const resume = visible.find((m) => m.event.EventType === EventType.ExecutionResumed);
    return resume ? { kind: 'resume', message: resume } : undefined;
  }
  const first = visible[0];
  if (isControl(first)) return { kind: first.event.EventType === EventType.ExecutionSuspended ? 'suspend' : 'resume', message: first };
  const messages: InboxMessage[] = [];
  for (const message of visible) {
    if (isControl(message)) break;
    messages.push(message);
  }
  return { kind: 'events', messages: order.kind === 'shuffled' ? shuffled(messages, `${order.seed}|${instance.instanceId}|${instance.history.length}`) : messages };
}

/**
 * A seeded permutation (Fisher-Yates with mulberry32 seeded by an FNV-1a hash of `key`), so the same seed gives the
 * same order for the same instance and episode however the dispatcher interleaves instances. ExecutionStarted stays
 * first: DTFx starts an execution with it.
 */
function shuffled(messages: InboxMessage[], key: string): InboxMessage[] {
  const pinned = messages.filter((m) => m.event.EventType === EventType.ExecutionStarted);
  const rest = messages.filter((m) => m.event.EventType !== EventType.ExecutionStarted);
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  let state = hash >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rest[i], rest[j]] = [rest[j], rest[i]];
  }
  return [...pinned, ...rest];
}

/** When this instance next becomes runnable because a delayed message (a timer) becomes visible. */
export function nextWakeTime(instance: InstanceRecord, now: number): number | undefined {
  if (isTerminal(instance.runtimeStatus)) return undefined;
  let earliest: number | undefined;
  for (const message of instance.inbox) {
    const at = Date.parse(message.visibleAt);
    if (at <= now) continue;
    if (instance.runtimeStatus === 'Suspended' && message.event.EventType !== EventType.ExecutionResumed) continue;
    if (earliest === undefined || at < earliest) earliest = at;
  }
  return earliest;
}
