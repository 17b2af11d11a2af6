import * as df from 'durable-functions';
import type { RpcInvocationResponse } from '../../../local/runtime/coreApiTypes';
import { activityTriggerData } from '../../../local/runtime/durable/activityRunner';
import { createVirtualClock } from '../../../local/runtime/durable/clock';
import { createDispatcher, type Dispatcher } from '../../../local/runtime/durable/dispatcher';
import { events, toJsonString } from '../../../local/runtime/durable/historyEvents';
import { activityFailure } from '../../../local/runtime/durable/failures';
import { runEpisode } from '../../../local/runtime/durable/orchestrationEpisode';
import { createMemoryStore } from '../../../local/runtime/durable/store';
import { createTaskHubClient, type TaskHubClient } from '../../../local/runtime/durable/taskHubClient';
import type { Invoker } from '../../../local/runtime/invoke';
import { createLogger } from '../../../local/runtime/logger';
import { createFunctionRegistry } from '../../../local/runtime/registry';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createOrchestrator, DummyOrchestrationContext } = require('durable-functions/lib/src/util/testingUtils') as {
  createOrchestrator: (fn: unknown) => (payload: unknown, context: unknown) => Promise<unknown>;
  DummyOrchestrationContext: new () => unknown;
};

type OrchestratorFn = (context: df.OrchestrationContext) => Generator<unknown, unknown, unknown>;
type Activity = (input: unknown) => unknown;

export interface DurableHarness {
  client: TaskHubClient;
  dispatcher: Dispatcher;
  history(instanceId: string): ReturnType<ReturnType<typeof createMemoryStore>['state']['instances']['get']>;
  run(name: string, instanceId: string, input?: unknown): Promise<{ status: string; output: unknown }>;
}

/**
 * The runtime's durable core (episodes, action replay, store, dispatcher, virtual clock) driving the SDK's real
 * orchestrator engine (createOrchestrator) in-process. Only the invocation layer is replaced: under jest,
 * @azure/functions cannot reach @azure/functions-core, so this invoker calls the SDK handler directly with the same
 * trigger payload; the integration tests cover the real invocation path in a child process.
 */
export function createDurableHarness(orchestrators: Record<string, OrchestratorFn>, activities: Record<string, Activity>): DurableHarness {
  const registry = createFunctionRegistry();
  const handlers = new Map<string, (payload: unknown, context: unknown) => Promise<unknown>>();
  for (const [name, fn] of Object.entries(orchestrators)) {
    registry.register({ name, bindings: { trigger: { type: 'orchestrationTrigger', direction: 'in' } } }, () => undefined);
    handlers.set(name, createOrchestrator(fn));
  }
  const invoker: Invoker = {
    async invoke(fn, request) {
      const handler = handlers.get(fn.name) as NonNullable<ReturnType<typeof handlers.get>>;
      const payload = JSON.parse(request.triggerData?.string as string);
      const state = await handler(payload, new DummyOrchestrationContext());
      const response: RpcInvocationResponse = { returnValue: { json: JSON.stringify(state) } };
      return { invocationId: 'inv', response };
    },
  };
  const store = createMemoryStore();
  const clock = createVirtualClock(Date.parse('2026-01-01T00:00:00Z'));
  const logger = createLogger(() => undefined);
  const dispatcher = createDispatcher({
    store,
    clock,
    logger,
    maxConcurrentOrchestrations: 4,
    maxConcurrentActivities: 4,
    runEpisode: (instanceId, now) =>
      runEpisode({ registry, invoker, logger, state: store.state, timers: { maximumShortTimerMs: 6 * 86_400_000, longRunningTimerIntervalMs: 3 * 86_400_000 } }, instanceId, now),
    async runActivity(task) {
      const at = new Date(clock.now()).toISOString();
      const data = activityTriggerData(task.input);
      // What @azure/functions does with the trigger data: strings are JSON-parsed when they can be.
      const input = data?.string !== undefined ? tryParse(data.string as string) : data?.json ? JSON.parse(data.json) : undefined;
      let event;
      try {
        event = events.taskCompleted(at, task.taskScheduledId, toJsonString(await activities[task.name](input)));
      } catch (error) {
        event = events.taskFailed(at, task.taskScheduledId, activityFailure(task.name, error));
      }
      return { op: 'activityDone', activityId: task.id, instanceId: task.instanceId, message: { id: `${task.id}-done`, executionId: task.executionId, visibleAt: at, event } };
    },
  });
  const client = createTaskHubClient({ store, registry, clock, overridable: 'NonRunningStates', onChange: dispatcher.wake });
  return {
    client,
    dispatcher,
    history: (instanceId) => store.state.instances.get(instanceId),
    async run(name, instanceId, input) {
      client.startNew(name, { instanceId, input });
      await dispatcher.whenIdle();
      const instance = store.state.instances.get(instanceId);
      return { status: instance?.runtimeStatus ?? 'missing', output: instance?.output ? JSON.parse(instance.output) : undefined };
    },
  };
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
