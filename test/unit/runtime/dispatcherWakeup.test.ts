import { createDispatcher } from '../../../local/runtime/durable/dispatcher';
import { events } from '../../../local/runtime/durable/historyEvents';
import { newInstanceRecord } from '../../../local/runtime/durable/newInstance';
import { createMemoryStore } from '../../../local/runtime/durable/store';
import type { EpisodeCommit } from '../../../local/runtime/durable/taskHubState';
import { createLogger } from '../../../local/runtime/logger';

// A clock that moves on by 1 ms every time it is read: time passes while a tick walks a busy task hub, which is
// what let a timer fall due between the dispatcher's two readings of the clock (lost wake-up, 7 of 300 stalled).
function steppingClock(start: number) {
  let reads = 0;
  return { kind: 'real' as const, now: () => start + reads++ };
}

test('timers that fall due while a tick runs are all run: none is lost between reading the clock and arming the next wake-up', async () => {
  const start = Date.parse('2026-01-01T00:00:00Z');
  const store = createMemoryStore();
  const count = 300;
  for (let i = 0; i < count; i++) {
    const instance = newInstanceRecord({ instanceId: `timer-${i}`, name: 'Timer', input: 'null', at: new Date(start - 1000).toISOString() });
    // Each instance waits for one timer, due 1 ms after the dispatcher's first reading of the clock.
    const dueAt = new Date(start + 1).toISOString();
    instance.runtimeStatus = 'Running';
    instance.inbox = [{ id: `fire-${i}`, executionId: instance.executionId, visibleAt: dueAt, event: events.timerFired(dueAt, 0, dueAt) }];
    store.commit({ op: 'createInstance', instance });
  }
  const dispatcher = createDispatcher({
    store,
    clock: steppingClock(start),
    logger: createLogger(() => undefined),
    maxConcurrentOrchestrations: 16,
    maxConcurrentActivities: 4,
    async runEpisode(instanceId, now) {
      const instance = store.state.instances.get(instanceId);
      const due = instance?.inbox.filter((m) => Date.parse(m.visibleAt) <= now) ?? [];
      if (!instance || due.length === 0) return undefined;
      const commit: EpisodeCommit = {
        op: 'episode',
        instanceId,
        executionId: instance.executionId,
        consumed: due.map((m) => m.id),
        appendHistory: due.map((m) => m.event),
        update: { runtimeStatus: 'Completed' },
        dropMessages: [],
        selfMessages: [],
        activities: [],
        outgoing: [],
        createInstances: [],
      };
      return { commit, invokedOrchestrator: false, timersFired: due.length };
    },
    runActivity: () => Promise.reject(new Error('no activities here')),
  });
  const completed = () => [...store.state.instances.values()].filter((i) => i.runtimeStatus === 'Completed').length;
  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`only ${completed()} of ${count} timers ran within 5 s`)), 5000);
      const check = () => {
        if (completed() < count) return;
        clearTimeout(deadline);
        resolve();
      };
      dispatcher.onChange(check);
      dispatcher.wake();
    });
  } finally {
    await dispatcher.stop();
  }
  expect(completed()).toBe(count);
  expect(dispatcher.stats().timersFired).toBe(count);
});
