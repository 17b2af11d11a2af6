import { randomUUID } from 'node:crypto';
import type { Invoker } from '../invoke';
import { typedDataToValue } from '../invoke';
import type { RuntimeLogger } from '../logger';
import type { FunctionRegistry } from '../registry';
import { replayActions, type NewWork, type TimerSettings } from './actionReplayer';
import { requestEventName } from './entityMessages';
import { describeError, subOrchestrationFailure } from './failures';
import { EventType, events, toJsonString, type FailureDetails, type HistoryEvent } from './historyEvents';
import { selectBatch, type Batch, type InboxOrder } from './inboxBatch';
import { newExecutionId, newInstanceRecord } from './newInstance';
import { decodeSdkInput, type OrchestratorStateJson, type SdkAction } from './sdkActions';
import type { ActivityTask, EpisodeCommit, InboxMessage, InstanceRecord, TaskHubState } from './taskHubState';
import { isTerminal } from './taskHubState';

export interface EpisodeDeps {
  registry: FunctionRegistry;
  invoker: Invoker;
  logger: RuntimeLogger;
  state: TaskHubState;
  timers: TimerSettings;
  /** host.json durableTask maxOrchestrationActions (default 100,000). */
  maxOrchestrationActions?: number;
  /** The order an episode sees simultaneously visible messages in (default FIFO). */
  inboxOrder?: InboxOrder;
}

export interface EpisodeResult {
  commit: EpisodeCommit;
  invokedOrchestrator: boolean;
  timersFired: number;
}

const outOfProcDataLabel = '\n\n$OutOfProcData$:';

/** Formats a TimeSpan as .NET does ("d.hh:mm:ss"), as the extension sends the timer settings. */
const timeSpan = (ms: number) => {
  const totalSeconds = Math.floor(ms / 1000);
  const days = Math.floor(totalSeconds / 86400);
  const rest = totalSeconds % 86400;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${days}.${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
};

/**
 * Runs one orchestration episode for `instanceId` at time `now`: takes the visible inbox messages, invokes the
 * orchestrator with the trigger payload the Durable extension sends, and turns its OrchestratorState into history
 * events and new work. Returns the commit to apply atomically, or undefined when there is nothing to do.
 */
export async function runEpisode(deps: EpisodeDeps, instanceId: string, now: number): Promise<EpisodeResult | undefined> {
  const instance = deps.state.instances.get(instanceId);
  if (!instance) return undefined;
  const batch = selectBatch(instance, now, deps.inboxOrder);
  if (!batch) return undefined;
  const at = new Date(now).toISOString();
  const builder = new CommitBuilder(instance, at);

  if (batch.kind !== 'events') {
    applyControl(builder, batch, deps.logger);
    return { commit: builder.commit, invokedOrchestrator: false, timersFired: 0 };
  }

  const newEvents = batch.messages.map((m) => ({ ...m.event }));
  builder.consume(batch.messages);
  builder.append(events.orchestratorStarted(at), ...newEvents);
  if (instance.runtimeStatus === 'Pending' || instance.runtimeStatus === 'ContinuedAsNew') builder.update({ runtimeStatus: 'Running' });
  const timersFired = newEvents.filter((e) => e.EventType === EventType.TimerFired).length;

  const fn = deps.registry.get(instance.name);
  if (!fn || fn.trigger.type.toLowerCase() !== 'orchestrationtrigger') {
    builder.fail(`The function '${instance.name}' doesn't exist, is disabled, or is not an orchestrator function.`, undefined);
    return { commit: builder.finish(deps), invokedOrchestrator: false, timersFired };
  }

  const history = [...instance.history, events.orchestratorStarted(at), ...newEvents];
  const payloadRest = {
    instanceId: instance.instanceId,
    isReplaying: instance.history.length > 0,
    parentInstanceId: instance.parent?.instanceId ?? null,
    upperSchemaVersion: 1,
    upperSchemaVersionNew: 2,
    longRunningTimerIntervalDuration: timeSpan(deps.timers.longRunningTimerIntervalMs),
    maximumShortTimerDuration: timeSpan(deps.timers.maximumShortTimerMs),
    defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
  };
  const played = playedHistoryJson(instance.history);
  const unplayed = history.slice(instance.history.length).map((e) => withIsPlayed(JSON.stringify(e), false));
  // {"history":[...],"input":...,"instanceId":...}: the history first, as the extension writes it.
  const payload = `{"history":[${[...played, ...unplayed].join(',')}],"input":${inputJson(instance)},${JSON.stringify(payloadRest).slice(1)}`;

  let state: OrchestratorStateJson | undefined;
  let error: string | undefined;
  try {
    const outcome = await deps.invoker.invoke(fn, {
      triggerData: { string: payload },
      logFields: { instanceId: instance.instanceId },
      // Logs written while the SDK replays past events were already written by an earlier episode.
      suppressUserLog: (context) => (context as { df?: { isReplaying?: boolean } }).df?.isReplaying === true,
    });
    state = typedDataToValue(outcome.response.returnValue) as OrchestratorStateJson | undefined;
  } catch (caught) {
    const message = describeError(caught).message;
    const labelAt = message.indexOf(outOfProcDataLabel);
    if (labelAt >= 0) {
      try {
        state = JSON.parse(message.slice(labelAt + outOfProcDataLabel.length)) as OrchestratorStateJson;
      } catch {
        state = undefined;
      }
    }
    error = state?.error ?? (labelAt >= 0 ? message.slice(0, labelAt) : message);
  }

  if (!state || !Array.isArray(state.actions)) {
    builder.fail(error ?? 'The orchestrator returned no OrchestratorState.', undefined);
    return { commit: builder.finish(deps), invokedOrchestrator: true, timersFired };
  }
  if (state.customStatus !== undefined) {
    // The extension's shim calls SetCustomStatus before it replays any action, so an oversized status fails the
    // episode with nothing of it scheduled, and DTFx sees no open task (OutOfProcOrchestrationShim.cs).
    const tooLarge = customStatusSizeError(state.customStatus);
    if (tooLarge) {
      builder.update({ customStatus: null });
      builder.fail(tooLarge, undefined);
      return { commit: builder.finish(deps), invokedOrchestrator: true, timersFired };
    }
    builder.update({ customStatus: JSON.stringify(state.customStatus) });
  }

  const actions = state.actions.flat() as SdkAction[];
  const replay = replayActions(history, actions, {
    instanceId: instance.instanceId,
    executionId: instance.executionId,
    timers: deps.timers,
    maxActions: deps.maxOrchestrationActions,
    entityFunctions: deps.registry.byTriggerType('entityTrigger').map((f) => f.name),
    orchestratorCount: deps.registry.byTriggerType('orchestrationTrigger').length,
  });
  if (replay.error) {
    // Non-determinism fails the orchestration at once, open tasks or not (TaskOrchestrationExecutor.ExecuteCore).
    builder.fail(replay.error, undefined);
    return { commit: builder.finish(deps), invokedOrchestrator: true, timersFired };
  }
  // The shim replays the actions before it reports an orchestrator error, so their work is scheduled either way.
  builder.schedule(replay.newWork);
  builder.dropTimers(replay.cancelledPendingTimers);
  const fault = state.error ?? error ?? replay.fault;
  if (replay.openTasks > 0) {
    // DTFx completes, fails or continues an execution only when no task is open (TaskOrchestrationExecutor:
    // "if (!this.context.HasOpenTasks)"): the instance stays Running, the open work runs, and a later episode
    // (the orchestrator replayed with their results) finishes it.
    if (fault !== undefined || state.isDone) {
      deps.logger.log('debug', `Orchestrator ${fault !== undefined ? 'failed' : 'finished'}; waiting for ${replay.openTasks} open task(s) before the instance leaves Running.`, {
        functionName: instance.name,
        instanceId: instance.instanceId,
      });
    }
  } else if (fault !== undefined) {
    builder.fail(fault, fault === replay.fault ? undefined : (state.failureDetails as FailureDetails | undefined));
  } else if (state.isDone && replay.continueAsNew) builder.continueAsNew(replay.continueAsNew.input);
  else if (state.isDone) builder.complete(state.output);
  return { commit: builder.finish(deps), invokedOrchestrator: true, timersFired };
}

/**
 * The JSON of each stored event with IsPlayed true, made once per event: every episode sends the whole history, and
 * stored history only grows (a new execution gets a new array). Dropped when the instance ends.
 */
const playedJsonCache = new WeakMap<HistoryEvent[], string[]>();

function playedHistoryJson(history: HistoryEvent[]): string[] {
  let cached = playedJsonCache.get(history);
  if (cached === undefined || cached.length > history.length) {
    cached = [];
    playedJsonCache.set(history, cached);
  }
  for (let i = cached.length; i < history.length; i++) cached.push(withIsPlayed(JSON.stringify(history[i]), true));
  return cached;
}

const inputJsonCache = new WeakMap<InstanceRecord, { input: string; json: string }>();

/** The input as the payload carries it (the stored JSON text, parsed and serialized again), made once per input. */
function inputJson(instance: InstanceRecord): string {
  const cached = inputJsonCache.get(instance);
  if (cached !== undefined && cached.input === instance.input) return cached.json;
  const entry = { input: instance.input, json: JSON.stringify(JSON.parse(instance.input)) };
  inputJsonCache.set(instance, entry);
  return entry.json;
}

/** `{...event, IsPlayed}` as JSON, from the event's JSON (stored events have no IsPlayed of their own). */
function withIsPlayed(eventJson: string, played: boolean): string {
  return `${eventJson.slice(0, -1)},"IsPlayed":${played}}`;
}

/** SetCustomStatus's limit (DurableOrchestrationContext.cs: 16 KB; MessagePayloadDataConverter.Serialize). */
const maxCustomStatusKb = 16;

/**
 * The extension's check: the UTF-16 size of the compact JSON, in whole KB (rounded down), must not exceed 16.
 * JavaScript string lengths count UTF-16 code units, 2 bytes each.
 */
export function customStatusSizeError(customStatus: unknown): string | undefined {
  const json = JSON.stringify(customStatus);
  if (json === undefined) return undefined;
  const sizeKb = Math.floor((json.length * 2) / 1024);
  if (sizeKb <= maxCustomStatusKb) return undefined;
  const n0 = (n: number) => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `The UTF-16 size of the JSON-serialized payload must not exceed ${n0(maxCustomStatusKb)} KB. The current payload size is ${n0(sizeKb)} KB.`;
}

function applyControl(builder: CommitBuilder, batch: Exclude<Batch, { kind: 'events' }>, logger: RuntimeLogger): void {
  const { instance, at } = builder;
  const reason = batch.message.event.Reason ?? batch.message.event.Input;
  if (batch.kind === 'terminate') {
    builder.consume(instance.inbox);
    const output = toJsonString(reason ?? '');
    builder.append(events.orchestratorStarted(at), { ...batch.message.event }, events.executionCompleted(at, 'Terminated', output), events.orchestratorCompleted(at));
    builder.update({ runtimeStatus: 'Terminated', output, lastUpdatedTime: at });
    builder.notifyParent((scheduledId) =>
      events.subOrchestrationFailed(at, scheduledId, subOrchestrationFailure(instance.name, `Orchestration '${instance.name}' (${instance.instanceId}) was terminated: ${reason ?? ''}`)),
    );
    logger.info(`Orchestration terminated: ${reason ?? ''}`, { functionName: instance.name, instanceId: instance.instanceId });
    return;
  }
  builder.consume([batch.message]);
  builder.append(events.orchestratorStarted(at), { ...batch.message.event }, events.orchestratorCompleted(at));
  const runtimeStatus = batch.kind === 'suspend' ? 'Suspended' : instance.history.length === 0 ? 'Pending' : 'Running';
  builder.update({ runtimeStatus, lastUpdatedTime: at });
}

/** Accumulates one episode's changes into an EpisodeCommit. */
class CommitBuilder {
  readonly commit: EpisodeCommit;
  private finished = false;
  private readonly pendingChildren: Extract<NewWork, { kind: 'subOrchestration' }>[] = [];

  constructor(
    readonly instance: InstanceRecord,
    readonly at: string,
  ) {
    this.commit = {
      op: 'episode',
      instanceId: instance.instanceId,
      executionId: instance.executionId,
      consumed: [],
      appendHistory: [],
      update: { lastUpdatedTime: at },
      dropMessages: [],
      selfMessages: [],
      activities: [],
      outgoing: [],
      createInstances: [],
    };
  }

  consume(messages: InboxMessage[]) {
    this.commit.consumed.push(...messages.map((m) => m.id));
  }
  append(...historyEvents: HistoryEvent[]) {
    this.commit.appendHistory.push(...historyEvents);
  }
  update(fields: EpisodeCommit['update']) {
    Object.assign(this.commit.update, fields);
  }

  schedule(work: NewWork[]) {
    const { instance, at } = this;
    for (const item of work) {
      if (item.kind === 'activity') {
        this.append(events.taskScheduled(at, item.id, item.name, item.input === undefined ? undefined : JSON.stringify(item.input)));
        const task: ActivityTask = {
          id: randomUUID(),
          instanceId: instance.instanceId,
          executionId: instance.executionId,
          taskScheduledId: item.id,
          name: item.name,
          input: item.input,
          scheduledAt: at,
        };
        this.commit.activities.push(task);
      } else if (item.kind === 'entityMessage') {
        // DTFx ProcessSendEventDecision: EventSent in the sender's history, EventRaised "op" to the entity. It is
        // sent whatever the episode's outcome, as DTFx processes every action of a completed episode.
        this.append(events.eventSent(at, item.id, item.target, requestEventName, item.request));
        this.commit.outgoing.push({ instanceId: item.target, messages: [message(undefined, at, events.eventRaised(at, requestEventName, item.request))] });
      } else if (item.kind === 'timer') {
        this.append(events.timerCreated(at, item.id, item.fireAt));
        if (!item.canceled) {
          this.commit.selfMessages.push(message(instance.executionId, item.fireAt, events.timerFired(item.fireAt, item.id, item.fireAt)));
        }
      } else {
        this.append(events.subOrchestrationCreated(at, item.id, item.name, item.instanceId, toJsonString(item.input)));
        this.pendingChildren.push(item);
      }
    }
  }

  dropTimers(timerIds: number[]) {
    const ids = new Set(timerIds);
    for (const m of this.instance.inbox) {
      if (m.event.EventType === EventType.TimerFired && ids.has(m.event.TimerId ?? -1)) this.commit.dropMessages.push(m.id);
    }
  }

  complete(output: unknown) {
    const result = toJsonString(output);
    this.append(events.executionCompleted(this.at, 'Completed', result));
    this.update({ runtimeStatus: 'Completed', output: result });
    this.notifyParent((scheduledId) => events.subOrchestrationCompleted(this.at, scheduledId, result));
  }

  fail(message: string, failureDetails: FailureDetails | undefined) {
    const output = `Orchestrator function '${this.instance.name}' failed: ${message}`;
    const details: FailureDetails = { ErrorType: failureDetails?.ErrorType ?? 'OrchestrationFailureException', ErrorMessage: message, StackTrace: failureDetails?.StackTrace };
    this.append(events.executionCompleted(this.at, 'Failed', JSON.stringify(output), details));
    this.update({ runtimeStatus: 'Failed', output: JSON.stringify(output), failureDetails: details });
    this.notifyParent((scheduledId) => events.subOrchestrationFailed(this.at, scheduledId, subOrchestrationFailure(this.instance.name, output, details)));
  }

  continueAsNew(input: unknown) {
    const newInput = toJsonString(decodeSdkInput(input));
    this.append(events.continueAsNew(this.at, newInput));
    const executionId = newExecutionId();
    const started = events.executionStarted(this.at, {
      Name: this.instance.name,
      Input: newInput,
      Version: this.instance.version,
      OrchestrationInstance: { InstanceId: this.instance.instanceId, ExecutionId: executionId },
    });
    this.commit.newExecution = { executionId, input: newInput, messages: [message(undefined, this.at, started)] };
    this.update({ runtimeStatus: 'ContinuedAsNew' });
  }

  notifyParent(makeEvent: (taskScheduledId: number) => HistoryEvent) {
    const parent = this.instance.parent;
    if (!parent) return;
    this.commit.outgoing.push({ instanceId: parent.instanceId, messages: [message(parent.executionId, this.at, makeEvent(parent.taskScheduledId))] });
  }

  /** Creates the sub-orchestrations asked for and closes the episode with OrchestratorCompleted. */
  finish(deps: EpisodeDeps): EpisodeCommit {
    if (this.finished) return this.commit;
    this.finished = true;
    const status = this.commit.update.runtimeStatus;
    if (!status || !isTerminal(status)) {
      for (const child of this.pendingChildren) this.startChild(deps, child);
    } else playedJsonCache.delete(this.instance.history);
    this.append(events.orchestratorCompleted(this.at));
    return this.commit;
  }

  private startChild(deps: EpisodeDeps, child: Extract<NewWork, { kind: 'subOrchestration' }>) {
    const { instance, at } = this;
    const existing = deps.state.instances.get(child.instanceId);
    if ((existing && !isTerminal(existing.runtimeStatus)) || child.instanceId === instance.instanceId) {
      const reason = `An orchestration instance with ID '${child.instanceId}' is already running; the sub-orchestration was not started.`;
      this.commit.selfMessages.push(
        message(instance.executionId, at, events.subOrchestrationFailed(at, child.id, subOrchestrationFailure(child.name, reason))),
      );
      return;
    }
    this.commit.createInstances.push(
      newInstanceRecord({
        instanceId: child.instanceId,
        name: child.name,
        version: child.version,
        input: toJsonString(child.input),
        at,
        parent: { name: instance.name, instanceId: instance.instanceId, executionId: instance.executionId, taskScheduledId: child.id },
      }),
    );
  }
}

function message(executionId: string | undefined, visibleAt: string, event: HistoryEvent): InboxMessage {
  return { id: randomUUID(), executionId, visibleAt, event };
}
