import { EventType, type HistoryEvent } from './historyEvents';
import type { InstanceRecord } from './taskHubState';

export interface StatusPayload {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Record<string, unknown>[];
}

export interface StatusOptions {
  showInput?: boolean;
  showHistory?: boolean;
  showHistoryOutput?: boolean;
}

/** The extension's "yyyy-MM-ddTHH:mm:ssZ" (StatusResponsePayload.cs). */
const formatTime = (iso: string) => `${iso.slice(0, 19)}Z`;
const parseJson = (text: string | null | undefined): unknown => (text === null || text === undefined ? null : JSON.parse(text));

/** The status body of the HTTP API; `input` and `output` are always present (the JS client requires them). */
export function toStatusPayload(instance: InstanceRecord, options: StatusOptions = {}): StatusPayload {
  const payload: StatusPayload = {
    name: instance.name,
    instanceId: instance.instanceId,
    runtimeStatus: instance.runtimeStatus,
    input: options.showInput === false ? null : parseJson(instance.input),
    customStatus: parseJson(instance.customStatus),
    output: parseJson(instance.output),
    createdTime: formatTime(instance.createdTime),
    lastUpdatedTime: formatTime(instance.lastUpdatedTime),
  };
  if (options.showHistory) payload.historyEvents = toDisplayHistory(instance.history, options.showHistoryOutput === true);
  return payload;
}

/**
 * History as the extension's status API shows it: event type names, the events a reader cares about (scheduling
 * bookkeeping such as OrchestratorStarted is left out), inputs/results only with showHistoryOutput.
 */
function toDisplayHistory(history: HistoryEvent[], withOutput: boolean): Record<string, unknown>[] {
  const scheduled = new Map<number, HistoryEvent>();
  const shown: Record<string, unknown>[] = [];
  for (const event of history) {
    if (event.EventType === EventType.TaskScheduled || event.EventType === EventType.SubOrchestrationInstanceCreated) {
      scheduled.set(event.EventId, event);
      continue;
    }
    if (event.EventType === EventType.OrchestratorStarted || event.EventType === EventType.OrchestratorCompleted || event.EventType === EventType.TimerCreated) continue;
    const entry: Record<string, unknown> = { EventType: EventType[event.EventType], Timestamp: event.Timestamp };
    const source = event.TaskScheduledId !== undefined ? scheduled.get(event.TaskScheduledId) : undefined;
    if (event.Name) entry.FunctionName = event.Name;
    if (source) {
      entry.FunctionName = source.Name;
      entry.ScheduledTime = source.Timestamp;
    }
    if (event.FireAt) entry.FireAt = event.FireAt;
    if (event.OrchestrationStatus) entry.OrchestrationStatus = event.OrchestrationStatus;
    if (event.Reason) entry.Reason = event.Reason;
    if (withOutput && event.Input !== undefined) entry.Input = parseJsonLoose(event.Input);
    if (withOutput && event.Result !== undefined) entry.Result = parseJsonLoose(event.Result);
    shown.push(entry);
  }
  return shown;
}

function parseJsonLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
