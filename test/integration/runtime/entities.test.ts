import path from 'node:path';
import * as df from 'durable-functions';
import type { DurableClient } from 'durable-functions';
import type { ChildRuntimeHandle } from '../../../local/runtime';
import { deterministicGuid, roundTripFormat } from '../../../local/runtime/durable/entityMessages';
import { sdkClientFor, shape, startFixtureRuntime } from './runtimeFixture';

// Durable entities on the local runtime, driven through the real durable-functions SDK: the fixture app registers
// entities with df.app.entity and orchestrations that call and signal them; the test signals and reads them with the
// SDK's DurableClient. One runtime (child process, virtual clock) for the file.
const entitiesApp = path.resolve(__dirname, '../../fixtures/runtime-app/entities');
let runtime: ChildRuntimeHandle;
let client: DurableClient;

beforeAll(async () => {
  runtime = await startFixtureRuntime({ appRoot: entitiesApp, clock: { kind: 'virtual', start: '2026-03-02T09:00:00Z' } });
  client = sdkClientFor(runtime);
});

afterAll(async () => {
  await runtime?.stop();
});

async function run(name: string, instanceId: string, input?: unknown) {
  expect(await client.startNew(name, { instanceId, input })).toBe(instanceId);
  const status = await runtime.waitForInstance(instanceId, { timeoutMs: 15_000 });
  return { status, history: await runtime.getHistory(instanceId) };
}

test('a counter signalled from the client: every signal applies and the state reads back over the client', async () => {
  const counter = new df.EntityId('Counter', 'client-1');
  expect((await client.readEntityState(counter)).entityExists).toBe(false);
  for (const amount of [1, 2, 3, 4]) await client.signalEntity(counter, 'add', amount);
  await runtime.runUntilIdle();
  const read = await client.readEntityState<number>(counter);
  expect(read).toEqual(expect.objectContaining({ entityExists: true, entityState: 10 }));
});

test('an orchestration signals and calls a counter: EventSent per message with sequence ids, results by request id', async () => {
  const { status, history } = await run('CounterCaller', 'caller-1', { key: 'orch-1' });
  expect(status.runtimeStatus).toBe('Completed');
  expect(status.output).toEqual({ after: 6, value: 6 });
  const sent = history.filter((e) => e.EventType === 14);
  expect(sent.map((e) => [e.EventId, e.Name, e.InstanceId])).toEqual([
    [0, 'op', '@counter@orch-1'],
    [1, 'op', '@counter@orch-1'],
    [2, 'op', '@counter@orch-1'],
  ]);
  const requests = sent.map((e) => JSON.parse(e.Input as string) as Record<string, unknown>);
  expect(requests[0]).toEqual(expect.objectContaining({ op: 'add', signal: true, input: '5', parent: 'caller-1' }));
  expect(requests[1]).toEqual(expect.objectContaining({ op: 'incrementAndGet', parent: 'caller-1' }));
  expect(requests[1]).not.toHaveProperty('signal');
  const raised = history.filter((e) => e.EventType === 15);
  expect(raised.map((e) => [e.Name, e.Input])).toEqual([
    [requests[1].id, '{"result":"6"}'],
    [requests[2].id, '{"result":"6"}'],
  ]);
  expect(shape(history)).toEqual([
    'ExecutionStarted:CounterCaller',
    'EventSent#0:op',
    'EventSent#1:op',
    `EventRaised:${requests[1].id}`,
    'EventSent#2:op',
    `EventRaised:${requests[2].id}`,
    'ExecutionCompleted',
  ]);
  // Request ids are DurableOrchestrationContext.NewGuid: UUIDv5 of "<instance>_<episode time:o>_<counter>".
  const episodes = history.filter((e) => e.EventType === 12).map((e) => e.Timestamp);
  expect(requests.map((r) => r.id)).toEqual([
    deterministicGuid(`caller-1_${roundTripFormat(Date.parse(episodes[0]))}_0`),
    deterministicGuid(`caller-1_${roundTripFormat(Date.parse(episodes[0]))}_1`),
    deterministicGuid(`caller-1_${roundTripFormat(Date.parse(episodes[1]))}_2`),
  ]);
});

test('an operation that throws fails the caller\'s task, and its state change is not rolled back', async () => {
  const error = await run('CallsCounter', 'boom-1', { key: 'boom', operation: 'boom' });
  // The SDK stores JSON.stringify(error) ("{}") as the result and rejects with Error(JSON.parse(result)).
  expect(error.status.output).toEqual({ error: '[object Object]' });
  expect(error.history.find((e) => e.EventType === 15)?.Input).toBe('{"result":"{}","exceptionType":"Error"}');
  const text = await run('CallsCounter', 'boom-2', { key: 'boom', operation: 'boomText' });
  expect(text.status.output).toEqual({ error: 'bad thing' });
  const kept = await run('CallsCounter', 'boom-3', { key: 'boom', operation: 'setThenFail', input: 41 });
  expect(kept.status.output).toEqual({ error: '[object Object]' });
  expect((await client.readEntityState(new df.EntityId('Counter', 'boom'))).entityState).toBe(41);
});

test('many orchestrations calling one entity at once: operations run one at a time, no update is lost', async () => {
  const orchestrations = 12;
  const times = 5;
  const ids = Array.from({ length: orchestrations }, (_, i) => `many-${i}`);
  for (const id of ids) await client.startNew('IncrementMany', { instanceId: id, input: { key: 'shared', times } });
  const seen: number[] = [];
  for (const id of ids) {
    const status = await runtime.waitForInstance(id, { timeoutMs: 30_000 });
    expect(status.runtimeStatus).toBe('Completed');
    const values = status.output as number[];
    // Each orchestration's own calls are answered in order.
    expect(values).toEqual([...values].sort((a, b) => a - b));
    seen.push(...values);
  }
  // Every increment saw a distinct value: 1..60 exactly once.
  expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: orchestrations * times }, (_, i) => i + 1));
  expect((await client.readEntityState(new df.EntityId('Counter', 'shared'))).entityState).toBe(orchestrations * times);
});

test('calling an entity function that does not exist fails the orchestration with the extension\'s message', async () => {
  const { status, history } = await run('CallsUnknownEntity', 'unknown-1');
  expect(status.runtimeStatus).toBe('Failed');
  expect(status.output).toBe(
    "Orchestrator function 'CallsUnknownEntity' failed: The function 'nope' doesn't exist, is disabled, or is not an entity function. " +
      "Additional info: The following are the known entity functions: 'Counter', 'budget'.",
  );
  expect(history.some((e) => e.EventType === 14)).toBe(false);
});

test('an entity signals another entity: the target name is lowercased, the signal applies', async () => {
  await client.signalEntity(new df.EntityId('Counter', 'source'), 'forward', { key: 'target', amount: 7 });
  await runtime.runUntilIdle();
  expect((await client.readEntityState(new df.EntityId('counter', 'target'))).entityState).toBe(7);
});

test('delete (destructOnExit) removes the state: reading answers "does not exist"', async () => {
  const counter = new df.EntityId('Counter', 'doomed');
  await client.signalEntity(counter, 'add', 3);
  await runtime.runUntilIdle();
  expect((await client.readEntityState(counter)).entityExists).toBe(true);
  await client.signalEntity(counter, 'delete');
  await runtime.runUntilIdle();
  expect((await client.readEntityState(counter)).entityExists).toBe(false);
});

describe('the entity HTTP API', () => {
  const url = (p: string) => new URL(p, runtime.rpcBaseUrl).href;

  test('signal: non-JSON bodies are string inputs, bad JSON, bad keys and unknown entities answer 400', async () => {
    const text = await fetch(url('entities/Counter/http-1?op=add'), { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '5' });
    expect(text.status).toBe(202);
    const badJson = await fetch(url('entities/Counter/http-1?op=add'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { Message: string }).Message).toMatch(/^Could not parse JSON content: /);
    const badKey = await fetch(url('entities/Counter/a%23b?op=add'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '1' });
    expect(badKey.status).toBe(400);
    expect(await badKey.json()).toEqual({ Message: "entityKey (Parameter 'Entity keys must not contain /, \\, #, ?, or control characters.')" });
    const unknown = await fetch(url('entities/Nope/x?op=get'), { method: 'POST' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { Message: string }).Message).toMatch(/^The function 'nope' doesn't exist, is disabled, or is not an entity function\./);
    await runtime.runUntilIdle();
    // "5" as text is the string "5": the counter's 0 + "5" is "05".
    const read = await fetch(url('entities/counter/http-1'));
    expect(read.status).toBe(200);
    expect(await read.json()).toBe('05');
    expect((await fetch(url('entities/counter/never-signalled'))).status).toBe(404);
  });

  test('list: existing entities of a name with lastOperationTime, state only with fetchState=true, paged by top', async () => {
    const page = await fetch(url('entities/budget?fetchState=true'));
    expect(page.status).toBe(200);
    const counters = (await (await fetch(url('entities/counter?fetchState=true'))).json()) as { entityId: { name: string; key: string }; state: unknown }[];
    expect(counters.find((c) => c.entityId.key === 'client-1')).toEqual(expect.objectContaining({ entityId: { name: 'counter', key: 'client-1' }, state: 10 }));
    // A deleted entity is not listed.
    expect(counters.some((c) => c.entityId.key === 'doomed')).toBe(false);
    const first = await fetch(url('entities/counter?top=2'));
    const firstBody = (await first.json()) as { state: unknown }[];
    expect(firstBody).toHaveLength(2);
    expect(firstBody.every((c) => c.state === null)).toBe(true);
    const token = first.headers.get('x-ms-continuation-token');
    expect(token).toBeTruthy();
    const second = (await (await fetch(url('entities/counter?top=2'), { headers: { 'x-ms-continuation-token': token as string } })).json()) as unknown[];
    expect(second).toHaveLength(2);
  });
});

describe('the Partner Center budget pattern: reserve a call slot, wait on a durable timer until then', () => {
  test('20 concurrent orchestrations on one tenant get distinct slots 2 s apart and call exactly at their slot (virtual clock)', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `budget-v-${i}`);
    for (const id of ids) await client.startNew('BudgetedCall', { instanceId: id, input: { tenant: 'tenant-1' } });
    const outputs: { askedAt: string; slot: string; calledAt: string }[] = [];
    for (const id of ids) {
      const status = await runtime.waitForInstance(id, { timeoutMs: 30_000 });
      expect(status.runtimeStatus).toBe('Completed');
      outputs.push(status.output as (typeof outputs)[number]);
    }
    const slots = outputs.map((o) => Date.parse(o.slot)).sort((a, b) => a - b);
    // Slot n is the first ask time + n * 2 s: the entity handed them out one at a time.
    const first = Math.min(...outputs.map((o) => Date.parse(o.askedAt)));
    expect(slots).toEqual(ids.map((_, n) => first + n * 2000));
    for (const o of outputs) {
      expect(Date.parse(o.slot)).toBeGreaterThanOrEqual(Date.parse(o.askedAt));
      // The timer fires at FireAt on the virtual clock, so the call happens exactly at the slot.
      expect(o.calledAt).toBe(o.slot);
    }
    const state = (await client.readEntityState<{ reserved: number; nextFreeAt: number }>(new df.EntityId('budget', 'tenant-1'))).entityState;
    expect(state).toEqual({ intervalMs: 2000, reserved: 20, nextFreeAt: first + 20 * 2000 });
    // Each orchestration waited on a TimerCreated whose FireAt is its slot.
    const history = await runtime.getHistory(ids[19]);
    const output = outputs[19];
    expect(history.find((e) => e.EventType === 10)?.FireAt).toBe(output.slot);
  });

  test('tenants are independent: a second tenant\'s first slot is its own ask time', async () => {
    const { status } = await run('BudgetedCall', 'budget-t2', { tenant: 'tenant-2' });
    const output = status.output as { askedAt: string; slot: string };
    expect(output.slot).toBe(output.askedAt);
  });
});

test('the budget pattern on the real clock: concurrent callers wait on real timers until their slots', async () => {
  const real = await startFixtureRuntime({ appRoot: entitiesApp });
  try {
    const realClient = sdkClientFor(real);
    const budget = new df.EntityId('budget', 'tenant-real');
    await realClient.signalEntity(budget, 'configure', { intervalMs: 150 });
    await real.runUntilIdle();
    const ids = Array.from({ length: 6 }, (_, i) => `budget-real-${i}`);
    await Promise.all(ids.map((id) => realClient.startNew('BudgetedCall', { instanceId: id, input: { tenant: 'tenant-real' } })));
    const outputs = [];
    for (const id of ids) {
      const status = await real.waitForInstance(id, { timeoutMs: 15_000 });
      expect(status.runtimeStatus).toBe('Completed');
      outputs.push(status.output as { askedAt: string; slot: string; calledAt: string });
    }
    const slots = outputs.map((o) => Date.parse(o.slot)).sort((a, b) => a - b);
    expect(slots.slice(1).map((s, i) => s - slots[i])).toEqual([150, 150, 150, 150, 150]);
    // No call before its slot: the durable timer holds the orchestration until then.
    for (const o of outputs) expect(Date.parse(o.calledAt)).toBeGreaterThanOrEqual(Date.parse(o.slot));
  } finally {
    await real.stop();
  }
});
