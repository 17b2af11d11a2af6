/**
 * DTFx history events in the shape the Durable extension serializes them for the JS SDK: PascalCase names,
 * `EventType` as an integer, `EventId` = the sequence id for scheduling events and -1 otherwise
 * (durable-functions lib/src/history/*, HistoryEventType.js; reference §2).
 */
export enum EventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionFailed = 2,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
  GenericEvent = 17,
  HistoryState = 18,
  ExecutionSuspended = 19,
  ExecutionResumed = 20,
}

export interface FailureDetails {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string;
  IsNonRetriable?: boolean;
  Properties?: Record<string, unknown>;
  InnerFailure?: FailureDetails;
}

/** A stored event. `IsPlayed` is not stored: it is set per episode when the payload is built. */
export interface HistoryEvent {
  EventType: EventType;
  EventId: number;
  Timestamp: string;
  Name?: string;
  Input?: string;
  Result?: string;
  Version?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  Reason?: string;
  Details?: string;
  FailureDetails?: FailureDetails;
  OrchestrationStatus?: string;
  OrchestrationInstance?: { InstanceId: string; ExecutionId: string };
  ParentInstance?: { Name: string; TaskScheduleId: number; OrchestrationInstance: { InstanceId: string; ExecutionId: string } };
}

const plain = (type: EventType, timestamp: string, fields: Partial<HistoryEvent> = {}): HistoryEvent => ({
  EventType: type,
  EventId: -1,
  Timestamp: timestamp,
  ...fields,
});

export const events = {
  orchestratorStarted: (at: string) => plain(EventType.OrchestratorStarted, at),
  orchestratorCompleted: (at: string) => plain(EventType.OrchestratorCompleted, at),
  executionStarted: (at: string, fields: Pick<HistoryEvent, 'Name' | 'Input' | 'Version' | 'OrchestrationInstance' | 'ParentInstance'>) =>
    plain(EventType.ExecutionStarted, at, fields),
  executionCompleted: (at: string, status: string, result: string | undefined, failureDetails?: FailureDetails) =>
    plain(EventType.ExecutionCompleted, at, { OrchestrationStatus: status, Result: result, FailureDetails: failureDetails }),
  executionTerminated: (at: string, reason: string | undefined) => plain(EventType.ExecutionTerminated, at, { Input: reason }),
  executionSuspended: (at: string, reason: string | undefined) => plain(EventType.ExecutionSuspended, at, { Reason: reason }),
  executionResumed: (at: string, reason: string | undefined) => plain(EventType.ExecutionResumed, at, { Reason: reason }),
  continueAsNew: (at: string, input: string | undefined) => plain(EventType.ContinueAsNew, at, { Result: input }),
  taskScheduled: (at: string, id: number, name: string, input: string | undefined) =>
    ({ ...plain(EventType.TaskScheduled, at, { Name: name, Input: input }), EventId: id }),
  taskCompleted: (at: string, scheduledId: number, result: string) => plain(EventType.TaskCompleted, at, { TaskScheduledId: scheduledId, Result: result }),
  taskFailed: (at: string, scheduledId: number, failure: TaskFailure) => plain(EventType.TaskFailed, at, { TaskScheduledId: scheduledId, ...failure }),
  timerCreated: (at: string, id: number, fireAt: string) => ({ ...plain(EventType.TimerCreated, at, { FireAt: fireAt }), EventId: id }),
  timerFired: (at: string, timerId: number, fireAt: string) => plain(EventType.TimerFired, at, { TimerId: timerId, FireAt: fireAt }),
  eventRaised: (at: string, name: string, input: string | undefined) => plain(EventType.EventRaised, at, { Name: name, Input: input }),
  /** DTFx ProcessSendEventDecision: the sender's record of a message to another instance (an entity). */
  eventSent: (at: string, id: number, instanceId: string, name: string, input: string) =>
    ({ ...plain(EventType.EventSent, at, { InstanceId: instanceId, Name: name, Input: input }), EventId: id }),
  subOrchestrationCreated: (at: string, id: number, name: string, instanceId: string, input: string | undefined) =>
    ({ ...plain(EventType.SubOrchestrationInstanceCreated, at, { Name: name, InstanceId: instanceId, Input: input }), EventId: id }),
  subOrchestrationCompleted: (at: string, scheduledId: number, result: string) =>
    plain(EventType.SubOrchestrationInstanceCompleted, at, { TaskScheduledId: scheduledId, Result: result }),
  subOrchestrationFailed: (at: string, scheduledId: number, failure: TaskFailure) =>
    plain(EventType.SubOrchestrationInstanceFailed, at, { TaskScheduledId: scheduledId, ...failure }),
};

/** How a failure travels in TaskFailed / SubOrchestrationInstanceFailed: Reason + Details, plus FailureDetails. */
export interface TaskFailure {
  Reason: string;
  Details: string;
  FailureDetails: FailureDetails;
}

/** Serializes a value as the extension stores it in history (`Input`, `Result`): a JSON string; null for none. */
export function toJsonString(value: unknown): string {
  return value === undefined ? 'null' : JSON.stringify(value);
}
