import { randomUUID } from 'node:crypto';
import type { RpcTypedData } from '../coreApiTypes';
import type { Invoker } from '../invoke';
import { typedDataToValue } from '../invoke';
import type { RuntimeLogger } from '../logger';
import type { FunctionRegistry } from '../registry';
import { activityFailure, hostActivityFailure } from './failures';
import { events, toJsonString } from './historyEvents';
import type { ActivityTask, StoreOp } from './taskHubState';

export interface ActivityDeps {
  registry: FunctionRegistry;
  invoker: Invoker;
  logger: RuntimeLogger;
  now: () => number;
}

/**
 * The activity trigger's data as the extension sends it: the SDK JSON-encodes string inputs, and the host passes that
 * string on (which @azure/functions then JSON-parses back); other values travel as JSON (reference §2).
 */
export function activityTriggerData(input: unknown): RpcTypedData | undefined {
  if (input === undefined) return undefined;
  return typeof input === 'string' ? { string: input } : { json: JSON.stringify(input) };
}

/** Runs one scheduled activity and returns the commit that reports its outcome to the orchestration. */
export async function runActivity(deps: ActivityDeps, task: ActivityTask): Promise<StoreOp> {
  const fn = deps.registry.get(task.name);
  let event;
  if (!fn || fn.trigger.type.toLowerCase() !== 'activitytrigger') {
    const message = `The function '${task.name}' doesn't exist, is disabled, or is not an activity function.`;
    event = events.taskFailed(new Date(deps.now()).toISOString(), task.taskScheduledId, hostActivityFailure(task.name, message));
  } else {
    try {
      const outcome = await deps.invoker.invoke(fn, { triggerData: activityTriggerData(task.input), logFields: { instanceId: task.instanceId } });
      const result = typedDataToValue(outcome.response.returnValue);
      event = events.taskCompleted(new Date(deps.now()).toISOString(), task.taskScheduledId, toJsonString(result));
    } catch (error) {
      deps.logger.warn(`Activity failed: ${error instanceof Error ? error.message : String(error)}`, { functionName: task.name, instanceId: task.instanceId });
      event = events.taskFailed(new Date(deps.now()).toISOString(), task.taskScheduledId, activityFailure(task.name, error));
    }
  }
  const at = new Date(deps.now()).toISOString();
  return { op: 'activityDone', activityId: task.id, instanceId: task.instanceId, message: { id: randomUUID(), executionId: task.executionId, visibleAt: at, event } };
}
