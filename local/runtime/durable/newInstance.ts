import { randomUUID } from 'node:crypto';
import { events } from './historyEvents';
import type { InstanceRecord, ParentRef } from './taskHubState';

/** DTFx execution ids are GUIDs without dashes. */
export const newExecutionId = () => randomUUID().replace(/-/g, '');

/**
 * A new (Pending) instance whose inbox holds its ExecutionStarted message: how a client start and a parent's
 * sub-orchestration both begin an instance. `input` is JSON text.
 */
export function newInstanceRecord(args: { instanceId: string; name: string; version?: string; input: string; at: string; parent?: ParentRef & { name: string } }): InstanceRecord {
  const { instanceId, name, version, input, at, parent } = args;
  const executionId = newExecutionId();
  const started = events.executionStarted(at, {
    Name: name,
    Input: input,
    Version: version,
    OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
    ...(parent
      ? { ParentInstance: { Name: parent.name, TaskScheduleId: parent.taskScheduledId, OrchestrationInstance: { InstanceId: parent.instanceId, ExecutionId: parent.executionId } } }
      : {}),
  });
  return {
    instanceId,
    name,
    version,
    executionId,
    runtimeStatus: 'Pending',
    input,
    output: null,
    customStatus: null,
    createdTime: at,
    lastUpdatedTime: at,
    history: [],
    inbox: [{ id: randomUUID(), visibleAt: at, event: started }],
    ...(parent ? { parent: { instanceId: parent.instanceId, executionId: parent.executionId, taskScheduledId: parent.taskScheduledId } } : {}),
  };
}
