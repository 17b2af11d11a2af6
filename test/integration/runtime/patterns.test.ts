import type { DurableClient } from 'durable-functions';
import type { ChildRuntimeHandle } from '../../../local/runtime';
import { sdkClientFor, shape, startFixtureRuntime } from './runtimeFixture';

// One runtime (a child process, virtual clock) for every pattern: each test starts its own instance through the
// SDK's DurableClient and checks the output and the history the runtime wrote (event types, sequence ids, timers).
let runtime: ChildRuntimeHandle;
let client: DurableClient;

beforeAll(async () => {
  runtime = await startFixtureRuntime({ clock: 'virtual' });
  client = sdkClientFor(runtime);
});

afterAll(async () => {
  await runtime?.stop();
});

async function run(name: string, instanceId: string, input?: unknown) {
  expect(await client.startNew(name, { instanceId, input })).toBe(instanceId);
  const status = await runtime.waitForInstance(instanceId, { timeoutMs: 10_000 });
  return { status, history: await runtime.getHistory(instanceId) };
}

const ms = (iso: string | undefined) => Date.parse(iso as string);

test('chaining: each activity is scheduled after the previous one completed, with ids 0, 1, 2', async () => {
  const { status, history } = await run('Chaining', 'chain-1', 'Ada');
  expect(status.runtimeStatus).toBe('Completed');
  expect(status.output).toEqual({ greeting: 'Hello, Ada!', echoed: { greeting: 'Hello, Ada!' }, doubled: 42 });
  expect(shape(history)).toEqual([
    'ExecutionStarted:Chaining',
    'TaskScheduled#0:Greet',
    'TaskCompleted->0',
    'TaskScheduled#1:Echo',
    'TaskCompleted->1',
    'TaskScheduled#2:Double',
    'TaskCompleted->2',
    'ExecutionCompleted',
  ]);
  // Every episode is framed by OrchestratorStarted / OrchestratorCompleted (EventId -1), 4 episodes here.
  expect(history.filter((e) => e.EventType === 12)).toHaveLength(4);
  expect(history.filter((e) => e.EventType === 13)).toHaveLength(4);
  expect(history.filter((e) => e.EventType !== 4).every((e) => e.EventId === -1)).toBe(true);
  expect(history.find((e) => e.EventType === 5 && e.TaskScheduledId === 0)?.Result).toBe('"Hello, Ada!"');
});

test('fan-out/fan-in: all activities scheduled in one episode with consecutive ids, results summed', async () => {
  const { status, history } = await run('FanOut', 'fan-1', 5);
  expect(status.output).toBe(30);
  const firstEpisode = shape(history.slice(0, history.findIndex((e) => e.EventType === 13)));
  expect(firstEpisode).toEqual(['ExecutionStarted:FanOut', ...[0, 1, 2, 3, 4].map((id) => `TaskScheduled#${id}:Double`)]);
  const completed = history.filter((e) => e.EventType === 5).map((e) => e.TaskScheduledId);
  expect(completed.sort()).toEqual([0, 1, 2, 3, 4]);
});

test('timer: TimerCreated carries FireAt, TimerFired resolves it by id, and the orchestration resumes at FireAt', async () => {
  const { status, history } = await run('Timer', 'timer-1', 90);
  const output = status.output as { started: string; resumed: string };
  expect(ms(output.resumed) - ms(output.started)).toBe(90_000);
  expect(shape(history)).toEqual(['ExecutionStarted:Timer', 'TimerCreated#0', 'TimerFired->0', 'ExecutionCompleted']);
  const created = history.find((e) => e.EventType === 10);
  expect(ms(created?.FireAt) - ms(output.started)).toBe(90_000);
});

test('long timer (10 days): split into 3-day sub-timers with one sequence id each, as the SDK tracks them', async () => {
  const { status, history } = await run('LongTimer', 'long-1');
  expect(status.output).toEqual({ elapsedHours: 240 });
  expect(shape(history)).toEqual([
    'ExecutionStarted:LongTimer',
    'TimerCreated#0',
    'TimerFired->0',
    'TimerCreated#1',
    'TimerFired->1',
    'TimerCreated#2',
    'TimerFired->2',
    'ExecutionCompleted',
  ]);
  const start = ms(history[0].Timestamp);
  const fireHours = history.filter((e) => e.EventType === 10).map((e) => (ms(e.FireAt) - start) / 3_600_000);
  expect(fireHours).toEqual([72, 144, 240]);
});

test('external event: EventRaised (matched by name) resumes the waiting orchestration with its data', async () => {
  expect(await client.startNew('Approval', { instanceId: 'approval-1' })).toBe('approval-1');
  await runtime.runUntilIdle();
  expect((await client.getStatus('approval-1')).runtimeStatus).toBe('Running');
  await client.raiseEvent('approval-1', 'approval', { by: 'manager' });
  const status = await runtime.waitForInstance('approval-1');
  expect(status.output).toEqual({ approved: { by: 'manager' } });
  expect(shape(await runtime.getHistory('approval-1'))).toEqual(['ExecutionStarted:Approval', 'EventRaised:approval', 'ExecutionCompleted']);
});

test('external event with a timeout: with time-skipping the 24-hour timer wins', async () => {
  const { status, history } = await run('Approval', 'approval-timeout', 24);
  expect(status.output).toEqual({ approved: 'timed out' });
  expect(shape(history)).toEqual(['ExecutionStarted:Approval', 'TimerCreated#0', 'TimerFired->0', 'ExecutionCompleted']);
});

test('activity retry with backoff: attempts and retry timers alternate ids; delays are 1 s then 2 s', async () => {
  const { status, history } = await run('Retry', 'retry-ok', { key: 'retry-ok', failTimes: 2, maxAttempts: 3 });
  expect(status.output).toEqual({ result: { key: 'retry-ok', attempts: 3 }, after: 'after' });
  expect(shape(history)).toEqual([
    'ExecutionStarted:Retry',
    'TaskScheduled#0:Flaky',
    'TaskFailed->0',
    'TimerCreated#1',
    'TimerFired->1',
    'TaskScheduled#2:Flaky',
    'TaskFailed->2',
    'TimerCreated#3',
    'TimerFired->3',
    'TaskScheduled#4:Flaky',
    'TaskCompleted->4',
    'TaskScheduled#5:Echo',
    'TaskCompleted->5',
    'ExecutionCompleted',
  ]);
  const timers = history.filter((e) => e.EventType === 10).map((e) => ms(e.FireAt) - ms(e.Timestamp));
  expect(timers).toEqual([1000, 2000]);
  const failed = history.find((e) => e.EventType === 6);
  expect(failed?.Reason).toBe("Activity function 'Flaky' failed:  flaky failure 1 for retry-ok");
  expect(typeof failed?.Details).toBe('string');
});

test('activity retry exhausted: a trailing (immediate) retry timer after the last attempt, then the error surfaces', async () => {
  const { status, history } = await run('Retry', 'retry-exhausted', { key: 'retry-exhausted', failTimes: 5, maxAttempts: 2 });
  expect(status.runtimeStatus).toBe('Completed');
  expect(status.output).toEqual({ failed: "Activity function 'Flaky' failed:  flaky failure 2 for retry-exhausted " });
  expect(shape(history)).toEqual([
    'ExecutionStarted:Retry',
    'TaskScheduled#0:Flaky',
    'TaskFailed->0',
    'TimerCreated#1',
    'TimerFired->1',
    'TaskScheduled#2:Flaky',
    'TaskFailed->2',
    'TimerCreated#3',
    'TimerFired->3',
    'ExecutionCompleted',
  ]);
  const timers = history.filter((e) => e.EventType === 10).map((e) => ms(e.FireAt) - ms(e.Timestamp));
  expect(timers).toEqual([1000, 0]);
});

test('continue-as-new: each generation starts a fresh history with the new input; the last returns', async () => {
  const { status, history } = await run('Counter', 'counter-1', { n: 0, max: 3 });
  expect(status.output).toEqual({ n: 3, last: 6 });
  expect(status.input).toEqual({ n: 3, max: 3, last: 4 });
  expect(shape(history)).toEqual(['ExecutionStarted:Counter', 'TaskScheduled#0:Double', 'TaskCompleted->0', 'ExecutionCompleted']);
  expect(JSON.parse(history[1].Input as string)).toEqual({ n: 3, max: 3, last: 4 });
});

test('failure: the orchestration fails with the error, its custom status kept and FailureDetails recorded', async () => {
  const { status, history } = await run('Failing', 'fail-1');
  expect(status.runtimeStatus).toBe('Failed');
  expect(status.output).toBe("Orchestrator function 'Failing' failed: boom: the orchestration gave up");
  expect(status.customStatus).toEqual({ stage: 'before-failure' });
  const completed = history.find((e) => e.EventType === 1);
  expect(completed?.OrchestrationStatus).toBe('Failed');
  expect(completed?.FailureDetails?.ErrorMessage).toBe('boom: the orchestration gave up');
  // The SDK client reads a failed instance as 200 with its status (not a 4xx/5xx).
  expect((await client.getStatus('fail-1')).runtimeStatus).toBe('Failed');
});

test('sub-orchestrations: a child completes into SubOrchestrationInstanceCompleted, a failing one into ...Failed', async () => {
  const { status, history } = await run('Parent', 'parent-1');
  expect(status.output).toEqual({
    child: { greeting: 'Hello, child!', echoed: { greeting: 'Hello, child!' }, doubled: 42 },
    failure: "Orchestrator function 'Failing' failed: boom: the orchestration gave up ",
  });
  expect(shape(history)).toEqual([
    'ExecutionStarted:Parent',
    'SubOrchestrationInstanceCreated#0:Chaining',
    'SubOrchestrationInstanceCompleted->0',
    'SubOrchestrationInstanceCreated#1:Failing',
    'SubOrchestrationInstanceFailed->1',
    'ExecutionCompleted',
  ]);
  expect(history.find((e) => e.EventType === 7 && e.EventId === 0)?.InstanceId).toBe('parent-1-chaining');
  const child = await client.getStatus('parent-1-chaining');
  expect(child.runtimeStatus).toBe('Completed');
  expect((await client.getStatus('parent-1:1')).runtimeStatus).toBe('Failed');
});
