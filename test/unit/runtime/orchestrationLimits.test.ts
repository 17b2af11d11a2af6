import * as df from 'durable-functions';
import { customStatusSizeError } from '../../../local/runtime/durable/orchestrationEpisode';
import { createDurableHarness } from './durableHarness';

// The extension's per-execution limits: maxOrchestrationActions (DurableTaskOptions.MaxOrchestrationActions,
// default 100,000; DurableOrchestrationContext.IncrementActionsOrThrowException) and SetCustomStatus's 16 KB
// (DurableOrchestrationContext.SetCustomStatus → MessagePayloadDataConverter.Serialize).

const limitMessage = (max: number) =>
  `Maximum amount of orchestration actions (${max}) has been reached. This value can be configured in host.json file as MaxOrchestrationActions.`;

const sequential = function* (context: df.OrchestrationContext) {
  const count = context.df.getInput() as number;
  let total = 0;
  for (let i = 0; i < count; i++) total += (yield context.df.callActivity('One', i)) as number;
  return total;
};

test('an execution may schedule exactly maxOrchestrationActions actions', async () => {
  const harness = createDurableHarness({ Sequential: sequential }, { One: () => 1 }, { maxOrchestrationActions: 5 });
  expect(await harness.run('Sequential', 'limit-ok', 5)).toEqual({ status: 'Completed', output: 5 });
});

test('the action past maxOrchestrationActions fails the orchestration with the extension message; it is never scheduled', async () => {
  const harness = createDurableHarness({ Sequential: sequential }, { One: () => 1 }, { maxOrchestrationActions: 5 });
  expect(await harness.run('Sequential', 'limit-over', 6)).toEqual({ status: 'Failed', output: `Orchestrator function 'Sequential' failed: ${limitMessage(5)}` });
  expect(harness.dispatcher.stats().activityExecutions).toBe(5);
});

test('a fan-out past the limit: the actions before it run to completion (open tasks), then the orchestration fails', async () => {
  const harness = createDurableHarness(
    {
      Wide: function* (context: df.OrchestrationContext) {
        yield context.df.Task.all(Array.from({ length: 8 }, (_, i) => context.df.callActivity('One', i)));
        return 'unreachable';
      },
    },
    { One: () => 1 },
    { maxOrchestrationActions: 5 },
  );
  expect(await harness.run('Wide', 'wide-over', undefined)).toEqual({ status: 'Failed', output: `Orchestrator function 'Wide' failed: ${limitMessage(5)}` });
  const history = harness.history('wide-over')?.history ?? [];
  expect(history.filter((e) => e.EventType === 4).map((e) => e.EventId)).toEqual([0, 1, 2, 3, 4]);
  expect(history.filter((e) => e.EventType === 5)).toHaveLength(5);
  expect(harness.dispatcher.stats().activityExecutions).toBe(5);
});

test('retries of callActivityWithRetry and their timers do not count; each timer does', async () => {
  let calls = 0;
  const harness = createDurableHarness(
    {
      Retries: function* (context: df.OrchestrationContext) {
        yield context.df.callActivityWithRetry('FailsTwice', new df.RetryOptions(1000, 3), null);
        yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
        return calls;
      },
    },
    {
      FailsTwice: () => {
        calls++;
        if (calls < 3) throw new Error(`failure ${calls}`);
        return calls;
      },
    },
    { maxOrchestrationActions: 2 },
  );
  // 3 attempts and 2 retry timers, but only 2 actions: the callActivityWithRetry and the timer.
  expect(await harness.run('Retries', 'retries-count', undefined)).toEqual({ status: 'Completed', output: 3 });
});

const setsStatus = function* (context: df.OrchestrationContext) {
  context.df.setCustomStatus('x'.repeat(context.df.getInput() as number));
  yield context.df.callActivity('One', 0);
  return 'done';
};

test('a custom status of 16 KB (UTF-16, rounded down) is accepted', async () => {
  const harness = createDurableHarness({ SetsStatus: setsStatus }, { One: () => 1 });
  // "x" * 8701 serializes to 8703 characters = 17,406 bytes = 16 KB (rounded down).
  expect(await harness.run('SetsStatus', 'status-16kb', 8701)).toEqual({ status: 'Completed', output: 'done' });
  expect(JSON.parse(harness.history('status-16kb')?.customStatus as string)).toHaveLength(8701);
});

test('a larger custom status fails the orchestration with the extension message before anything of that episode is scheduled', async () => {
  const harness = createDurableHarness({ SetsStatus: setsStatus }, { One: () => 1 });
  // 8704 characters = 17,408 bytes = 17 KB.
  expect(await harness.run('SetsStatus', 'status-17kb', 8702)).toEqual({
    status: 'Failed',
    output: "Orchestrator function 'SetsStatus' failed: The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. The current payload size is 17 KB.",
  });
  expect(harness.dispatcher.stats().activityExecutions).toBe(0);
  expect(harness.history('status-17kb')?.customStatus).toBeNull();
});

test('custom status size counts UTF-16 code units of the compact JSON and formats KB as .NET N0 does', () => {
  expect(customStatusSizeError({ a: 1 })).toBeUndefined();
  // An emoji is two UTF-16 code units: 4350 of them serialize to 8702 units (16 KB), 4351 to 8704 (17 KB).
  expect(customStatusSizeError('😀'.repeat(4350))).toBeUndefined();
  expect(customStatusSizeError('😀'.repeat(4351))).toMatch(/The current payload size is 17 KB\.$/);
  // 524,286 characters plus the quotes: 1,048,576 bytes.
  expect(customStatusSizeError('x'.repeat(524_286))).toBe(
    'The UTF-16 size of the JSON-serialized payload must not exceed 16 KB. The current payload size is 1,024 KB.',
  );
});
