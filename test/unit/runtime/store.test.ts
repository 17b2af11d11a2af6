import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { events } from '../../../local/runtime/durable/historyEvents';
import { createFileStore, createMemoryStore } from '../../../local/runtime/durable/store';
import type { InstanceRecord } from '../../../local/runtime/durable/taskHubState';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-store-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const at = '2026-01-01T00:00:00.000Z';
function instance(instanceId: string): InstanceRecord {
  return {
    instanceId,
    name: 'Orch',
    executionId: 'exec-1',
    runtimeStatus: 'Pending',
    input: '{"a":1}',
    output: null,
    customStatus: null,
    createdTime: at,
    lastUpdatedTime: at,
    history: [],
    inbox: [{ id: 'm1', visibleAt: at, event: events.executionStarted(at, { Name: 'Orch', Input: '{"a":1}' }) }],
  };
}

test('the file store replays its journal on reopen: instances, inboxes and activities come back', () => {
  const store = createFileStore(dir);
  store.commit({ op: 'createInstance', instance: instance('i1') });
  store.commit({ op: 'enqueue', instanceId: 'i1', messages: [{ id: 'm2', visibleAt: at, event: events.eventRaised(at, 'go', '1') }] });
  store.commit({
    op: 'episode',
    instanceId: 'i1',
    executionId: 'exec-1',
    consumed: ['m1'],
    appendHistory: [events.orchestratorStarted(at), events.taskScheduled(at, 0, 'Act', '1'), events.orchestratorCompleted(at)],
    update: { runtimeStatus: 'Running', lastUpdatedTime: at },
    dropMessages: [],
    selfMessages: [],
    activities: [{ id: 'a1', instanceId: 'i1', executionId: 'exec-1', taskScheduledId: 0, name: 'Act', input: 1, scheduledAt: at }],
    outgoing: [],
    createInstances: [],
  });
  store.close();

  const reopened = createFileStore(dir);
  const record = reopened.state.instances.get('i1');
  expect(record?.runtimeStatus).toBe('Running');
  expect(record?.history.map((e) => e.EventType)).toEqual([12, 4, 13]);
  expect(record?.inbox.map((m) => m.id)).toEqual(['m2']);
  expect([...reopened.state.activities.keys()]).toEqual(['a1']);
  // Reopening compacts the journal into one snapshot line.
  expect(fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  reopened.close();
});

test('a torn last line (a crash mid-write) is ignored; a corrupt line in the middle is reported', () => {
  const store = createFileStore(dir);
  store.commit({ op: 'createInstance', instance: instance('i1') });
  store.close();
  const journal = path.join(dir, 'journal.jsonl');
  fs.appendFileSync(journal, '{"op":"createInstance","instance":{"instanceId":"i2"');
  const reopened = createFileStore(dir);
  expect([...reopened.state.instances.keys()]).toEqual(['i1']);
  reopened.close();

  fs.writeFileSync(journal, `not json\n${JSON.stringify({ op: 'purge', instanceIds: [] })}\n`);
  expect(() => createFileStore(dir)).toThrow(/line 1 is not valid JSON; the task hub journal is corrupt/);
});

test('compaction after N commits keeps the state and shrinks the journal', () => {
  const store = createFileStore(dir, { compactAfter: 3 });
  for (let i = 0; i < 7; i++) store.commit({ op: 'createInstance', instance: instance(`i${i}`) });
  expect(fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  store.close();
  expect(createFileStore(dir).state.instances.size).toBe(7);
});

test('an episode committed for a replaced execution is dropped; a finished instance drops its unstarted activities', () => {
  const store = createMemoryStore();
  store.commit({ op: 'createInstance', instance: instance('i1') });
  const episode = (executionId: string, runtimeStatus: 'Running' | 'Completed') => ({
    op: 'episode' as const,
    instanceId: 'i1',
    executionId,
    consumed: [],
    appendHistory: [events.orchestratorStarted(at)],
    update: { runtimeStatus },
    dropMessages: [],
    selfMessages: [],
    activities: [{ id: `a-${runtimeStatus}`, instanceId: 'i1', executionId, taskScheduledId: 0, name: 'Act', input: 1, scheduledAt: at }],
    outgoing: [],
    createInstances: [],
  });
  store.commit(episode('exec-old', 'Running'));
  expect(store.state.instances.get('i1')?.history).toEqual([]);
  store.commit(episode('exec-1', 'Running'));
  expect(store.state.activities.size).toBe(1);
  store.commit({ ...episode('exec-1', 'Completed'), activities: [] });
  expect(store.state.activities.size).toBe(0);
});

test('messages for unknown or finished instances, or for an older execution, are discarded', () => {
  const store = createMemoryStore();
  store.commit({ op: 'enqueue', instanceId: 'nobody', messages: [{ id: 'x', visibleAt: at, event: events.eventRaised(at, 'go', undefined) }] });
  expect(store.state.instances.size).toBe(0);
  store.commit({ op: 'createInstance', instance: instance('i1') });
  store.commit({ op: 'enqueue', instanceId: 'i1', messages: [{ id: 'old', executionId: 'exec-0', visibleAt: at, event: events.timerFired(at, 0, at) }] });
  expect(store.state.instances.get('i1')?.inbox.map((m) => m.id)).toEqual(['m1']);
  store.commit({ op: 'purge', instanceIds: ['i1'] });
  expect(store.state.instances.size).toBe(0);
});

test('the task hub keeps the instances and entities with messages waiting, which is all the dispatcher looks at', () => {
  const store = createMemoryStore();
  const waiting = () => [...store.state.instancesWithMessages.keys(), ...store.state.entitiesWithMessages];
  const episode = (consumed: string[], runtimeStatus: InstanceRecord['runtimeStatus']) => ({
    op: 'episode' as const,
    instanceId: 'i1',
    executionId: 'exec-1',
    consumed,
    appendHistory: [events.orchestratorStarted(at), events.orchestratorCompleted(at)],
    update: { runtimeStatus, lastUpdatedTime: at },
    dropMessages: [],
    selfMessages: [],
    activities: [],
    outgoing: [{ instanceId: '@budget@t1', messages: [{ id: 'op1', visibleAt: at, event: events.eventRaised(at, 'op', '{}') }] }],
    createInstances: [],
  });
  store.commit({ op: 'createInstance', instance: instance('i1') });
  store.commit({ op: 'createInstance', instance: { ...instance('i2'), inbox: [] } });
  expect(waiting()).toEqual(['i1']);

  store.commit(episode(['m1'], 'Running'));
  // i1's inbox is empty now; the entity it called has an operation queued.
  expect(waiting()).toEqual(['@budget@t1']);
  store.commit({ op: 'entityBatch', instanceId: '@budget@t1', consumed: ['op1'], exists: true, state: '{}', at, outgoing: [] });
  expect(waiting()).toEqual([]);

  store.commit({ op: 'enqueue', instanceId: 'i1', messages: [{ id: 'm2', visibleAt: at, event: events.eventRaised(at, 'go', '1') }] });
  expect(waiting()).toEqual(['i1']);
  // A snapshot (as a journal's compaction writes) rebuilds the set.
  store.commit(JSON.parse(JSON.stringify(store.state.snapshot())));
  expect(waiting()).toEqual(['i1']);
  // A finished instance takes no messages: it leaves the set with whatever it had left.
  store.commit({ op: 'enqueue', instanceId: 'i1', messages: [{ id: 'm3', visibleAt: at, event: events.eventRaised(at, 'go', '2') }] });
  store.commit({ ...episode(['m2'], 'Completed'), outgoing: [] });
  expect(waiting()).toEqual([]);
  store.commit({ op: 'purge', instanceIds: ['i1'] });
  expect(waiting()).toEqual([]);
});
