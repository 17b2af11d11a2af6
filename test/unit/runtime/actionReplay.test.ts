import type * as df from 'durable-functions';
import { createDurableHarness } from './durableHarness';

// The runtime's action replay against the SDK's own replay engine: if a sequence id came out different from the
// one the SDK tracks, the SDK would wait forever for a completion (the instance would never finish) or resume the
// wrong task. These cases interleave host-side retries and long timers with other work.
const hour = 3_600_000;
const at = (context: df.OrchestrationContext, ms: number) => new Date(context.df.currentUtcDateTime.getTime() + ms);

function flaky(failuresPerKey: Record<string, number>) {
  const seen = new Map<string, number>();
  return (input: unknown) => {
    const key = String(input);
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    if (count <= (failuresPerKey[key] ?? 0)) throw new Error(`${key} failed attempt ${count}`);
    return `${key} ok after ${count}`;
  };
}

test('two retried activities in Task.all whose retry timers interleave', async () => {
  const harness = createDurableHarness(
    {
      Both: function* (context) {
        const retry = { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 4, backoffCoefficient: 3 } as df.RetryOptions;
        const results = yield context.df.Task.all([context.df.callActivityWithRetry('Flaky', retry, 'a'), context.df.callActivityWithRetry('Flaky', retry, 'b')]);
        const after = yield context.df.callActivity('Flaky', 'c');
        return { results, after };
      },
    },
    { Flaky: flaky({ a: 3, b: 1 }) },
  );
  const result = await harness.run('Both', 'both-1');
  expect(result).toEqual({ status: 'Completed', output: { results: ['a ok after 4', 'b ok after 2'], after: 'c ok after 1' } });
  const history = harness.history('both-1')?.history ?? [];
  // 4 attempts of a + 3 timers, 2 attempts of b + 1 timer, then c: ids 0..10, each scheduled exactly once.
  const scheduledIds = history.filter((e) => e.EventType === 4 || e.EventType === 10).map((e) => e.EventId);
  expect([...scheduledIds].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const retryDelays = history.filter((e) => e.EventType === 10).map((e) => Date.parse(e.FireAt as string) - Date.parse(e.Timestamp));
  expect(retryDelays.sort((x, y) => x - y)).toEqual([1000, 1000, 3000, 9000]);
});

test('a long timer racing an activity in Task.any, cancelled when the activity wins; later work keeps its ids', async () => {
  const harness = createDurableHarness(
    {
      Race: function* (context) {
        const timer = context.df.createTimer(at(context, 20 * 24 * hour));
        const work = context.df.callActivity('Slow', 'x');
        const winner = yield context.df.Task.any([timer, work]);
        if (winner === work) timer.cancel();
        const next = yield context.df.callActivity('Slow', 'y');
        const wait = yield context.df.createTimer(at(context, 2 * hour));
        return { first: winner === work ? work.result : 'timer', next, waited: wait === undefined };
      },
    },
    { Slow: (input) => `done ${input}` },
  );
  const result = await harness.run('Race', 'race-1');
  expect(result).toEqual({ status: 'Completed', output: { first: 'done x', next: 'done y', waited: true } });
  const history = harness.history('race-1')?.history ?? [];
  expect(history.filter((e) => e.EventType === 10).map((e) => e.EventId)).toEqual([0, 3]);
  // The cancelled 20-day timer never fired, and no further sub-timers were created for it.
  expect(history.filter((e) => e.EventType === 11).map((e) => e.TimerId)).toEqual([3]);
});

test('a long timer that wins: sub-timers of 3 days until the final 6 days or less, then the orchestration resumes', async () => {
  const harness = createDurableHarness(
    {
      Wait: function* (context) {
        const start = context.df.currentUtcDateTime.getTime();
        const event = context.df.waitForExternalEvent('never');
        yield context.df.Task.any([event, context.df.createTimer(at(context, 13 * 24 * hour))]);
        return (context.df.currentUtcDateTime.getTime() - start) / hour;
      },
    },
    {},
  );
  expect(await harness.run('Wait', 'wait-1')).toEqual({ status: 'Completed', output: 312 });
  const fires = (harness.history('wait-1')?.history ?? []).filter((e) => e.EventType === 10).map((e) => e.EventId);
  // 13 days: sub-timers end at day 3, 6 and 9 (more than 6 days left each time), then the final one at day 13.
  expect(fires).toEqual([0, 1, 2, 3]);
});

test('an event raised before the orchestration waits for it is delivered when it does', async () => {
  const harness = createDurableHarness(
    {
      Later: function* (context) {
        const first = yield context.df.callActivity('Echo', 'before');
        const approval = yield context.df.waitForExternalEvent('approve');
        return { first, approval };
      },
    },
    { Echo: (input) => input },
  );
  harness.client.startNew('Later', { instanceId: 'later-1' });
  harness.client.raiseEvent('later-1', 'approve', { ok: true });
  await harness.dispatcher.whenIdle();
  const instance = harness.history('later-1');
  expect(instance?.runtimeStatus).toBe('Completed');
  expect(JSON.parse(instance?.output as string)).toEqual({ first: 'before', approval: { ok: true } });
});

test('a sub-orchestration with retry runs a new child attempt after each failure', async () => {
  let childAttempts = 0;
  const harness = createDurableHarness(
    {
      Parent: function* (context) {
        const retry = { firstRetryIntervalInMilliseconds: 500, maxNumberOfAttempts: 3 } as df.RetryOptions;
        return yield context.df.callSubOrchestratorWithRetry('Child', retry, 'payload', 'child-of-parent');
      },
      Child: function* (context) {
        // Counted in an activity: the generator itself re-runs on every replay.
        const attempt = (yield context.df.callActivity('Attempt', null)) as number;
        if (attempt < 3) throw new Error(`child attempt ${attempt} failed`);
        return `child got ${context.df.getInput()}`;
      },
    },
    { Attempt: () => ++childAttempts },
  );
  expect(await harness.run('Parent', 'parent-retry')).toEqual({ status: 'Completed', output: 'child got payload' });
  const history = harness.history('parent-retry')?.history ?? [];
  expect(history.filter((e) => e.EventType === 7).map((e) => e.EventId)).toEqual([0, 2, 4]);
  expect(history.filter((e) => e.EventType === 9).map((e) => e.TaskScheduledId)).toEqual([0, 2]);
  expect(history.filter((e) => e.EventType === 8).map((e) => e.TaskScheduledId)).toEqual([4]);
});

test('a string input reaches the activity as the string itself, despite the SDK JSON-encoding it', async () => {
  const seen: unknown[] = [];
  const harness = createDurableHarness(
    { Strings: function* (context) { return yield context.df.callActivity('Record', 'cart-1'); } },
    { Record: (input) => (seen.push(input), input) },
  );
  expect(await harness.run('Strings', 'strings-1')).toEqual({ status: 'Completed', output: 'cart-1' });
  expect(seen).toEqual(['cart-1']);
});

test('a changed orchestrator that asks for different work fails as non-deterministic', async () => {
  let version = 1;
  const harness = createDurableHarness(
    {
      Changing: function* (context) {
        yield context.df.callActivity(version === 1 ? 'A' : 'B', 1);
        return 'done';
      },
    },
    {
      A: () => {
        version = 2;
        return 'a';
      },
      B: () => 'b',
    },
  );
  const result = await harness.run('Changing', 'changing-1');
  expect(result.status).toBe('Failed');
  expect(result.output).toMatch(/Non-deterministic workflow detected: sequence id 0 was TaskScheduled "A".*"B"/);
});
