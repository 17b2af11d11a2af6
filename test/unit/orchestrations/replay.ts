// Replays an orchestration the way the Durable extension drives it: each episode appends OrchestratorStarted plus the
// new events (TaskScheduled/TaskCompleted/TaskFailed with sequence ids, TimerCreated/TimerFired with TimerId and
// FireAt, EventRaised), then runs the SDK's orchestrator handler over the whole history with a
// DummyOrchestrationContext and reads back the OrchestratorState. A test answers the actions the orchestrator
// scheduled (complete an activity, fire a timer, raise an event) instead of hand-writing every event.

import { DummyOrchestrationContext } from 'durable-functions';

type Json = Record<string, unknown>;
type Handler = (triggerInput: unknown, context: unknown) => Promise<unknown>;

interface Action {
  actionType: number;
  functionName?: string;
  input?: unknown;
  fireAt?: string;
  isCanceled?: boolean;
  retryOptions?: { maxNumberOfAttempts: number; firstRetryIntervalInMilliseconds: number; backoffCoefficient?: number; maxRetryIntervalInMilliseconds?: number };
  compoundActions?: Action[];
}
export interface OrchestratorState {
  isDone: boolean;
  actions: Action[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
}

export interface OpenActivity {
  kind: 'activity';
  id: number;
  name: string;
  input: unknown;
  attempt: number;
  action: Action;
}
export interface OpenTimer {
  kind: 'timer';
  id: number;
  fireAt: string;
  action: Action;
}

const ACTION = { callActivity: 0, callActivityWithRetry: 1, continueAsNew: 4, createTimer: 5, waitForEvent: 6, whenAny: 11, whenAll: 12 } as const;
const EVENT = { executionStarted: 0, taskScheduled: 4, taskCompleted: 5, taskFailed: 6, timerCreated: 10, timerFired: 11, orchestratorStarted: 12, orchestratorCompleted: 13, eventRaised: 15 } as const;

export class OrchestrationReplay {
  private history: Json[] = [];
  private pendingEvents: Json[] = [];
  private nextSequenceId = 0;
  private seenActions = 0;
  private open: (OpenActivity | OpenTimer)[] = [];
  /** Every activity the orchestrator scheduled, in order (retries of one call appear once). */
  readonly scheduled: OpenActivity[] = [];
  readonly timers: OpenTimer[] = [];
  /** Inputs of every execution: the first, then one per continue-as-new. */
  readonly executions: unknown[] = [];
  state: OrchestratorState | undefined;
  now: Date;

  constructor(
    private readonly handler: Handler,
    readonly instanceId: string,
    input: unknown,
    start: Date,
  ) {
    this.now = new Date(start);
    this.executions.push(input);
  }

  get input(): unknown {
    return this.executions[this.executions.length - 1];
  }
  get customStatus(): Json {
    return this.state?.customStatus as Json;
  }
  get isDone(): boolean {
    return this.state?.isDone === true;
  }
  get output(): unknown {
    return this.state?.output;
  }
  openActivities(): OpenActivity[] {
    return this.open.filter((t): t is OpenActivity => t.kind === 'activity');
  }
  openTimers(): OpenTimer[] {
    return this.open.filter((t): t is OpenTimer => t.kind === 'timer');
  }

  async start(): Promise<OrchestratorState> {
    this.pendingEvents.push({ EventType: EVENT.executionStarted, Name: 'processOrder', Input: JSON.stringify(this.input), Version: '' });
    return this.runEpisode();
  }

  /** The one open activity with this name (fails the test if there is none or more than one). */
  activity(name: string): OpenActivity {
    const matches = this.openActivities().filter((a) => a.name === name);
    if (matches.length !== 1) {
      throw new Error(`expected one open "${name}" activity, found ${matches.length}; open: ${this.describeOpen()}`);
    }
    return matches[0];
  }

  async completeActivity(name: string, result: unknown, afterMs = 1000): Promise<OrchestratorState> {
    const task = this.activity(name);
    this.advance(afterMs);
    this.close(task.id);
    this.pendingEvents.push({ EventType: EVENT.taskCompleted, TaskScheduledId: task.id, Result: JSON.stringify(result ?? null) });
    return this.runEpisode();
  }

  /**
   * Fails the activity's current attempt the way the extension's retry interceptor records it: TaskFailed, then a
   * retry timer (TimerCreated/TimerFired with the next sequence id) and, while attempts remain, the next attempt's
   * TaskScheduled. `untilExhausted` fails every remaining attempt, so the orchestrator sees the final failure.
   */
  async failActivity(name: string, message: string, { untilExhausted = false } = {}): Promise<OrchestratorState> {
    let task = this.activity(name);
    const max = task.action.retryOptions?.maxNumberOfAttempts ?? 1;
    for (;;) {
      this.advance(1000);
      this.close(task.id);
      this.pendingEvents.push({ EventType: EVENT.taskFailed, TaskScheduledId: task.id, Reason: message, Details: `Error: ${message}` });
      if (task.action.actionType !== ACTION.callActivityWithRetry) break;
      const timerId = this.nextSequenceId++;
      const delay = retryDelayMs(task.action, task.attempt);
      const fireAt = new Date(this.now.getTime() + delay).toISOString();
      this.pendingEvents.push({ EventType: EVENT.timerCreated, EventId: timerId, FireAt: fireAt });
      await this.runEpisode();
      this.now = new Date(fireAt);
      this.pendingEvents.push({ EventType: EVENT.timerFired, TimerId: timerId, FireAt: fireAt });
      if (task.attempt >= max) break;
      const retry: OpenActivity = { ...task, id: this.nextSequenceId++, attempt: task.attempt + 1 };
      this.pendingEvents.push({ EventType: EVENT.taskScheduled, EventId: retry.id, Name: retry.name, Input: JSON.stringify(retry.input) });
      this.open.push(retry);
      task = retry;
      if (!untilExhausted) break;
    }
    return this.runEpisode();
  }

  /** Fires the earliest open timer; the orchestration's clock moves to its fireAt. */
  async fireTimer(): Promise<OpenTimer> {
    const timer = [...this.openTimers()].sort((a, b) => Date.parse(a.fireAt) - Date.parse(b.fireAt))[0];
    if (!timer) throw new Error(`no open timer; open: ${this.describeOpen()}`);
    this.now = new Date(Math.max(this.now.getTime(), Date.parse(timer.fireAt)));
    this.close(timer.id);
    this.pendingEvents.push({ EventType: EVENT.timerFired, TimerId: timer.id, FireAt: timer.fireAt });
    await this.runEpisode();
    return timer;
  }

  async raiseEvent(name: string, input?: unknown, afterMs = 1000): Promise<OrchestratorState> {
    this.advance(afterMs);
    this.pendingEvents.push({ EventType: EVENT.eventRaised, Name: name, Input: input === undefined ? undefined : JSON.stringify(input) });
    return this.runEpisode();
  }

  /** Several events in one episode (e.g. an activity result and a cancel arriving together). */
  async deliverTogether(steps: ({ complete: string; result: unknown } | { raise: string })[]): Promise<OrchestratorState> {
    this.advance(1000);
    for (const step of steps) {
      if ('complete' in step) {
        const task = this.activity(step.complete);
        this.close(task.id);
        this.pendingEvents.push({ EventType: EVENT.taskCompleted, TaskScheduledId: task.id, Result: JSON.stringify(step.result) });
      } else {
        this.pendingEvents.push({ EventType: EVENT.eventRaised, Name: step.raise });
      }
    }
    return this.runEpisode();
  }

  private advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }

  private close(id: number): void {
    this.open = this.open.filter((t) => t.id !== id);
  }

  private describeOpen(): string {
    return JSON.stringify(this.open.map((t) => (t.kind === 'activity' ? `${t.name}#${t.id}` : `timer#${t.id}@${t.fireAt}`)));
  }

  private async runEpisode(): Promise<OrchestratorState> {
    const episode = [{ EventType: EVENT.orchestratorStarted, Timestamp: this.now.toISOString() }, ...this.pendingEvents];
    this.pendingEvents = [];
    // Events of earlier episodes are marked played, as the extension does.
    this.history = this.history.map((e) => ({ ...e, IsPlayed: true }));
    const replaying = this.history.length > 0;
    this.history.push(...episode.map((e) => ({ EventId: -1, IsPlayed: false, Timestamp: this.now.toISOString(), ...e })));
    const payload = {
      // A fresh copy per run: the SDK turns Timestamp strings into Dates in place.
      history: this.history.map((e) => ({ ...e })),
      input: structuredClone(this.input),
      instanceId: this.instanceId,
      isReplaying: replaying,
      parentInstanceId: null,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      longRunningTimerIntervalDuration: '3.00:00:00',
      maximumShortTimerDuration: '6.00:00:00',
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    };
    let state: OrchestratorState;
    try {
      state = (await this.handler(payload, new DummyOrchestrationContext('processOrder'))) as OrchestratorState;
    } catch (error) {
      // The SDK reports a failed orchestration by throwing, with the state after a marker (reference §2).
      const text = error instanceof Error ? error.message : String(error);
      const marker = text.indexOf('$OutOfProcData$:');
      if (marker < 0) throw error;
      state = JSON.parse(text.slice(marker + '$OutOfProcData$:'.length)) as OrchestratorState;
    }
    this.state = state;
    this.recordNewActions(state);
    this.history.push({ EventType: EVENT.orchestratorCompleted, EventId: -1, IsPlayed: false, Timestamp: this.now.toISOString() });
    return state;
  }

  private recordNewActions(state: OrchestratorState): void {
    const actions = state.actions[0] ?? [];
    for (const action of actions.slice(this.seenActions)) this.schedule(action);
    this.seenActions = actions.length;
    // Timers the orchestrator cancelled (a race it no longer waits for) will never matter again.
    const cancelledFireAts = new Set<string>();
    const collect = (a: Action): void => {
      if (a.actionType === ACTION.createTimer && a.isCanceled) cancelledFireAts.add(isoOf(a.fireAt));
      a.compoundActions?.forEach(collect);
    };
    actions.forEach(collect);
    this.open = this.open.filter((t) => t.kind !== 'timer' || !cancelledFireAts.has(t.fireAt));
    if (state.isDone && actions.some((a) => a.actionType === ACTION.continueAsNew)) this.continueAsNew(actions);
  }

  private schedule(action: Action): void {
    switch (action.actionType) {
      case ACTION.callActivity:
      case ACTION.callActivityWithRetry: {
        const task: OpenActivity = { kind: 'activity', id: this.nextSequenceId++, name: String(action.functionName), input: action.input, attempt: 1, action };
        this.pendingEvents.push({ EventType: EVENT.taskScheduled, EventId: task.id, Name: task.name, Input: JSON.stringify(task.input) });
        this.open.push(task);
        this.scheduled.push(task);
        break;
      }
      case ACTION.createTimer: {
        const timer: OpenTimer = { kind: 'timer', id: this.nextSequenceId++, fireAt: isoOf(action.fireAt), action };
        this.pendingEvents.push({ EventType: EVENT.timerCreated, EventId: timer.id, FireAt: timer.fireAt });
        this.open.push(timer);
        this.timers.push(timer);
        break;
      }
      case ACTION.whenAny:
      case ACTION.whenAll:
        action.compoundActions?.forEach((child) => this.schedule(child));
        break;
      default:
        // WaitForExternalEvent takes no sequence id; ContinueAsNew is handled after the episode.
        break;
    }
  }

  private continueAsNew(actions: Action[]): void {
    const action = actions.find((a) => a.actionType === ACTION.continueAsNew);
    this.executions.push(action?.input);
    // A new execution: fresh history and sequence ids, the carried input.
    this.history = [];
    this.pendingEvents = [{ EventType: EVENT.executionStarted, Name: 'processOrder', Input: JSON.stringify(action?.input), Version: '' }];
    this.open = [];
    this.nextSequenceId = 0;
    this.seenActions = 0;
  }

  /** Starts the execution that continue-as-new asked for. */
  async runContinuedExecution(): Promise<OrchestratorState> {
    return this.runEpisode();
  }
}

/** fireAt is a Date in the SDK's action objects and an ISO string once serialised. */
const isoOf = (value: unknown): string => new Date(value as string | Date).toISOString();

function retryDelayMs(action: Action, attempt: number): number {
  const options = action.retryOptions;
  if (!options) return 0;
  const delay = options.firstRetryIntervalInMilliseconds * (options.backoffCoefficient ?? 1) ** (attempt - 1);
  return Math.min(delay, options.maxRetryIntervalInMilliseconds ?? Number.POSITIVE_INFINITY);
}
