import * as df from 'durable-functions';
import { selectBatch } from '../../../local/runtime/durable/inboxBatch';
import { createDurableHarness, type DurableHarnessOptions } from './durableHarness';

// Azure Storage queues do not guarantee FIFO (Service Bus vs Storage queues comparison: "Ordering guarantee: No"),
// so a timer and an external event that are both waiting when an episode runs may reach the orchestrator in either
// order. The shuffled inbox order shows both, reproducibly per seed.

const race = function* (context: df.OrchestrationContext) {
  const timeout = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
  const approval = context.df.waitForExternalEvent('approval');
  const winner: unknown = yield context.df.Task.any([timeout, approval]);
  if (winner === approval) {
    timeout.cancel();
    return 'approved';
  }
  return 'timed out';
};

/** Runs the race with the timer fired and the event raised before the same episode: both wait in the inbox. */
async function raceOutcome(inboxOrder: DurableHarnessOptions['inboxOrder']) {
  const harness = createDurableHarness({ Race: race }, {}, { autoAdvance: false, inboxOrder });
  harness.client.startNew('Race', { instanceId: 'race' });
  await harness.dispatcher.whenIdle();
  // The timer falls due and the event arrives before the dispatcher runs again: one episode gets both.
  harness.clock.advanceBy(60_000);
  harness.client.raiseEvent('race', 'approval', 'yes');
  await harness.dispatcher.whenIdle();
  const instance = harness.history('race');
  const episodes = instance?.history.filter((e) => e.EventType === 12).length;
  return { outcome: JSON.parse(instance?.output as string) as string, episodes };
}

test('FIFO: the timer message, enqueued first, wins', async () => {
  expect(await raceOutcome({ kind: 'fifo' })).toEqual({ outcome: 'timed out', episodes: 2 });
});

test('shuffled: different seeds deliver the timer and the event in both orders; one seed always gives the same order', async () => {
  const outcomes = new Map<number, string>();
  for (let seed = 1; seed <= 12; seed++) {
    const { outcome, episodes } = await raceOutcome({ kind: 'shuffled', seed });
    // Both messages arrive in the same (second) episode whichever order they come in.
    expect(episodes).toBe(2);
    outcomes.set(seed, outcome);
  }
  expect(new Set(outcomes.values())).toEqual(new Set(['approved', 'timed out']));
  for (const [seed, outcome] of [...outcomes].slice(0, 4)) expect((await raceOutcome({ kind: 'shuffled', seed })).outcome).toBe(outcome);
});

test('shuffling keeps ExecutionStarted first and leaves control messages (suspend) where they are', () => {
  const at = '2026-01-01T00:00:00.000Z';
  const message = (id: string, EventType: number) => ({ id, visibleAt: at, event: { EventType, EventId: -1, Timestamp: at } });
  const instance = {
    instanceId: 'i', name: 'n', executionId: 'e', runtimeStatus: 'Pending' as const, input: 'null', output: null, customStatus: null,
    createdTime: at, lastUpdatedTime: at, history: [],
    inbox: [message('a', 15), message('start', 0), message('b', 15), message('c', 15), message('suspend', 19), message('d', 15)],
  };
  for (let seed = 0; seed < 20; seed++) {
    const batch = selectBatch(instance, Date.parse(at), { kind: 'shuffled', seed });
    if (batch?.kind !== 'events') throw new Error('expected an events batch');
    const ids = batch.messages.map((m) => m.id);
    expect(ids[0]).toBe('start');
    expect([...ids].sort()).toEqual(['a', 'b', 'c', 'start']);
  }
});
