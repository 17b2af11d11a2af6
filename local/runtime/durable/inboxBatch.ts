import { EventType } from './historyEvents';
import type { InboxMessage, InstanceRecord } from './taskHubState';
import { isTerminal } from './taskHubState';

export type Batch =
  | { kind: 'terminate'; message: InboxMessage }
  | { kind: 'suspend' | 'resume'; message: InboxMessage }
  | { kind: 'events'; messages: InboxMessage[] };

const isControl = (m: InboxMessage) => m.event.EventType === EventType.ExecutionSuspended || m.event.EventType === EventType.ExecutionResumed;

/**
 * The messages the next episode of `instance` processes at time `now`, or undefined when it has nothing to do.
 * Termination goes first; a suspended instance only reacts to resume; suspend/resume are episodes of their own so
 * that events before a suspend are processed before it and events after it wait.
 */
export function selectBatch(instance: InstanceRecord, now: number): Batch | undefined {
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
  return { kind: 'events', messages };
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
