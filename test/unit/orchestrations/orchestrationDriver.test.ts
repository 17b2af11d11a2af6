// The driver on small orchestrations of its own: what it reports comes from the runtime (failure text, retry timers,
// history), and its steps reach the instance in the order and grouping they promise.
import { appFunctions } from './durableHost';
import * as df from 'durable-functions';
import { activityFailure } from '../../../local/runtime/durable/failures';
import { EventType, type HistoryEvent } from '../../../local/runtime/durable/historyEvents';
import { OrchestrationDriver } from './orchestrationDriver';

const START = new Date('2026-01-05T00:00:00.000Z');

df.app.orchestration('pair', function* (context: df.OrchestrationContext) {
  const results = (yield context.df.Task.all([context.df.callActivity('left', 1), context.df.callActivity('right', 2)])) as unknown[];
  const event: unknown = yield context.df.waitForExternalEvent('go');
  return { results, event };
});
df.app.orchestration('catching', function* (context: df.OrchestrationContext) {
  try {
    yield context.df.callActivity(context.df.getInput<string>());
    return 'no failure';
  } catch (error) {
    return (error as Error).message;
  }
});
df.app.orchestration('retrying', function* (context: df.OrchestrationContext) {
  const options = new df.RetryOptions(1000, 3);
  options.backoffCoefficient = 2;
  try {
    return yield context.df.callActivityWithRetry('left', options, 'x');
  } catch (error) {
    return `gave up: ${(error as Error).message}`;
  }
});
for (const name of ['left', 'right']) df.app.activity(name, { handler: () => undefined });

const drive = (orchestrator: string, input: unknown = null) => new OrchestrationDriver({ functions: appFunctions, orchestrator, instanceId: `${orchestrator}-1`, input, start: START });
const ofType = (events: HistoryEvent[], type: EventType) => events.filter((e) => e.EventType === type);

describe('OrchestrationDriver', () => {
  test('open activities come from the runtime; answers delivered together are processed by one episode, in order', async () => {
    const driver = drive('pair');
    await driver.start();
    expect(driver.openActivities()).toEqual([
      { id: 0, name: 'left', input: 1, attempt: 1 },
      { id: 1, name: 'right', input: 2, attempt: 1 },
    ]);
    expect(() => driver.activity('middle')).toThrow('expected one open "middle" activity, found 0; open: ["left#0","right#1"]');

    await driver.deliverTogether([{ complete: 'right', result: 'R' }, { complete: 'left', result: 'L' }, { raise: 'go', input: { n: 1 } }]);
    expect(driver.runtimeStatus).toBe('Completed');
    expect(driver.isDone).toBe(true);
    expect(driver.output).toEqual({ results: ['L', 'R'], event: { n: 1 } });
    const history = driver.history();
    const lastEpisode = history.slice(history.map((e) => e.EventType).lastIndexOf(EventType.OrchestratorStarted));
    expect(lastEpisode.map((e) => e.EventType)).toEqual([
      EventType.OrchestratorStarted,
      EventType.TaskCompleted,
      EventType.TaskCompleted,
      EventType.EventRaised,
      EventType.ExecutionCompleted,
      EventType.OrchestratorCompleted,
    ]);
    expect(lastEpisode[1].TaskScheduledId).toBe(1);
    expect(driver.now.toISOString()).toBe('2026-01-05T00:00:01.000Z');
    await expect(driver.raiseEvent('go')).rejects.toThrow("Instance 'pair-1' is Completed");
  });

  test('a failed activity reaches the orchestrator with the text the runtime\'s activity runner reports', async () => {
    const driver = drive('catching', 'left');
    await driver.start();
    await driver.failActivity('left', 'boom');
    expect(driver.openTimers()).toEqual([]);
    expect(String(driver.output).startsWith(activityFailure('left', new Error('boom')).Reason)).toBe(true);
    expect(ofType(driver.history(), EventType.TaskFailed)).toHaveLength(1);
  });

  test('an activity the app did not register is failed by the runtime, never offered to the test', async () => {
    const driver = drive('catching', 'missing');
    await driver.start();
    expect(driver.openActivities()).toEqual([]);
    expect(driver.output).toMatch(/^Activity function 'missing' failed: .*The function 'missing' doesn't exist/);
  });

  test('retries come from the runtime: backoff timers, next attempts with the same input, then the final failure', async () => {
    const driver = drive('retrying');
    await driver.start();
    await driver.failActivity('left', 'first');
    expect(driver.activity('left')).toEqual({ id: 2, name: 'left', input: 'x', attempt: 2 });
    await driver.failActivity('left', 'again', { untilExhausted: true });
    expect(driver.runtimeStatus).toBe('Completed');
    expect(driver.output).toMatch(/^gave up: Activity function 'left' failed: .*again/);

    const history = driver.history();
    const failedAt = ofType(history, EventType.TaskFailed).map((e) => Date.parse(e.Timestamp));
    const retryFireAt = ofType(history, EventType.TimerCreated).map((e) => Date.parse(e.FireAt as string));
    // firstRetryInterval 1 s, backoff 2; after the last attempt the runtime's timer is due at once.
    expect(retryFireAt.map((at, i) => at - failedAt[i])).toEqual([1000, 2000, 0]);
    expect(ofType(history, EventType.TaskScheduled).map((e) => e.EventId)).toEqual([0, 2, 4]);
    expect(driver.scheduled).toEqual([{ id: 0, name: 'left', input: 'x', attempt: 1 }]);
    expect(driver.timers).toEqual([]);
  });

  test('steps that cannot be taken say what is open', async () => {
    const driver = drive('pair');
    await driver.start();
    await expect(driver.fireTimer()).rejects.toThrow('no open timer; open: ["left#0","right#1"]');
    await expect(driver.completeActivity('go', null)).rejects.toThrow('expected one open "go" activity, found 0');
  });
});
