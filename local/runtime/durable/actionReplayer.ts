import {
  compareTimes,
  deterministicGuid,
  minDateTime,
  nextTick,
  parseEntityInstanceId,
  parseRequestMessage,
  requestEventName,
  requestMessageJson,
  roundTripFormat,
  unknownEntityMessage,
  isErrorResponse,
  type DotNetTime,
} from './entityMessages';
import { EventType, type HistoryEvent } from './historyEvents';
import { ActionType, retryDelayMs, type SdkAction } from './sdkActions';

export type NewWork =
  | { kind: 'activity'; id: number; name: string; input: unknown }
  | { kind: 'timer'; id: number; fireAt: string; canceled: boolean }
  | { kind: 'subOrchestration'; id: number; name: string; instanceId: string; input: unknown; version?: string }
  /** A call or signal to an entity: DTFx SendEvent (EventSent here, EventRaised "op" to the entity). */
  | { kind: 'entityMessage'; id: number; target: string; request: string };

export interface ReplayResult {
  /** Work the orchestrator asked for that is not in history yet, in sequence-id order. */
  newWork: NewWork[];
  /** Timers that were created and have not fired, whose task the orchestrator has since cancelled. */
  cancelledPendingTimers: number[];
  continueAsNew?: { input: unknown };
  /** Non-determinism or an unsupported action: the orchestration must fail with this message. */
  error?: string;
  /**
   * The orchestrator function faulted in the host (the action limit): like an orchestrator error, the orchestration
   * fails with this message once no task is open.
   */
  fault?: string;
  /**
   * Scheduled activities, sub-orchestrations and timers (retry timers included, cancelled timers not) whose
   * completion is not in history yet: DTFx's open tasks, which keep a finished orchestrator's instance Running.
   */
  openTasks: number;
}

export interface TimerSettings {
  maximumShortTimerMs: number;
  longRunningTimerIntervalMs: number;
}

export interface ReplayOptions {
  instanceId: string;
  timers: TimerSettings;
  /** host.json durableTask maxOrchestrationActions (default 100,000). */
  maxActions?: number;
  /** The execution the requests to entities name as their parent (RequestMessage.parentExecution). */
  executionId?: string;
  /** The app's entity functions and orchestrator count (ThrowIfFunctionDoesNotExist); unchecked when absent. */
  entityFunctions?: string[];
  orchestratorCount?: number;
}

/** DurableTaskOptions.MaxOrchestrationActions default. */
export const defaultMaxOrchestrationActions = 100_000;

type Outcome = 'succeeded' | 'failed';
type Done = (outcome: Outcome) => void;
type EventDone = (event: HistoryEvent) => void;

const scheduleEventType = {
  activity: EventType.TaskScheduled,
  timer: EventType.TimerCreated,
  subOrchestration: EventType.SubOrchestrationInstanceCreated,
} as const;

/**
 * Replays the SDK's cumulative action list against the history, the way the Durable extension's shim drives DTFx:
 * top-level actions run one after another (each one starts when the previous completes, as the generator's yields
 * do), compound actions start their children in order, and `callActivityWithRetry` / long timers are host-side loops
 * whose next attempt or sub-timer takes the next sequence id when the completion that triggers it is replayed.
 * Sequence ids are therefore assigned in the same order as the SDK's `trackOpenTask` (reference §2, §3).
 */
export function replayActions(history: HistoryEvent[], actions: SdkAction[], options: ReplayOptions): ReplayResult {
  const replay = new ActionReplay(history, actions, options);
  const result = replay.run();
  result.openTasks = replay.openTaskCount();
  return result;
}

class ActionReplay {
  private sequence = 0;
  private currentTime = Number.NEGATIVE_INFINITY;
  private readonly scheduledById = new Map<number, HistoryEvent>();
  private readonly completedIds = new Set<number>();
  private readonly earlyCompletions = new Map<number, HistoryEvent>();
  private readonly waiters = new Map<number, (event: HistoryEvent) => void>();
  private readonly eventWaiters = new Map<string, EventDone[]>();
  private readonly bufferedEvents = new Map<string, HistoryEvent[]>();
  /** DurableOrchestrationContext.newGuidCounter: starts at 0 on every replay. */
  private guidCounter = 0;
  /** The context's MessageSorter send clocks (LastSentToInstance), rebuilt on every replay as the extension's are. */
  private readonly lastSentTo = new Map<string, DotNetTime>();
  private readonly result: ReplayResult = { newWork: [], cancelledPendingTimers: [], openTasks: 0 };
  private readonly open = new Set<number>();
  private actionCount = 0;
  private halted = false;

  constructor(
    private readonly history: HistoryEvent[],
    private readonly actions: SdkAction[],
    private readonly options: ReplayOptions,
  ) {
    for (const event of history) {
      if (
        event.EventType === EventType.TaskScheduled ||
        event.EventType === EventType.TimerCreated ||
        event.EventType === EventType.SubOrchestrationInstanceCreated ||
        event.EventType === EventType.EventSent
      ) {
        this.scheduledById.set(event.EventId, event);
      }
      const completedId = completionId(event);
      if (completedId !== undefined) this.completedIds.add(completedId);
    }
  }

  run(): ReplayResult {
    for (const event of this.history) {
      if (this.result.error) break;
      switch (event.EventType) {
        case EventType.OrchestratorStarted:
          this.currentTime = Math.max(this.currentTime, Date.parse(event.Timestamp));
          break;
        case EventType.ExecutionStarted:
          this.startSequence();
          break;
        case EventType.EventRaised:
          this.raise(event);
          break;
        default: {
          const id = completionId(event);
          if (id !== undefined) this.complete(id, event);
        }
      }
    }
    return this.result;
  }

  openTaskCount(): number {
    return this.open.size;
  }

  /**
   * DurableOrchestrationContext.IncrementActionsOrThrowException: every activity, sub-orchestration (with or without
   * retry: once) and timer (each long-timer sub-timer; not the host's retry timers) counts; the action past the
   * limit throws, so neither it nor anything after it is scheduled.
   */
  private countAction(): boolean {
    const max = this.options.maxActions ?? defaultMaxOrchestrationActions;
    if (this.actionCount >= max) {
      this.result.fault ??= `Maximum amount of orchestration actions (${max}) has been reached. This value can be configured in host.json file as MaxOrchestrationActions.`;
      this.halted = true;
      return false;
    }
    this.actionCount++;
    return true;
  }

  private startSequence(): void {
    let index = 0;
    const next = (): void => {
      if (index >= this.actions.length || this.result.error) return;
      this.start(this.actions[index++], next);
    };
    next();
  }

  private start(action: SdkAction, done: Done): void {
    if (this.halted) return;
    switch (action.actionType) {
      case ActionType.CallActivity:
        return this.once('activity', action, done);
      case ActionType.CallSubOrchestrator:
        return this.once('subOrchestration', action, done);
      case ActionType.CallActivityWithRetry:
        return this.withRetry('activity', action, done);
      case ActionType.CallSubOrchestratorWithRetry:
        return this.withRetry('subOrchestration', action, done);
      case ActionType.CreateTimer:
        return this.timer(action, done);
      case ActionType.WaitForExternalEvent:
        return this.waitForEvent(action.externalEventName ?? '', done);
      case ActionType.ContinueAsNew:
        this.result.continueAsNew = { input: action.input };
        return done('succeeded');
      case ActionType.CallEntity:
        return this.entityMessage(action, false, done);
      case ActionType.SignalEntity:
        // Fire and forget: the shim's task for it is already completed (OutOfProcOrchestrationShim).
        this.entityMessage(action, true, done);
        return;
      case ActionType.WhenAll:
      case ActionType.WhenAny:
        return this.compound(action, done);
      default:
        this.fail(`The local runtime does not support ${ActionType[action.actionType] ?? `action type ${action.actionType}`} (callHttp and entity locks are not implemented).`);
    }
  }

  /** Task.all completes when every child succeeded or the first one failed; Task.any when the first completes. */
  private compound(action: SdkAction, done: Done): void {
    const children = action.compoundActions ?? [];
    const isAll = action.actionType === ActionType.WhenAll;
    let remaining = children.length;
    let outcome: Outcome | undefined = isAll && remaining === 0 ? 'succeeded' : undefined;
    let starting = true;
    let reported = false;
    const report = () => {
      if (!starting && outcome && !reported) {
        reported = true;
        done(outcome);
      }
    };
    for (const child of children) {
      this.start(child, (childOutcome) => {
        remaining--;
        if (!outcome) {
          if (!isAll) outcome = 'succeeded';
          else if (childOutcome === 'failed') outcome = 'failed';
          else if (remaining === 0) outcome = 'succeeded';
        }
        report();
      });
    }
    starting = false;
    report();
  }

  private once(kind: 'activity' | 'subOrchestration', action: SdkAction, done: Done): void {
    if (!this.countAction()) return;
    const id = this.schedule(kind, action);
    this.waitFor(id, (event) => done(isSuccess(event) ? 'succeeded' : 'failed'));
  }

  /** DTFx RetryInterceptor: attempt, and after each failure a timer (immediate after the last attempt). */
  private withRetry(kind: 'activity' | 'subOrchestration', action: SdkAction, done: Done): void {
    const retry = action.retryOptions;
    if (!retry || !(retry.maxNumberOfAttempts >= 1) || !(retry.firstRetryIntervalInMilliseconds > 0)) {
      return this.fail(`${action.functionName}: retryOptions need maxNumberOfAttempts >= 1 and firstRetryIntervalInMilliseconds > 0.`);
    }
    if (!this.countAction()) return;
    let attempt = 1;
    let firstAttemptAt: number | undefined;
    const scheduleAttempt = () => {
      const id = this.schedule(kind, action);
      firstAttemptAt ??= this.timeScheduled(id);
      this.waitFor(id, (event) => {
        if (isSuccess(event)) return done('succeeded');
        const delay = attempt >= retry.maxNumberOfAttempts ? 0 : retryDelayMs(retry, attempt - 1, firstAttemptAt ?? this.currentTime, this.currentTime);
        const timerId = this.scheduleTimer(new Date(this.currentTime + delay).toISOString(), false);
        attempt++;
        this.waitFor(timerId, () => (attempt > retry.maxNumberOfAttempts ? done('failed') : scheduleAttempt()));
      });
    };
    scheduleAttempt();
  }

  /** A timer; longer than maximumShortTimer it is a chain of sub-timers, as the SDK's LongTimerTask tracks it. */
  private timer(action: SdkAction, done: Done): void {
    const finalFireAt = Date.parse(action.fireAt ?? '');
    if (Number.isNaN(finalFireAt)) return this.fail(`CreateTimer action has an invalid fireAt: ${JSON.stringify(action.fireAt)}.`);
    const { maximumShortTimerMs, longRunningTimerIntervalMs } = this.options.timers;
    const cancelled = action.isCanceled === true;
    if (finalFireAt - this.currentTime <= maximumShortTimerMs) {
      if (!this.countAction()) return;
      const id = this.scheduleTimer(action.fireAt as string, cancelled);
      return this.waitFor(id, () => done('succeeded'));
    }
    const nextSubTimer = () => {
      if (!this.countAction()) return;
      const fireAt = finalFireAt - this.currentTime > maximumShortTimerMs ? this.currentTime + longRunningTimerIntervalMs : finalFireAt;
      const id = this.scheduleTimer(new Date(fireAt).toISOString(), cancelled);
      this.waitFor(id, () => (finalFireAt > this.currentTime ? nextSubTimer() : done('succeeded')));
    };
    nextSubTimer();
  }

  private waitForEvent(name: string, done: Done): void {
    this.waitForNamedEvent(name, () => done('succeeded'));
  }

  private waitForNamedEvent(name: string, onEvent: EventDone): void {
    const buffered = this.bufferedEvents.get(name);
    const event = buffered?.shift();
    if (event) return onEvent(event);
    const list = this.eventWaiters.get(name) ?? [];
    list.push(onEvent);
    this.eventWaiters.set(name, list);
  }

  private raise(event: HistoryEvent): void {
    const name = event.Name ?? '';
    const list = this.eventWaiters.get(name);
    // The SDK hands an event to the most recent waiter (openEvents[name].pop()).
    const waiter = list?.pop();
    if (waiter) return waiter(event);
    const buffered = this.bufferedEvents.get(name) ?? [];
    buffered.push(event);
    this.bufferedEvents.set(name, buffered);
  }

  /**
   * callEntity / signalEntity as DurableOrchestrationContext.CallDurableTaskFunctionAsync does them: check that the
   * entity function exists, take a deterministic request id (NewGuid), label the request for the target
   * (MessageSorter.LabelOutgoingMessage), count an action and send it (SendEvent: the next sequence id, EventSent in
   * history). A call then waits for the EventRaised named by the request id (WaitForEntityResponse); like any
   * external event, that wait is not an open task.
   */
  private entityMessage(action: SdkAction, oneWay: boolean, done: Done): void {
    const target = action.instanceId ?? '';
    const entity = parseEntityInstanceId(target);
    if (!entity) return this.fail(`${ActionType[action.actionType]} action has an invalid entity instance id: ${JSON.stringify(action.instanceId)}.`);
    const known = this.options.entityFunctions;
    if (known && !known.some((name) => name.toLowerCase() === entity.name)) {
      // ThrowIfFunctionDoesNotExist throws while the shim replays the actions: nothing from here on is scheduled.
      this.result.fault ??= unknownEntityMessage(entity.name, known, this.options.orchestratorCount ?? 1);
      this.halted = true;
      return;
    }
    const now: DotNetTime = { ms: this.currentTime, ticks: 0, utc: true };
    const guid = deterministicGuid(`${this.options.instanceId}_${roundTripFormat(this.currentTime)}_${this.guidCounter++}`);
    const last = this.lastSentTo.get(target.toLowerCase());
    const timestamp = last && compareTimes(now, last) <= 0 ? nextTick(last) : now;
    this.lastSentTo.set(target.toLowerCase(), timestamp);
    if (!this.countAction()) return;
    const id = this.nextId(EventType.EventSent, requestEventName);
    if (id === undefined) return;
    const recorded = this.scheduledById.get(id);
    let requestId = guid;
    if (recorded) {
      if (recorded.InstanceId !== target) {
        return this.fail(`Non-deterministic workflow detected: sequence id ${id} sent a message to '${recorded.InstanceId}' in history but the orchestrator now sends to '${target}'.`);
      }
      // The recorded id is the one the entity answers to (it equals the recomputed one unless history was rewritten).
      requestId = parseRequestMessage(recorded.Input)?.id ?? guid;
    } else {
      const input = action.input === undefined || action.input === null ? undefined : JSON.stringify(action.input);
      const request = requestMessageJson({
        op: action.operation ?? '',
        signal: oneWay,
        input,
        id: guid,
        parent: this.options.instanceId,
        parentExecution: this.options.executionId,
        Timestamp: timestamp,
        Predecessor: last ?? minDateTime,
      });
      this.result.newWork.push({ kind: 'entityMessage', id, target, request });
    }
    if (oneWay) return done('succeeded');
    this.waitForNamedEvent(requestId, (event) => done(isErrorResponse(event.Input) ? 'failed' : 'succeeded'));
  }

  private scheduleTimer(fireAt: string, cancelled: boolean): number {
    const id = this.nextId(EventType.TimerCreated, undefined);
    if (id === undefined) return -1;
    if (!this.scheduledById.has(id)) {
      this.result.newWork.push({ kind: 'timer', id, fireAt, canceled: cancelled });
    } else if (cancelled && !this.completedIds.has(id)) {
      this.result.cancelledPendingTimers.push(id);
    }
    // A cancelled timer is no open task (DTFx removes it from openTasks when its token is cancelled).
    if (!cancelled) this.open.add(id);
    return id;
  }

  private schedule(kind: 'activity' | 'subOrchestration', action: SdkAction): number {
    const name = action.functionName ?? '';
    const id = this.nextId(scheduleEventType[kind], name);
    if (id === undefined) return -1;
    if (!this.scheduledById.has(id)) {
      if (kind === 'activity') this.result.newWork.push({ kind, id, name, input: action.input });
      else {
        const instanceId = action.instanceId || `${this.options.instanceId}:${id}`;
        this.result.newWork.push({ kind, id, name, instanceId, input: action.input, version: action.version });
      }
    }
    this.open.add(id);
    return id;
  }

  /** Takes the next sequence id and checks it against what history recorded for it (determinism). */
  private nextId(expectedType: EventType, name: string | undefined): number | undefined {
    const id = this.sequence++;
    const recorded = this.scheduledById.get(id);
    if (recorded && (recorded.EventType !== expectedType || (name !== undefined && recorded.Name !== name))) {
      this.fail(
        `Non-deterministic workflow detected: sequence id ${id} was ${EventType[recorded.EventType]}${recorded.Name ? ` "${recorded.Name}"` : ''} ` +
          `in history but the orchestrator now asks for ${EventType[expectedType]}${name ? ` "${name}"` : ''}.`,
      );
      return undefined;
    }
    return id;
  }

  private timeScheduled(id: number): number {
    const recorded = this.scheduledById.get(id);
    return recorded ? Date.parse(recorded.Timestamp) : this.currentTime;
  }

  private waitFor(id: number, onComplete: (event: HistoryEvent) => void): void {
    if (id < 0) return;
    const early = this.earlyCompletions.get(id);
    if (early) {
      this.earlyCompletions.delete(id);
      this.open.delete(id);
      return onComplete(early);
    }
    this.waiters.set(id, onComplete);
  }

  private complete(id: number, event: HistoryEvent): void {
    const waiter = this.waiters.get(id);
    if (!waiter) {
      this.earlyCompletions.set(id, event);
      return;
    }
    this.waiters.delete(id);
    this.open.delete(id);
    waiter(event);
  }

  private fail(message: string): void {
    this.result.error ??= message;
  }
}

function completionId(event: HistoryEvent): number | undefined {
  switch (event.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return event.TaskScheduledId;
    case EventType.TimerFired:
      return event.TimerId;
    default:
      return undefined;
  }
}

const isSuccess = (event: HistoryEvent): boolean =>
  event.EventType === EventType.TaskCompleted || event.EventType === EventType.SubOrchestrationInstanceCompleted || event.EventType === EventType.TimerFired;
