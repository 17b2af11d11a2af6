import { replayActions } from '../../../local/runtime/durable/actionReplayer';
import {
  deterministicGuid,
  entityInstanceId,
  hasInvalidKeyCharacter,
  minDateTime,
  newtonsoftDateTime,
  parseEntityInstanceId,
  requestMessageJson,
  responseMessageJson,
  roundTripFormat,
} from '../../../local/runtime/durable/entityMessages';
import { events, type HistoryEvent } from '../../../local/runtime/durable/historyEvents';
import { ActionType, type SdkAction } from '../../../local/runtime/durable/sdkActions';

// The entity wire format (entityMessages.ts) and the action replay of callEntity / signalEntity, against values
// worked out from the extension's source (GuidManager.cs, RequestMessage.cs, MessageSorter.cs).
const timers = { maximumShortTimerMs: 6 * 86_400_000, longRunningTimerIntervalMs: 3 * 86_400_000 };
const t0 = '2026-03-02T09:00:00.000Z';

test('deterministic request ids are RFC 4122 UUIDv5 (GuidManager swaps bytes into network order and back)', () => {
  // RFC 4122 / Python uuid.uuid5(NAMESPACE_DNS, "www.example.com").
  expect(deterministicGuid('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  // The extension's URL namespace, with the name NewGuid builds ("<instance>_<time:o>_<counter>").
  expect(roundTripFormat(Date.parse(t0))).toBe('2026-03-02T09:00:00.0000000Z');
  expect(deterministicGuid('caller-1_2026-03-02T09:00:00.0000000Z_0')).toBe('d7f2e8e3-f643-59e8-8efc-565c7891d208');
});

test('entity ids: the name is lowercased, the key kept; parsing splits at the second @', () => {
  expect(entityInstanceId('Budget', 'Tenant-1')).toBe('@budget@Tenant-1');
  expect(parseEntityInstanceId('@budget@a@b')).toEqual({ name: 'budget', key: 'a@b' });
  expect(parseEntityInstanceId('budget')).toBeUndefined();
  expect(['a/b', 'a\\b', 'a?b', 'a#b', 'a\u0001b'].map(hasInvalidKeyCharacter)).toEqual([true, true, true, true, true]);
  expect(hasInvalidKeyCharacter('tenant-1@x')).toBe(false);
});

test('request and response messages: property order and omissions of the extension\'s Newtonsoft serialization', () => {
  const first = { ms: Date.parse(t0), ticks: 0, utc: true };
  expect(requestMessageJson({ op: 'add', signal: true, input: '5', id: 'i1', parent: 'p', parentExecution: 'e', Timestamp: first, Predecessor: minDateTime })).toBe(
    '{"op":"add","signal":true,"input":"5","id":"i1","parent":"p","parentExecution":"e","Timestamp":"2026-03-02T09:00:00Z","Predecessor":"0001-01-01T00:00:00"}',
  );
  // A bumped timestamp is built from ticks (DateTimeKind.Unspecified: no "Z").
  expect(newtonsoftDateTime({ ms: Date.parse(t0), ticks: 1, utc: false })).toBe('2026-03-02T09:00:00.0000001');
  expect(newtonsoftDateTime({ ms: Date.parse('2026-03-02T09:00:00.120Z'), ticks: 0, utc: true })).toBe('2026-03-02T09:00:00.12Z');
  expect(requestMessageJson({ op: 'get', id: 'i2', Timestamp: minDateTime, Predecessor: minDateTime })).toBe(
    '{"op":"get","id":"i2","Timestamp":"0001-01-01T00:00:00","Predecessor":"0001-01-01T00:00:00"}',
  );
  expect(responseMessageJson('6', false)).toBe('{"result":"6"}');
  expect(responseMessageJson(undefined, false)).toBe('{"result":null}');
  expect(responseMessageJson('{}', true)).toBe('{"result":"{}","exceptionType":"Error"}');
});

describe('replaying callEntity / signalEntity', () => {
  const started = (): HistoryEvent[] => [
    events.orchestratorStarted(t0),
    events.executionStarted(t0, { Name: 'O', Input: 'null', OrchestrationInstance: { InstanceId: 'o1', ExecutionId: 'e1' } }),
  ];
  const signal: SdkAction = { actionType: ActionType.SignalEntity, instanceId: '@counter@c', operation: 'add', input: 5 };
  const call: SdkAction = { actionType: ActionType.CallEntity, instanceId: '@counter@c', operation: 'get' };
  const options = { instanceId: 'o1', executionId: 'e1', timers, entityFunctions: ['Counter'], orchestratorCount: 1 };

  test('a signal takes a sequence id and does not block; a call takes the next and waits for its response', () => {
    const result = replayActions(started(), [signal, call, { actionType: ActionType.CallActivity, functionName: 'A' }], options);
    expect(result.error).toBeUndefined();
    expect(result.newWork.map((w) => [w.kind, w.id])).toEqual([
      ['entityMessage', 0],
      ['entityMessage', 1],
    ]);
    const [sent, called] = result.newWork.map((w) => (w.kind === 'entityMessage' ? (JSON.parse(w.request) as Record<string, unknown>) : {}));
    expect(sent).toEqual({ op: 'add', signal: true, input: '5', id: deterministicGuid('o1_2026-03-02T09:00:00.0000000Z_0'), parent: 'o1', parentExecution: 'e1', Timestamp: '2026-03-02T09:00:00Z', Predecessor: '0001-01-01T00:00:00' });
    // Second message to the same entity in the same instant: MessageSorter bumps the timestamp by one tick.
    expect(called).toEqual(expect.objectContaining({ op: 'get', id: deterministicGuid('o1_2026-03-02T09:00:00.0000000Z_1'), Timestamp: '2026-03-02T09:00:00.0000001', Predecessor: '2026-03-02T09:00:00Z' }));
    // Waiting for an entity's answer is no open task (it is an external event wait).
    expect(result.openTasks).toBe(0);
  });

  test('the response event (named by the request id) lets the next action start', () => {
    const first = replayActions(started(), [signal, call], options);
    const history = [...started()];
    for (const w of first.newWork) if (w.kind === 'entityMessage') history.push(events.eventSent(t0, w.id, w.target, 'op', w.request));
    const requestId = (JSON.parse((first.newWork[1] as { request: string }).request) as { id: string }).id;
    const t1 = '2026-03-02T09:00:01.000Z';
    history.push(events.orchestratorCompleted(t0), events.orchestratorStarted(t1), events.eventRaised(t1, requestId, '{"result":"5"}'));
    const next = replayActions(history, [signal, call, { actionType: ActionType.CallActivity, functionName: 'A' }], options);
    expect(next.error).toBeUndefined();
    expect(next.newWork).toEqual([{ kind: 'activity', id: 2, name: 'A', input: undefined }]);
  });

  test('history that recorded something else at that sequence id is non-determinism', () => {
    const history = [...started(), events.taskScheduled(t0, 0, 'A', undefined)];
    expect(replayActions(history, [signal], options).error).toMatch(/^Non-deterministic workflow detected: sequence id 0 was TaskScheduled "A"/);
    const elsewhere = [...started(), events.eventSent(t0, 0, '@counter@other', 'op', '{}')];
    expect(replayActions(elsewhere, [signal], options).error).toMatch(/sent a message to '@counter@other' in history but the orchestrator now sends to '@counter@c'/);
  });

  test('entity messages count as orchestration actions (SendEntityMessage)', () => {
    const result = replayActions(started(), [signal, signal, call], { ...options, maxActions: 2 });
    expect(result.newWork).toHaveLength(2);
    expect(result.fault).toMatch(/^Maximum amount of orchestration actions \(2\) has been reached/);
  });

  test('an unknown entity function faults the orchestration before anything of it is sent', () => {
    const result = replayActions(started(), [{ ...call, instanceId: '@nope@x' }, signal], options);
    expect(result.newWork).toEqual([]);
    expect(result.fault).toBe("The function 'nope' doesn't exist, is disabled, or is not an entity function. Additional info: The following are the known entity functions: 'Counter'.");
  });
});
