// The runtime's Durable HTTP API failure injection (failDurableApi): the SDK's DurableClient and plain HTTP see the
// answers the real backend gives when it cannot serve (durable/durableApiFaults.ts), while the runtime's own task hub
// work goes on.
import type { DurableClient } from 'durable-functions';
import type { ChildRuntimeHandle } from '../../../local/runtime';
import { sdkClientFor, startFixtureRuntime } from './runtimeFixture';

let runtime: ChildRuntimeHandle;
let client: DurableClient;

beforeAll(async () => {
  runtime = await startFixtureRuntime({ keys: { master: 'mk-faults' } });
  client = sdkClientFor(runtime);
});
afterAll(async () => {
  await runtime?.stop();
});
afterEach(async () => {
  await runtime.clearDurableApiFaults();
});

test('500 with the extension\'s storage-failure body, for `count` requests, then normal answers', async () => {
  await client.startNew('Chaining', { instanceId: 'faults-count', input: 'Ada' });
  await runtime.waitForInstance('faults-count');
  const failedBefore = (await runtime.durableApiFaults()).failed.length;
  await runtime.failDurableApi({ count: 2 });

  await expect(client.getStatus('faults-count')).rejects.toThrow(/unexpected status code: 500\b/);
  const raw = await fetch(new URL('instances/faults-count', runtime.rpcBaseUrl));
  expect(raw.status).toBe(500);
  expect(raw.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(await raw.json()).toEqual({
    Message: 'Something went wrong while processing your request',
    ExceptionMessage: 'An error occurred while communicating with Azure Storage',
    ExceptionType: 'DurableTask.AzureStorage.Storage.DurableTaskStorageException',
    StackTrace: expect.stringContaining('ClientResponseExtensions.DecorateFailure') as unknown,
  });
  // Two used up: the third request is answered.
  expect((await client.getStatus('faults-count')).runtimeStatus).toBe('Completed');
  const report = await runtime.durableApiFaults();
  expect(report.pending).toEqual([]);
  expect(report.failed.slice(failedBefore)).toEqual([
    { request: expect.stringMatching(/^GET instances\/faults-count$/) as unknown, status: 500 },
    { request: 'GET instances/faults-count', status: 500 },
  ]);
});

test('match narrows the fault to one operation: a refused start starts nothing, reads still work', async () => {
  await runtime.failDurableApi({ status: 500, match: { method: 'POST', path: '^orchestrators/' } });
  await expect(client.startNew('Chaining', { instanceId: 'faults-match', input: 'Bo' })).rejects.toThrow(/unexpected status code: 500\b/);
  await expect(client.getStatus('faults-match')).rejects.toThrow(/HTTP 404/);
  expect(await client.getStatusAll()).not.toContainEqual(expect.objectContaining({ instanceId: 'faults-match' }));
  expect((await runtime.durableApiFaults()).pending).toEqual([{ status: 500, remaining: null, match: { method: 'POST', path: '^orchestrators/' } }]);

  await runtime.clearDurableApiFaults();
  await client.startNew('Chaining', { instanceId: 'faults-match', input: 'Bo' });
  expect((await runtime.waitForInstance('faults-match')).runtimeStatus).toBe('Completed');
});

test('503 (host not running), 429 (host throttle) and a reset connection, on the webhook as on the RPC listener', async () => {
  await runtime.failDurableApi({ count: 1, status: 503 });
  await runtime.failDurableApi({ count: 1, status: 429 });
  await runtime.failDurableApi({ count: 1, status: 'reset' });
  const webhook = `${runtime.durableApiUrl}/instances/?code=mk-faults`;

  const unavailable = await fetch(webhook);
  expect(unavailable.status).toBe(503);
  expect(await unavailable.text()).toBe('Function host is not running.');
  const throttled = await fetch(new URL('instances/', runtime.rpcBaseUrl));
  expect(throttled.status).toBe(429);
  expect(throttled.headers.get('x-function-scaleout')).toBe('1');
  expect(await throttled.text()).toBe('');
  // The SDK's axios sees the connection closed without an answer.
  await expect(client.getStatus('anything')).rejects.toMatchObject({ code: 'ECONNRESET' });

  const report = await runtime.durableApiFaults();
  expect(report.pending).toEqual([]);
  // The webhook's query string (it holds the system key) is not recorded.
  expect(report.failed.slice(-3)).toEqual([
    { request: 'GET instances/', status: 503 },
    { request: 'GET instances/', status: 429 },
    { request: 'GET instances/anything', status: 'reset' },
  ]);
  expect(JSON.stringify(report)).not.toContain('mk-faults');
  expect((await fetch(webhook)).status).toBe(200);
});

test('the runtime\'s own work goes on while every API call fails: a started orchestration completes', async () => {
  await client.startNew('Timer', { instanceId: 'faults-internal', input: 1 });
  await runtime.failDurableApi({});
  await expect(client.getStatus('faults-internal')).rejects.toThrow(/unexpected status code: 500\b/);
  // The control API and the dispatcher read the store directly.
  expect((await runtime.waitForInstance('faults-internal', { timeoutMs: 10_000 })).runtimeStatus).toBe('Completed');
  await expect(client.getStatus('faults-internal')).rejects.toThrow(/unexpected status code: 500\b/);
  await runtime.clearDurableApiFaults();
  expect((await client.getStatus('faults-internal')).runtimeStatus).toBe('Completed');
});

test('a fault that cannot be armed is refused with a message naming the field', async () => {
  await expect(runtime.failDurableApi({ count: 0 })).rejects.toThrow(/answered 400: count must be a positive integer/);
  await expect(runtime.failDurableApi({ status: 502 as never })).rejects.toThrow(/answered 400: status must be one of 500, 503, 429, "reset", got 502/);
  await expect(runtime.failDurableApi({ match: { path: '(' } })).rejects.toThrow(/answered 400: match.path must be a regular expression/);
  expect((await runtime.durableApiFaults()).pending).toEqual([]);
});
