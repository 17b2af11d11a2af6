import path from 'node:path';
import type { DurableClient } from 'durable-functions';
import type { ChildRuntimeHandle } from '../../../local/runtime';
import { sdkClientFor, shape, startFixtureRuntime } from './runtimeFixture';

// The runtime's Azure limits through the real invocation path (child process, @azure/functions, durable-functions):
// the strict fixture's host.json sets functionTimeout to 1 s and maxOrchestrationActions to 3.
const strictApp = path.resolve(__dirname, '../../fixtures/runtime-app/strict');
let runtime: ChildRuntimeHandle;
let client: DurableClient;

beforeAll(async () => {
  runtime = await startFixtureRuntime({ appRoot: strictApp });
  client = sdkClientFor(runtime);
});

afterAll(async () => {
  await runtime?.stop();
});

async function run(name: string, instanceId: string, input: unknown) {
  await client.startNew(name, { instanceId, input });
  return runtime.waitForInstance(instanceId, { timeoutMs: 15_000 });
}

test('an activity that runs past functionTimeout fails with the host timeout message, as a TaskFailed the orchestrator catches', async () => {
  const status = await run('CatchesActivity', 'timeout-1', { name: 'Sleeps', input: 2500 });
  expect(status.runtimeStatus).toBe('Completed');
  const { error } = status.output as { error: string };
  expect(error.split(' \n ')[0]).toBe("Activity function 'Sleeps' failed: Timeout value of 00:00:01 was exceeded by function: Functions.Sleeps");
  const failed = (await runtime.getHistory('timeout-1')).find((e) => e.EventType === 6);
  expect(JSON.parse(failed?.Details as string)).toMatchObject({ ClassName: 'Microsoft.Azure.WebJobs.Host.FunctionTimeoutException' });
});

test('an activity within functionTimeout completes', async () => {
  const status = await run('CatchesActivity', 'timeout-ok', { name: 'Sleeps', input: 50 });
  expect(status.output).toEqual({ result: 'slept 50 ms' });
});

test('throw new Error("boom") in an activity reaches the orchestrator as the extension words it', async () => {
  const status = await run('CatchesActivity', 'boom-1', { name: 'Boom', input: null });
  const { error } = status.output as { error: string };
  const [reason, details] = error.split(' \n ');
  expect(reason).toBe("Activity function 'Boom' failed:  boom");
  const parsed = JSON.parse(details) as { Message: string; InnerException: { RemoteMessage: string; RemoteStackTrace: string } };
  expect(parsed.Message).toBe(' boom');
  expect(parsed.InnerException.RemoteMessage).toBe('boom');
  // The stack is the activity's own, as the Node worker sends err.stack.
  expect(parsed.InnerException.RemoteStackTrace).toMatch(/^Error: boom\n {4}at .*strict[\\/]index\.js/);
});

test('an orchestrator that returns while its activity still runs stays Running until the activity finished', async () => {
  await client.startNew('AbandonsActivity', { instanceId: 'abandons-1', input: 700 });
  await client.raiseEvent('abandons-1', 'cancel', null);
  // The cancel is processed long before the 700 ms activity ends.
  let status = await client.getStatus('abandons-1');
  for (let i = 0; i < 50 && !(await runtime.getHistory('abandons-1')).some((e) => e.EventType === 15); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  status = await client.getStatus('abandons-1');
  expect(status.runtimeStatus).toBe('Running');
  expect(status.output).toBeNull();

  const done = await runtime.waitForInstance('abandons-1', { timeoutMs: 5000 });
  expect(done).toMatchObject({ runtimeStatus: 'Completed', output: 'cancelled' });
  expect(shape(await runtime.getHistory('abandons-1'))).toEqual(['ExecutionStarted:AbandonsActivity', 'TaskScheduled#0:Sleeps', 'EventRaised:cancel', 'TaskCompleted->0', 'ExecutionCompleted']);
});

test('the fourth action of an execution fails it with the extension message (host.json maxOrchestrationActions 3)', async () => {
  expect((await run('Sequential', 'actions-3', 3)).runtimeStatus).toBe('Completed');
  const status = await run('Sequential', 'actions-4', 4);
  expect(status.runtimeStatus).toBe('Failed');
  expect(status.output).toBe(
    "Orchestrator function 'Sequential' failed: Maximum amount of orchestration actions (3) has been reached. This value can be configured in host.json file as MaxOrchestrationActions.",
  );
});
