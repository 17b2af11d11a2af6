import * as df from 'durable-functions';
import { EventType } from '../../../local/runtime/durable/historyEvents';
import { createDurableHarness } from './durableHarness';

// Rule: DTFx completes, fails or continues an execution only when none of its tasks is open
// (DurableTask.Core TaskOrchestrationExecutor.ExecuteCore: `if (!this.context.HasOpenTasks)`). Each orchestration
// below finishes while work it scheduled is still open; the instance must stay Running until that work is done.

/** An activity the test releases by hand, so it is still running when the orchestrator moves on. */
function gate() {
  let release!: () => void;
  let started = 0;
  const opened = new Promise<void>((resolve) => (release = resolve));
  return {
    started: () => started,
    release: () => release(),
    activity: async (input: unknown) => {
      started++;
      await opened;
      return input;
    },
  };
}

const raceWithCancel = (activity: string) =>
  function* (context: df.OrchestrationContext) {
    const work = context.df.callActivity(activity, 'payload');
    const cancel = context.df.waitForExternalEvent('cancel');
    const winner: unknown = yield context.df.Task.any([work, cancel]);
    return winner === cancel ? 'cancelled' : 'finished';
  };

const statusOf = (harness: ReturnType<typeof createDurableHarness>, id: string) => harness.history(id)?.runtimeStatus;
const eventTypes = (harness: ReturnType<typeof createDurableHarness>, id: string) =>
  (harness.history(id)?.history ?? []).map((e) => EventType[e.EventType]).filter((t) => t !== 'OrchestratorStarted' && t !== 'OrchestratorCompleted');

test('an orchestrator that returns while an activity it abandoned still runs stays Running, then completes with its output once the activity finished', async () => {
  const slow = gate();
  const harness = createDurableHarness({ Race: raceWithCancel('Slow') }, { Slow: slow.activity });
  harness.client.startNew('Race', { instanceId: 'race-1' });
  await harness.until(() => slow.started() === 1, 'the activity to start');
  harness.client.raiseEvent('race-1', 'cancel', null);
  await harness.until(() => eventTypes(harness, 'race-1').includes('EventRaised'), 'the cancel event to be processed');

  // The orchestrator has returned 'cancelled', but the activity is an open task.
  expect(statusOf(harness, 'race-1')).toBe('Running');
  expect(harness.history('race-1')?.output).toBeNull();

  slow.release();
  await harness.dispatcher.whenIdle();
  expect(statusOf(harness, 'race-1')).toBe('Completed');
  expect(JSON.parse(harness.history('race-1')?.output as string)).toBe('cancelled');
  expect(eventTypes(harness, 'race-1')).toEqual(['ExecutionStarted', 'TaskScheduled', 'EventRaised', 'TaskCompleted', 'ExecutionCompleted']);
  expect(harness.dispatcher.stats().activityExecutions).toBe(1);
});

test("an abandoned callActivityWithRetry keeps retrying: every remaining attempt runs before the instance completes", async () => {
  let attempts = 0;
  let releaseFirst!: () => void;
  const firstAttempt = new Promise<void>((resolve) => (releaseFirst = resolve));
  const harness = createDurableHarness(
    {
      RetryRace: function* (context: df.OrchestrationContext) {
        const work = context.df.callActivityWithRetry('AlwaysFails', new df.RetryOptions(1000, 3), 'x');
        const cancel = context.df.waitForExternalEvent('cancel');
        const winner: unknown = yield context.df.Task.any([work, cancel]);
        return winner === cancel ? 'cancelled' : 'finished';
      },
    },
    {
      AlwaysFails: async () => {
        attempts++;
        if (attempts === 1) await firstAttempt;
        throw new Error(`attempt ${attempts} failed`);
      },
    },
  );
  harness.client.startNew('RetryRace', { instanceId: 'retry-race-1' });
  await harness.until(() => attempts === 1, 'the first attempt to start');
  harness.client.raiseEvent('retry-race-1', 'cancel', null);
  await harness.until(() => eventTypes(harness, 'retry-race-1').includes('EventRaised'), 'the cancel event to be processed');
  expect(statusOf(harness, 'retry-race-1')).toBe('Running');

  releaseFirst();
  await harness.dispatcher.whenIdle();
  expect(attempts).toBe(3);
  expect(statusOf(harness, 'retry-race-1')).toBe('Completed');
  expect(JSON.parse(harness.history('retry-race-1')?.output as string)).toBe('cancelled');
  // Three attempts, each followed by the host's retry timer (the last one immediate), all before completion.
  expect(eventTypes(harness, 'retry-race-1')).toEqual([
    'ExecutionStarted', 'TaskScheduled', 'EventRaised', 'TaskFailed', 'TimerCreated', 'TimerFired',
    'TaskScheduled', 'TaskFailed', 'TimerCreated', 'TimerFired', 'TaskScheduled', 'TaskFailed', 'TimerCreated', 'TimerFired',
    'ExecutionCompleted',
  ]);
});

test('an uncancelled timer keeps the instance Running until it fires; the instance completes at the timer time', async () => {
  const harness = createDurableHarness(
    {
      TimerLeftOpen: function* (context: df.OrchestrationContext) {
        const timeout = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 3_600_000));
        yield context.df.Task.any([context.df.callActivity('Quick', 1), timeout]);
        return 'quick';
      },
    },
    { Quick: (n) => n },
    { autoAdvance: false },
  );
  const started = harness.clock.now();
  harness.client.startNew('TimerLeftOpen', { instanceId: 'timer-open-1' });
  await harness.dispatcher.whenIdle();
  expect(statusOf(harness, 'timer-open-1')).toBe('Running');
  expect(eventTypes(harness, 'timer-open-1')).toEqual(['ExecutionStarted', 'TaskScheduled', 'TimerCreated', 'TaskCompleted']);

  await harness.advanceClock(3_600_000);
  expect(statusOf(harness, 'timer-open-1')).toBe('Completed');
  expect(JSON.parse(harness.history('timer-open-1')?.output as string)).toBe('quick');
  expect(Date.parse(harness.history('timer-open-1')?.lastUpdatedTime as string) - started).toBe(3_600_000);
});

test('a cancelled timer and a pending waitForExternalEvent are not open tasks: the instance completes at once', async () => {
  const harness = createDurableHarness(
    {
      CancelsTimer: function* (context: df.OrchestrationContext) {
        const timeout = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 3_600_000));
        const approval = context.df.waitForExternalEvent('approval');
        yield context.df.Task.any([context.df.callActivity('Quick', 1), timeout, approval]);
        timeout.cancel();
        return 'done';
      },
    },
    { Quick: (n) => n },
    { autoAdvance: false },
  );
  const started = harness.clock.now();
  expect(await harness.run('CancelsTimer', 'cancel-timer-1')).toEqual({ status: 'Completed', output: 'done' });
  expect(harness.clock.now()).toBe(started);
  expect(harness.dispatcher.stats().timersFired).toBe(0);
});

test('an orchestrator that throws while an activity is open stays Running, and fails with its error once the activity finished', async () => {
  const slow = gate();
  const harness = createDurableHarness(
    {
      GivesUp: function* (context: df.OrchestrationContext) {
        yield context.df.Task.any([context.df.callActivity('Slow', 1), context.df.waitForExternalEvent('cancel')]);
        throw new Error('gave up');
      },
    },
    { Slow: slow.activity },
  );
  harness.client.startNew('GivesUp', { instanceId: 'gives-up-1' });
  await harness.until(() => slow.started() === 1, 'the activity to start');
  harness.client.raiseEvent('gives-up-1', 'cancel', null);
  await harness.until(() => eventTypes(harness, 'gives-up-1').includes('EventRaised'), 'the cancel event to be processed');
  expect(statusOf(harness, 'gives-up-1')).toBe('Running');

  slow.release();
  await harness.dispatcher.whenIdle();
  expect(statusOf(harness, 'gives-up-1')).toBe('Failed');
  expect(JSON.parse(harness.history('gives-up-1')?.output as string)).toBe("Orchestrator function 'GivesUp' failed: gave up");
  expect(eventTypes(harness, 'gives-up-1').slice(-2)).toEqual(['TaskCompleted', 'ExecutionCompleted']);
});

test('continue-as-new also waits for open tasks: the new execution starts only after the abandoned activity finished', async () => {
  const slow = gate();
  const harness = createDurableHarness(
    {
      Restarts: function* (context: df.OrchestrationContext) {
        const round = context.df.getInput() as number;
        if (round === 0) {
          yield context.df.Task.any([context.df.callActivity('Slow', 1), context.df.waitForExternalEvent('go')]);
          context.df.continueAsNew(1);
          return undefined;
        }
        return `round ${round}`;
      },
    },
    { Slow: slow.activity },
  );
  harness.client.startNew('Restarts', { instanceId: 'restarts-1', input: 0 });
  await harness.until(() => slow.started() === 1, 'the activity to start');
  const firstExecution = harness.history('restarts-1')?.executionId;
  harness.client.raiseEvent('restarts-1', 'go', null);
  await harness.until(() => eventTypes(harness, 'restarts-1').includes('EventRaised'), 'the go event to be processed');
  expect(statusOf(harness, 'restarts-1')).toBe('Running');
  expect(harness.history('restarts-1')?.executionId).toBe(firstExecution);

  slow.release();
  await harness.dispatcher.whenIdle();
  expect(statusOf(harness, 'restarts-1')).toBe('Completed');
  expect(JSON.parse(harness.history('restarts-1')?.output as string)).toBe('round 1');
  expect(harness.history('restarts-1')?.executionId).not.toBe(firstExecution);
});
