import * as df from 'durable-functions';
import type { RpcInvocationResponse } from '../../../local/runtime/coreApiTypes';
import { runActivity } from '../../../local/runtime/durable/activityRunner';
import { createVirtualClock, type VirtualClock } from '../../../local/runtime/durable/clock';
import { createDispatcher, type Dispatcher } from '../../../local/runtime/durable/dispatcher';
import { runEpisode } from '../../../local/runtime/durable/orchestrationEpisode';
import type { InboxOrder } from '../../../local/runtime/durable/inboxBatch';
import { createMemoryStore, type TaskHubStore } from '../../../local/runtime/durable/store';
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

export interface DurableHarnessOptions {
  /** false: the virtual clock only moves through advanceClock (default true: it jumps to the next timer when idle). */
  autoAdvance?: boolean;
  maxOrchestrationActions?: number;
  inboxOrder?: InboxOrder;
  /** Sees each invocation's trigger data as the runtime sends it (e.g. the orchestration trigger payload). */
  onInvoke?: (functionName: string, triggerData: unknown) => void;
}

export interface DurableHarness {
  client: TaskHubClient;
  dispatcher: Dispatcher;
  clock: VirtualClock;
  store: TaskHubStore;
  /** Resolves once `check` holds (re-checked on every dispatcher change); rejects after `timeoutMs`. */
  until(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Moves the virtual clock and runs what became due. */
  advanceClock(ms: number): Promise<void>;
  history(instanceId: string): ReturnType<ReturnType<typeof createMemoryStore>['state']['instances']['get']>;
  run(name: string, instanceId: string, input?: unknown): Promise<{ status: string; output: unknown }>;
}

/**
 * The runtime's durable core (episodes, action replay, activity runner, store, dispatcher, virtual clock) driving
 * the SDK's real orchestrator engine (createOrchestrator) in-process. Only the invocation layer is replaced: under
 * jest, @azure/functions cannot reach @azure/functions-core, so this invoker calls the SDK handler (or the activity)
 * directly with the same trigger data; the integration tests cover the real invocation path in a child process.
 */
export function createDurableHarness(
  orchestrators: Record<string, OrchestratorFn>,
  activities: Record<string, Activity>,
  options: DurableHarnessOptions = {},
): DurableHarness {
  const registry = createFunctionRegistry();
  const handlers = new Map<string, (payload: unknown, context: unknown) => Promise<unknown>>();
  for (const [name, fn] of Object.entries(orchestrators)) {
    registry.register({ name, bindings: { trigger: { type: 'orchestrationTrigger', direction: 'in' } } }, () => undefined);
    handlers.set(name, createOrchestrator(fn));
  }
  for (const name of Object.keys(activities)) {
    registry.register({ name, bindings: { trigger: { type: 'activityTrigger', direction: 'in' } } }, () => undefined);
  }
  const invoker: Invoker = {
    async invoke(fn, request) {
      const data = request.triggerData;
      options.onInvoke?.(fn.name, data);
      if (fn.trigger.type === 'activityTrigger') {
        // What @azure/functions does with the trigger data: strings are JSON-parsed when they can be.
        const input = data?.string !== undefined && data?.string !== null ? tryParse(data.string) : data?.json ? JSON.parse(data.json) : undefined;
        const result = await activities[fn.name](input);
        return { invocationId: 'inv', response: { returnValue: result === undefined ? undefined : { json: JSON.stringify(result) } } };
      }
      const handler = handlers.get(fn.name) as NonNullable<ReturnType<typeof handlers.get>>;
      const state = await handler(JSON.parse(data?.string as string), new DummyOrchestrationContext());
      const response: RpcInvocationResponse = { returnValue: { json: JSON.stringify(state) } };
      return { invocationId: 'inv', response };
    },
  };
  const store = createMemoryStore();
  const clock = createVirtualClock(Date.parse('2026-01-01T00:00:00Z'), options.autoAdvance !== false);
  const logger = createLogger(() => undefined);
  const dispatcher = createDispatcher({
    store,
    clock,
    logger,
    maxConcurrentOrchestrations: 4,
    maxConcurrentActivities: 4,
    runEpisode: (instanceId, now) =>
      runEpisode(
        {
          registry,
          invoker,
          logger,
          state: store.state,
          timers: { maximumShortTimerMs: 6 * 86_400_000, longRunningTimerIntervalMs: 3 * 86_400_000 },
          maxOrchestrationActions: options.maxOrchestrationActions,
          inboxOrder: options.inboxOrder,
        },
        instanceId,
        now,
      ),
    runActivity: (task) => runActivity({ registry, invoker, logger, now: () => clock.now() }, task),
  });
  const client = createTaskHubClient({ store, registry, clock, overridable: 'NonRunningStates', onChange: dispatcher.wake });
  const until = async (check: () => boolean, what: string, timeoutMs = 5000) => {
    const held = dispatcher.until(check, timeoutMs);
    // A dispatcher pass notifies the waiter even when nothing else is going on.
    dispatcher.wake();
    if (!(await held)) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
  };
  return {
    client,
    dispatcher,
    clock,
    store,
    until,
    async advanceClock(ms) {
      clock.advanceBy(ms);
      dispatcher.wake();
      await dispatcher.whenIdle();
    },
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
