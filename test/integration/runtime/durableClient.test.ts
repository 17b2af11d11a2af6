import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DurableClient } from 'durable-functions';
import type { ChildRuntimeHandle } from '../../../local/runtime';
import { durableClientBindingValue } from '../../../local/runtime/durable/clientBinding';
import { patternsApp, sdkClientFor, startFixtureRuntime } from './runtimeFixture';

// The SDK's DurableClient against the runtime's HTTP API, real clock: what app code and operators do.
let runtime: ChildRuntimeHandle;
let client: DurableClient;

beforeAll(async () => {
  runtime = await startFixtureRuntime();
  client = sdkClientFor(runtime);
});

afterAll(async () => {
  await runtime?.stop();
});

test('start, status (202 while running, 200 when done), raise event, purge', async () => {
  await client.startNew('Approval', { instanceId: 'client-approval' });
  const running = await fetch(`${runtime.durableApiUrl}/instances/client-approval`);
  expect(running.status).toBe(202);
  expect(running.headers.get('retry-after')).toBe('5');
  const runningBody = (await running.json()) as Record<string, unknown>;
  // Without an input the SDK posts "" and axios JSON-encodes it to '""', which the API stores as the input "".
  expect(runningBody).toMatchObject({ name: 'Approval', instanceId: 'client-approval', input: '', output: null });
  expect(['Pending', 'Running']).toContain(runningBody.runtimeStatus);
  expect(runningBody.createdTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  await client.raiseEvent('client-approval', 'approval', 'yes');
  await runtime.waitForInstance('client-approval');
  const done = await fetch(`${runtime.durableApiUrl}/instances/client-approval`);
  expect(done.status).toBe(200);
  const status = await client.getStatus('client-approval');
  expect(status.runtimeStatus).toBe('Completed');
  expect(status.output).toEqual({ approved: 'yes' });

  expect(await client.purgeInstanceHistory('client-approval')).toEqual({ instancesDeleted: 1 });
  await expect(client.getStatus('client-approval')).rejects.toThrow(/HTTP 404/);
  expect((await client.purgeInstanceHistory('client-approval')).instancesDeleted).toBe(0);
});

test('an event that beats the timeout cancels the timer: the instance completes without waiting 24 hours', async () => {
  await client.startNew('Approval', { instanceId: 'client-approval-timeout', input: 24 });
  await client.raiseEvent('client-approval-timeout', 'approval', 'quick');
  const status = await runtime.waitForInstance('client-approval-timeout', { timeoutMs: 5000 });
  expect(status.output).toEqual({ approved: 'quick' });
  const history = await runtime.getHistory('client-approval-timeout');
  expect(history.filter((e) => e.EventType === 10)).toHaveLength(1);
  expect(history.filter((e) => e.EventType === 11)).toHaveLength(0);
});

test('starting an id that is running fails (500, as the extension); a completed one is started again', async () => {
  await client.startNew('Approval', { instanceId: 'client-dup' });
  await expect(client.startNew('Approval', { instanceId: 'client-dup' })).rejects.toThrow(/unexpected status code: 500.*already exists/);
  await client.terminate('client-dup', 'test over');
  const terminated = await runtime.waitForInstance('client-dup');
  expect(terminated).toMatchObject({ runtimeStatus: 'Terminated', output: 'test over' });
  // NonRunningStates (host.json): a Terminated instance is overwritten by a new execution.
  expect(await client.startNew('Chaining', { instanceId: 'client-dup', input: 'again' })).toBe('client-dup');
  const restarted = await runtime.waitForInstance('client-dup');
  expect(restarted).toMatchObject({ name: 'Chaining', runtimeStatus: 'Completed', input: 'again' });
});

test('terminate, suspend and resume answer 404 for unknown ids and 410 (accepted by the SDK) once finished', async () => {
  await expect(client.terminate('nobody', 'x')).rejects.toThrow("No instance with ID 'nobody' found.");
  await expect(client.raiseEvent('nobody', 'approval', 1)).rejects.toThrow("No instance with ID 'nobody' found.");
  await expect(client.getStatus('nobody')).rejects.toThrow(/HTTP 404/);
  await client.startNew('Chaining', { instanceId: 'client-done', input: 'x' });
  await runtime.waitForInstance('client-done');
  const gone = await fetch(`${runtime.durableApiUrl}/instances/client-done/terminate?reason=late`, { method: 'POST' });
  expect(gone.status).toBe(410);
  await expect(client.terminate('client-done', 'late')).resolves.toBeUndefined();
});

test('suspend holds an instance (events wait), resume lets it finish', async () => {
  await client.startNew('Approval', { instanceId: 'client-suspend' });
  await runtime.runUntilIdle();
  await client.suspend('client-suspend', 'hold on');
  await runtime.runUntilIdle();
  expect((await client.getStatus('client-suspend')).runtimeStatus).toBe('Suspended');
  await client.raiseEvent('client-suspend', 'approval', 'while suspended');
  await runtime.runUntilIdle();
  expect((await client.getStatus('client-suspend')).runtimeStatus).toBe('Suspended');
  await client.resume('client-suspend', 'go');
  const status = await runtime.waitForInstance('client-suspend');
  expect(status.output).toEqual({ approved: 'while suspended' });
});

test('list with filters (runtimeStatus, createdTime) and the start API errors', async () => {
  await client.startNew('Chaining', { instanceId: 'list-a', input: 'a' });
  await client.startNew('Approval', { instanceId: 'list-b' });
  await runtime.waitForInstance('list-a');
  await runtime.runUntilIdle();
  const running = await client.getStatusBy({ runtimeStatus: ['Running' as never] });
  expect(running.map((s) => s.instanceId)).toContain('list-b');
  expect(running.map((s) => s.instanceId)).not.toContain('list-a');
  const future = await client.getStatusBy({ createdTimeFrom: new Date(Date.now() + 60_000) });
  expect(future).toEqual([]);

  const unknown = await fetch(`${runtime.rpcBaseUrl}orchestrators/NoSuchOrchestrator`, { method: 'POST', body: '' });
  expect(unknown.status).toBe(400);
  expect(((await unknown.json()) as { error: string }).error).toMatch(/NoSuchOrchestrator/);
  const badJson = await fetch(`${runtime.rpcBaseUrl}orchestrators/Chaining`, { method: 'POST', body: '{not json' });
  expect(badJson.status).toBe(400);
  const badId = await fetch(`${runtime.rpcBaseUrl}orchestrators/Chaining/${encodeURIComponent('@bad')}`, { method: 'POST', body: '' });
  expect(badId.status).toBe(400);
  await client.terminate('list-b', 'cleanup');
});

test('an HTTP starter uses df.getClient and createCheckStatusResponse; its URLs work as returned', async () => {
  const response = await fetch(`${runtime.apiBaseUrl}/orchestrators/Chaining/http-started`, { method: 'POST', body: JSON.stringify('HTTP') });
  expect(response.status).toBe(202);
  expect(response.headers.get('retry-after')).toBe('10');
  const payload = (await response.json()) as Record<string, string>;
  expect(payload.id).toBe('http-started');
  expect(response.headers.get('location')).toBe(payload.statusQueryGetUri);
  expect(payload.statusQueryGetUri.startsWith(`${runtime.baseUrl}/runtime/webhooks/durabletask/instances/http-started?`)).toBe(true);
  expect(payload.statusQueryGetUri).toContain(`taskHub=${runtime.taskHubName}`);
  await runtime.waitForInstance('http-started');
  const status = (await (await fetch(payload.statusQueryGetUri)).json()) as Record<string, unknown>;
  expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { greeting: 'Hello, HTTP!', echoed: { greeting: 'Hello, HTTP!' }, doubled: 42 } });
  const purge = await fetch(payload.purgeHistoryDeleteUri, { method: 'DELETE' });
  expect(await purge.json()).toEqual({ instancesDeleted: 1 });
});

test('without rpcBaseUrl the SDK uses the webhook URL templates of the binding; they work too', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DurableClient: SdkDurableClient } = require('durable-functions/lib/src/durableClient/DurableClient') as { DurableClient: new (data: unknown) => DurableClient };
  const { rpcBaseUrl: _rpc, ...withoutRpc } = durableClientBindingValue({
    webhookBaseUrl: runtime.durableApiUrl,
    rpcBaseUrl: runtime.rpcBaseUrl,
    taskHubName: runtime.taskHubName,
    connectionName: 'Storage',
  });
  const webhookClient = new SdkDurableClient(withoutRpc);
  expect(await webhookClient.startNew('Approval', { instanceId: 'webhook-1' })).toBe('webhook-1');
  await webhookClient.raiseEvent('webhook-1', 'approval', 'via webhooks');
  await runtime.waitForInstance('webhook-1');
  const status = await webhookClient.getStatus('webhook-1');
  expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { approved: 'via webhooks' } });
  expect((await webhookClient.purgeInstanceHistory('webhook-1')).instancesDeleted).toBe(1);
});

describe('overridableExistingInstanceStates: AnyState', () => {
  let anyState: ChildRuntimeHandle;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-anystate-'));
    const hostJson = JSON.parse(fs.readFileSync(path.join(patternsApp, 'host.json'), 'utf8'));
    hostJson.extensions.durableTask.overridableExistingInstanceStates = 'AnyState';
    fs.writeFileSync(path.join(dir, 'host.json'), JSON.stringify(hostJson));
    anyState = await startFixtureRuntime({ hostJsonPath: path.join(dir, 'host.json') });
  });
  afterAll(async () => {
    await anyState?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a running instance is replaced by the new start', async () => {
    const anyClient = sdkClientFor(anyState);
    await anyClient.startNew('Approval', { instanceId: 'replace-me' });
    await anyState.runUntilIdle();
    await anyClient.startNew('Chaining', { instanceId: 'replace-me', input: 'new' });
    const status = await anyState.waitForInstance('replace-me');
    expect(status).toMatchObject({ name: 'Chaining', runtimeStatus: 'Completed' });
  });
});

test('raiseEvent over HTTP takes only Content-Type application/json (400 with the extension message otherwise); 404 and 410 come first', async () => {
  await client.startNew('Approval', { instanceId: 'client-content-type' });
  const raise = (instanceId: string, headers: Record<string, string>) =>
    fetch(`${runtime.durableApiUrl}/instances/${instanceId}/raiseEvent/approval`, { method: 'POST', headers, body: '"typed"' });

  const refusedHeaders: Record<string, string>[] = [{}, { 'Content-Type': 'text/plain' }, { 'Content-Type': 'application/json-patch+json' }];
  for (const headers of refusedHeaders) {
    const refused = await raise('client-content-type', headers);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ Message: 'Only application/json request content is supported' });
  }
  expect((await raise('nobody-here', { 'Content-Type': 'text/plain' })).status).toBe(404);

  // Media type only: parameters such as charset are fine, and the comparison ignores case.
  expect((await raise('client-content-type', { 'Content-Type': 'Application/JSON; charset=utf-8' })).status).toBe(202);
  const status = await runtime.waitForInstance('client-content-type');
  expect(status.output).toEqual({ approved: 'typed' });
  expect((await raise('client-content-type', { 'Content-Type': 'text/plain' })).status).toBe(410);
});
