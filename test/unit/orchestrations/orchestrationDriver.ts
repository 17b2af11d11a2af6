// Drives one orchestration instance step by step through the local runtime's durable core, in-process: the task hub
// store, the dispatcher, orchestration episodes (the runtime's action replayer, retry handling and timers), the
// activity runner and a virtual clock that only the test moves. Functions are invoked through the runtime's invoker
// and @azure/functions' programming model, as under `npm start`. The one difference: activities run no code. Each
// invocation waits until the test answers it (complete or fail), so a test plays Partner Center, the broker and time.

import { runActivity } from '../../../local/runtime/durable/activityRunner';
import { createVirtualClock, type VirtualClock } from '../../../local/runtime/durable/clock';
import { createDispatcher, type Dispatcher } from '../../../local/runtime/durable/dispatcher';
import { entityDispatch, entityRunnable } from '../../../local/runtime/durable/entityRunner';
import { EventType, type HistoryEvent } from '../../../local/runtime/durable/historyEvents';
import { selectBatch } from '../../../local/runtime/durable/inboxBatch';
import { runEpisode } from '../../../local/runtime/durable/orchestrationEpisode';
import { decodeSdkInput } from '../../../local/runtime/durable/sdkActions';
import { createMemoryStore, type TaskHubStore } from '../../../local/runtime/durable/store';
import { createTaskHubClient, type TaskHubClient } from '../../../local/runtime/durable/taskHubClient';
import type { ActivityTask, EpisodeCommit, InstanceRecord, RuntimeStatus } from '../../../local/runtime/durable/taskHubState';
import { createInvoker, typedDataToValue, type Invoker } from '../../../local/runtime/invoke';
import { createLogger } from '../../../local/runtime/logger';
import type { FunctionRegistry } from '../../../local/runtime/registry';

/**
 * An activity the orchestration scheduled. `input` is what the activity function receives; `attempt` counts the
 * runtime's retries of one callActivityWithRetry.
 */
export interface ScheduledActivity {
  /** The sequence id (TaskScheduled EventId) within its execution. */
  id: number;
  name: string;
  input: unknown;
  attempt: number;
}

/** A timer in history; `retryOf` is set on the runtime's retry timers (the sequence id of the attempt that failed). */
export interface DurableTimer {
  id: number;
  fireAt: string;
  retryOf?: number;
}

export type DeliveryStep = { complete: string; result: unknown } | { fail: string; message: string } | { raise: string; input?: unknown };

export interface OrchestrationDriverOptions {
  /** The app's functions (the orchestrator and every activity it calls), as registered through `df.app.*`. */
  functions: FunctionRegistry;
  orchestrator: string;
  instanceId: string;
  input: unknown;
  /** The virtual clock's start: the instance's creation time. */
  start: Date;
}

/** What the orchestrator function returned in an episode (its actions as JSON, to tell whether it moved on). */
interface SdkState {
  isDone: boolean;
  actions: string;
}

interface WaitingActivity extends ScheduledActivity {
  task: ActivityTask;
  resolve(result: unknown): void;
  reject(error: Error): void;
}

// The runtime's defaults (local/runtime/inProcessRuntime.ts), which the extension sends as the SDK's timer settings.
const TIMER_SETTINGS = { maximumShortTimerMs: 6 * 86_400_000, longRunningTimerIntervalMs: 3 * 86_400_000 };
const SETTLE_TIMEOUT_MS = 5000;
const DEFAULT_STEP_MS = 1000;

export class OrchestrationDriver {
  readonly instanceId: string;
  /** Every activity the orchestration scheduled, in order, across executions (retries of one call appear once). */
  readonly scheduled: ScheduledActivity[] = [];
  /** Every timer the orchestration created, in order, across executions (the runtime's retry timers excluded). */
  readonly timers: DurableTimer[] = [];
  /** Inputs of every execution: the first, then one per continue-as-new. */
  readonly executions: unknown[];

  private readonly clock: VirtualClock;
  private readonly store: TaskHubStore;
  private readonly dispatcher: Dispatcher;
  private readonly client: TaskHubClient;
  private readonly waiting = new Map<string, WaitingActivity>();
  /** Per execution and sequence id: the activities scheduled, and the retry timers with the attempt they follow. */
  private readonly activitiesById = new Map<string, ScheduledActivity>();
  private readonly retryTimers = new Map<string, number>();
  private readonly endedHistories: HistoryEvent[][] = [];
  private readonly faults: string[] = [];
  private readonly raiseDuringNextEpisode: { name: string; input: unknown }[] = [];
  /** What the orchestrator function returned in the episode being run (undefined: it threw or was not invoked). */
  private episodeState: SdkState | undefined;
  private readonly lastState = new Map<string, SdkState>();
  private hold: Promise<void> | undefined;

  constructor(private readonly options: OrchestrationDriverOptions) {
    this.instanceId = options.instanceId;
    this.executions = [structuredClone(options.input)];
    const { functions } = options;
    this.clock = createVirtualClock(options.start.getTime(), false);
    this.store = createMemoryStore();
    const logger = createLogger((record) => {
      // The dispatcher's own errors (an episode or activity that could not run) would otherwise only be retried.
      if ((record.level === 'error' || record.level === 'critical') && record.category === undefined) this.faults.push(record.message);
    });
    const invoker = this.observingInvoker(createInvoker(functions, logger));
    this.dispatcher = createDispatcher({
      store: this.store,
      clock: this.clock,
      logger,
      // One episode at a time keeps `episodeState` tied to the episode that produced it.
      maxConcurrentOrchestrations: 1,
      // Every scheduled activity runs at once, waiting for the test's answer.
      maxConcurrentActivities: Number.MAX_SAFE_INTEGER,
      runEpisode: (instanceId, now) => this.runEpisode({ registry: functions, invoker, logger, state: this.store.state, timers: TIMER_SETTINGS }, instanceId, now),
      runActivity: (task) => runActivity({ registry: this.answeredBy(task, functions), invoker, logger, now: () => this.clock.now() }, task),
      // Entities run for real, through the runtime's entity runner (the Partner Center budget is one).
      ...entityDispatch({ registry: functions, invoker, logger, state: this.store.state, maxBatchSize: 50 }),
    });
    this.client = createTaskHubClient({ store: this.store, registry: functions, clock: this.clock, overridable: 'NonRunningStates', onChange: this.dispatcher.wake });
  }

  /** The orchestration's clock (the virtual clock: it moves only when a step says so). */
  get now(): Date {
    return new Date(this.clock.now());
  }
  get runtimeStatus(): RuntimeStatus | undefined {
    return this.instance()?.runtimeStatus;
  }
  /** The orchestrator function reported itself done (returned, failed or continued as new) in its latest episode. */
  get isDone(): boolean {
    const instance = this.instance();
    return instance !== undefined && this.lastState.get(instance.executionId)?.isDone === true;
  }
  /** The custom status as the runtime stores it (what the status API answers). */
  get customStatus(): unknown {
    return parseJson(this.instance()?.customStatus);
  }
  /** The stored output: the orchestrator's return value, or the failure text when it failed. */
  get output(): unknown {
    return parseJson(this.instance()?.output);
  }
  /** An entity's stored state (undefined when it has none). */
  entityState(entityInstanceId: string): unknown {
    const entity = this.store.state.entities.get(entityInstanceId);
    return entity === undefined ? undefined : parseJson(entity.state);
  }
  /** The current execution's input. */
  get input(): unknown {
    return this.executions[this.executions.length - 1];
  }

  /** The stored DTFx history of the current execution, or of an earlier one (0 = the first execution). */
  history(execution?: number): HistoryEvent[] {
    const events = execution === undefined || execution === this.endedHistories.length ? this.instance()?.history : this.endedHistories[execution];
    if (!events) throw new Error(`no execution ${execution}; ${this.endedHistories.length + 1} so far`);
    return structuredClone(events);
  }

  /** Activities waiting for the test's answer, in sequence-id order. */
  openActivities(): ScheduledActivity[] {
    return this.waitingActivities().map(({ id, name, input, attempt }) => ({ id, name, input, attempt }));
  }

  /** Timers that have not fired (cancelled timers are dropped by the runtime), earliest first. */
  openTimers(): DurableTimer[] {
    const instance = this.instance();
    if (!instance) return [];
    return instance.inbox
      .filter((m) => m.event.EventType === EventType.TimerFired)
      .map((m) => this.timerOf(instance.executionId, m.event.TimerId ?? -1, m.event.FireAt ?? m.visibleAt))
      .sort((a, b) => Date.parse(a.fireAt) - Date.parse(b.fireAt) || a.id - b.id);
  }

  /** The one open activity with this name (throws, naming what is open, if there is none or more than one). */
  activity(name: string): ScheduledActivity {
    const matches = this.openActivities().filter((a) => a.name === name);
    if (matches.length !== 1) throw new Error(`expected one open "${name}" activity, found ${matches.length}; open: ${this.describeOpen()}`);
    return matches[0];
  }

  /** Starts the instance through the task hub client, as an HTTP starter does, and runs its first episode. */
  async start(): Promise<void> {
    this.client.startNew(this.options.orchestrator, { instanceId: this.instanceId, input: this.options.input });
    await this.settle();
  }

  /**
   * Starts the instance id again with another input, as a second starter would: the task hub overwrites a finished
   * instance (overridableExistingInstanceStates NonRunningStates), and refuses while it runs.
   */
  async startAgain(input: unknown, afterMs = DEFAULT_STEP_MS): Promise<void> {
    this.clock.advanceBy(afterMs);
    this.executions.push(structuredClone(input));
    this.client.startNew(this.options.orchestrator, { instanceId: this.instanceId, input });
    await this.settle();
  }

  /** Answers the open activity `name` with `result`, `afterMs` after the previous step. */
  async completeActivity(name: string, result: unknown, afterMs = DEFAULT_STEP_MS): Promise<void> {
    const activity = this.takeWaiting(name);
    this.clock.advanceBy(afterMs);
    activity.resolve(result);
    await this.settle();
  }

  /**
   * Fails the open activity `name` by throwing `Error(message)` from it; the runtime's activity runner reports the
   * failure and its retry handling decides what follows. When the runtime answers with a retry timer, the clock moves
   * to it so the next attempt is scheduled. `untilExhausted` fails every further attempt too, so the orchestrator sees
   * the final failure.
   */
  async failActivity(name: string, message: string, { untilExhausted = false } = {}): Promise<void> {
    for (;;) {
      const attempt = this.takeWaiting(name);
      this.clock.advanceBy(DEFAULT_STEP_MS);
      attempt.reject(new Error(message));
      await this.settle();
      const retryTimer = this.openTimers().find((t) => t.retryOf === attempt.id);
      if (!retryTimer) return;
      await this.fireTimer(retryTimer);
      const next = this.openActivities().find((a) => a.name === name && a.attempt === attempt.attempt + 1);
      if (!untilExhausted || !next) return;
    }
  }

  /** Moves the clock to the earliest open timer (or to `timer`, firing every timer due by then); returns it. */
  async fireTimer(timer?: DurableTimer): Promise<DurableTimer> {
    const target = timer ?? this.openTimers()[0];
    if (!target) throw new Error(`no open timer; open: ${this.describeOpen()}`);
    this.clock.advanceTo(Date.parse(target.fireAt));
    await this.settle();
    return target;
  }

  /** Raises an external event through the task hub client, `afterMs` after the previous step. */
  async raiseEvent(name: string, input?: unknown, afterMs = DEFAULT_STEP_MS): Promise<void> {
    this.clock.advanceBy(afterMs);
    this.client.raiseEvent(this.instanceId, name, input);
    await this.settle();
  }

  /**
   * Raises an event while the next episode runs: it reaches the instance after the messages that episode processes and
   * before anything the episode schedules (e.g. a timer that is due at once) — the race between a client and the
   * orchestration's own work, which step-by-step driving cannot otherwise reach.
   */
  raiseEventDuringNextEpisode(name: string, input?: unknown): void {
    this.raiseDuringNextEpisode.push({ name, input });
  }

  /** Several answers and events, in this order, processed by one episode (`afterMs` after the previous step). */
  async deliverTogether(steps: DeliveryStep[], afterMs = DEFAULT_STEP_MS): Promise<void> {
    let release = () => undefined as void;
    this.hold = new Promise<void>((resolve) => (release = resolve));
    try {
      this.clock.advanceBy(afterMs);
      for (const step of steps) {
        if ('raise' in step) {
          this.client.raiseEvent(this.instanceId, step.raise, step.input);
          continue;
        }
        const activity = this.takeWaiting('complete' in step ? step.complete : step.fail);
        const reported = this.whenReported(activity.task);
        if ('complete' in step) activity.resolve(step.result);
        else activity.reject(new Error(step.message));
        // In order: the next message is sent only once the runtime has queued this answer.
        await reported;
      }
    } finally {
      this.hold = undefined;
      release();
    }
    await this.settle();
  }

  private instance(): InstanceRecord | undefined {
    return this.store.state.instances.get(this.instanceId);
  }

  /** Invocations still owed to the runtime: the store drops the activities of an execution that has ended. */
  private waitingActivities(): WaitingActivity[] {
    return [...this.waiting.values()].filter((w) => this.store.state.activities.has(w.task.id)).sort((a, b) => a.id - b.id);
  }

  private takeWaiting(name: string): WaitingActivity {
    const { id } = this.activity(name);
    const entry = this.waitingActivities().find((w) => w.id === id) as WaitingActivity;
    this.waiting.delete(entry.task.id);
    return entry;
  }

  private timerOf(executionId: string, id: number, fireAt: string): DurableTimer {
    const retryOf = this.retryTimers.get(`${executionId}:${id}`);
    return retryOf === undefined ? { id, fireAt } : { id, fireAt, retryOf };
  }

  private describeOpen(): string {
    return JSON.stringify([...this.openActivities().map((a) => `${a.name}#${a.id}`), ...this.openTimers().map((t) => `timer#${t.id}@${t.fireAt}`)]);
  }

  /** Resolves once the runtime has queued the outcome of `task` for the orchestration. */
  private whenReported(task: ActivityTask): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!this.store.state.activities.has(task.id)) {
          unsubscribe();
          resolve();
        }
      };
      const unsubscribe = this.dispatcher.onChange(check);
    });
  }

  /**
   * Lets the dispatcher run until nothing can happen without the test: no instance or entity has a message to process, every
   * scheduled activity waits for an answer, and the clock stands still until the next step moves it.
   */
  private settle(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const finish = (error?: Error) => {
        clearTimeout(timeout);
        unsubscribe();
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (this.faults.length > 0) finish(new Error(`the local runtime reported: ${this.faults.join('\n')}`));
        else if (this.isSettled()) finish();
      };
      const timeout = setTimeout(() => finish(new Error(`the orchestration did not settle within ${SETTLE_TIMEOUT_MS} ms; open: ${this.describeOpen()}`)), SETTLE_TIMEOUT_MS);
      const unsubscribe = this.dispatcher.onChange(check);
      // Every wake ends in a dispatcher pass that notifies the listeners.
      this.dispatcher.wake();
    });
  }

  private isSettled(): boolean {
    const now = this.clock.now();
    for (const instance of this.store.state.instances.values()) if (selectBatch(instance, now)) return false;
    for (const id of this.store.state.entities.keys()) if (entityRunnable(this.store.state, id, now)) return false;
    for (const task of this.store.state.activities.values()) if (!this.waiting.has(task.id)) return false;
    return true;
  }

  /** The runtime's episode, plus what the driver records about it (and events sent while it runs). */
  private async runEpisode(deps: Parameters<typeof runEpisode>[0], instanceId: string, startedAt: number) {
    let now = startedAt;
    if (this.hold) {
      await this.hold;
      now = this.clock.now();
    }
    const instance = this.store.state.instances.get(instanceId);
    const hasBatch = instance !== undefined && selectBatch(instance, now) !== undefined;
    const historyBefore = instance ? [...instance.history] : [];
    const previous = instance ? this.lastState.get(instance.executionId) : undefined;
    this.episodeState = undefined;
    const episode = runEpisode(deps, instanceId, now);
    // The batch is taken when the episode starts, so these arrive after it.
    if (hasBatch && instanceId === this.instanceId) {
      for (const { name, input } of this.raiseDuringNextEpisode.splice(0)) this.client.raiseEvent(instanceId, name, input);
    }
    const result = await episode;
    if (result && instanceId === this.instanceId) {
      // Set by observingInvoker while the episode ran.
      const state = this.episodeState as SdkState | undefined;
      if (state) this.lastState.set(result.commit.executionId, state);
      else if (result.invokedOrchestrator) this.lastState.set(result.commit.executionId, { isDone: true, actions: 'failed' });
      this.record(result.commit, historyBefore, state === undefined || state.actions !== previous?.actions || state.isDone !== previous?.isDone);
    }
    return result;
  }

  /**
   * Classifies what an episode scheduled. When an attempt failed and the orchestrator did not move on (its actions are
   * unchanged), the timers the episode created are the runtime's retry timers, one per failed attempt in history
   * order; an activity scheduled when such a timer fires, again without the orchestrator moving, is the next attempt.
   */
  private record(commit: EpisodeCommit, historyBefore: HistoryEvent[], orchestratorMoved: boolean): void {
    const execution = commit.executionId;
    const key = (id: number) => `${execution}:${id}`;
    const appended = commit.appendHistory;
    const failed = appended.filter((e) => e.EventType === EventType.TaskFailed).map((e) => e.TaskScheduledId as number);
    const retried = orchestratorMoved
      ? []
      : appended.filter((e) => e.EventType === EventType.TimerFired).flatMap((e) => this.retryTimers.get(key(e.TimerId as number)) ?? []);

    appended
      .filter((e) => e.EventType === EventType.TimerCreated)
      .forEach((event, index) => {
        if (!orchestratorMoved && index < failed.length) this.retryTimers.set(key(event.EventId), failed[index]);
        else this.timers.push({ id: event.EventId, fireAt: event.FireAt as string });
      });

    for (const event of appended.filter((e) => e.EventType === EventType.TaskScheduled)) {
      const previousAttempt = retried.map((id) => this.activitiesById.get(key(id))).find((a) => a?.name === event.Name);
      if (previousAttempt) retried.splice(retried.indexOf(previousAttempt.id), 1);
      const activity: ScheduledActivity = { id: event.EventId, name: event.Name as string, input: decodeSdkInput(parseJson(event.Input)), attempt: (previousAttempt?.attempt ?? 0) + 1 };
      this.activitiesById.set(key(activity.id), activity);
      if (activity.attempt === 1) this.scheduled.push(activity);
    }

    if (commit.newExecution) {
      this.endedHistories.push([...historyBefore, ...appended]);
      this.executions.push(parseJson(commit.newExecution.input));
    }
  }

  /** Notes what the orchestrator function returned; everything else passes through unchanged. */
  private observingInvoker(invoker: Invoker): Invoker {
    return {
      invoke: async (fn, request) => {
        if (fn.trigger.type.toLowerCase() !== 'orchestrationtrigger') return invoker.invoke(fn, request);
        const outcome = await invoker.invoke(fn, request);
        const state = typedDataToValue(outcome.response.returnValue) as { isDone?: boolean; actions?: unknown } | undefined;
        this.episodeState = { isDone: state?.isDone === true, actions: JSON.stringify(state?.actions ?? null) };
        return outcome;
      },
    };
  }

  /**
   * The registry the activity runner looks `task` up in: the app's, except that the activity's handler is replaced
   * by one that waits for the test's answer. Unregistered names stay unregistered, so the runtime fails them as usual.
   */
  private answeredBy(task: ActivityTask, functions: FunctionRegistry): FunctionRegistry {
    return {
      ...functions,
      get: (name) => {
        const fn = functions.get(name);
        if (!fn || fn.trigger.type.toLowerCase() !== 'activitytrigger') return fn;
        const callback = (input: unknown) =>
          new Promise((resolve, reject) => {
            const scheduled = this.activitiesById.get(`${task.executionId}:${task.taskScheduledId}`);
            this.waiting.set(task.id, { id: task.taskScheduledId, name: task.name, input, attempt: scheduled?.attempt ?? 1, task, resolve, reject });
            this.dispatcher.wake();
          });
        return { ...fn, callback };
      },
    };
  }
}

function parseJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
