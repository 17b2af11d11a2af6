import { randomUUID } from 'node:crypto';
import type { OverridableStates } from '../hostConfig';
import type { FunctionRegistry } from '../registry';
import type { Clock } from './clock';
import { entityInstanceId, hasInvalidKeyCharacter, requestEventName, requestMessageJson, minDateTime, unknownEntityMessage } from './entityMessages';
import { events, toJsonString } from './historyEvents';
import { newInstanceRecord } from './newInstance';
import type { TaskHubStore } from './store';
import { isTerminal, type EntityRecord, type InboxMessage, type InstanceRecord, type RuntimeStatus } from './taskHubState';

/** A management request that cannot be carried out, with the HTTP status the extension answers with. */
export class TaskHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ListFilter {
  runtimeStatus?: RuntimeStatus[];
  createdTimeFrom?: number;
  createdTimeTo?: number;
  instanceIdPrefix?: string;
}

export interface TaskHubClient {
  startNew(name: string, options?: { instanceId?: string; input?: unknown; version?: string }): InstanceRecord;
  get(instanceId: string): InstanceRecord | undefined;
  list(filter?: ListFilter): InstanceRecord[];
  raiseEvent(instanceId: string, eventName: string, data: unknown): void;
  terminate(instanceId: string, reason: string | undefined): void;
  suspend(instanceId: string, reason: string | undefined): void;
  resume(instanceId: string, reason: string | undefined): void;
  purge(instanceId: string): number;
  purgeBy(filter: ListFilter): number;
  /** DurableClient.SignalEntityAsync: `input` is the operation input as JSON text (undefined for none). */
  signalEntity(name: string, key: string, operation: string, input: string | undefined): void;
  /** The entity's record if it exists (has state), as ReadEntityStateAsync reads SchedulerState. */
  readEntity(name: string, key: string): EntityRecord | undefined;
  listEntities(filter: EntityListFilter): EntityRecord[];
}

export interface EntityListFilter {
  name?: string;
  lastOperationTimeFrom?: number;
  lastOperationTimeTo?: number;
  /** EntityQuery.IncludeDeleted: also entities whose state was deleted (or never set). */
  includeDeleted?: boolean;
}

const runningStates: RuntimeStatus[] = ['Running', 'Pending', 'ContinuedAsNew', 'Suspended'];

/** Instance ids must not start with '@', contain / \ # ? or control characters, or exceed 256 characters. */
export function validateInstanceId(instanceId: string): void {
  if (instanceId.length === 0 || instanceId.length > 256) throw new TaskHubError(400, `Instance ID must be 1-256 characters long, got ${instanceId.length}.`);
  if (instanceId.startsWith('@')) throw new TaskHubError(400, `Instance ID '${instanceId}' must not start with '@'.`);
  // eslint-disable-next-line no-control-regex
  if (/[/\\#?\u0000-\u001f\u007f]/.test(instanceId)) throw new TaskHubError(400, `Instance ID '${instanceId}' must not contain /, \\, #, ? or control characters.`);
}

/** The durable client's operations on the task hub, with the Durable extension's rules and status codes. */
export function createTaskHubClient(deps: { store: TaskHubStore; registry: FunctionRegistry; clock: Clock; overridable: OverridableStates; onChange: () => void }): TaskHubClient {
  const { store, clock } = deps;
  const nowIso = () => new Date(clock.now()).toISOString();
  const message = (event: InboxMessage['event']): InboxMessage => ({ id: randomUUID(), visibleAt: nowIso(), event });

  const mustGet = (instanceId: string) => {
    const instance = store.state.instances.get(instanceId);
    if (!instance) throw new TaskHubError(404, `No instance with ID '${instanceId}' found.`);
    return instance;
  };
  const enqueue = (instanceId: string, event: InboxMessage['event']) => {
    store.commit({ op: 'enqueue', instanceId, messages: [message(event)] });
    deps.onChange();
  };
  const mustBeRunning = (instance: InstanceRecord, operation: string) => {
    if (isTerminal(instance.runtimeStatus)) {
      throw new TaskHubError(410, `Instance '${instance.instanceId}' is ${instance.runtimeStatus}; cannot ${operation} it.`);
    }
  };

  const matches = (instance: InstanceRecord, filter: ListFilter) => {
    const created = Date.parse(instance.createdTime);
    return (
      (!filter.runtimeStatus?.length || filter.runtimeStatus.includes(instance.runtimeStatus)) &&
      (filter.createdTimeFrom === undefined || created >= filter.createdTimeFrom) &&
      (filter.createdTimeTo === undefined || created <= filter.createdTimeTo) &&
      (!filter.instanceIdPrefix || instance.instanceId.startsWith(filter.instanceIdPrefix))
    );
  };

  return {
    startNew(name, options = {}) {
      const fn = deps.registry.get(name);
      if (!fn || fn.trigger.type.toLowerCase() !== 'orchestrationtrigger') {
        throw new TaskHubError(400, `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
      }
      const instanceId = options.instanceId ?? randomUUID().replace(/-/g, '');
      validateInstanceId(instanceId);
      const existing = store.state.instances.get(instanceId);
      if (existing && deps.overridable === 'NonRunningStates' && runningStates.includes(existing.runtimeStatus)) {
        // DTFx OrchestrationAlreadyExistsException; the extension's HTTP API maps it to 500.
        throw new TaskHubError(500, `An Orchestration instance with the status ${existing.runtimeStatus} already exists.`);
      }
      const instance = newInstanceRecord({ instanceId, name: fn.name, version: options.version, input: toJsonString(options.input), at: nowIso() });
      store.commit({ op: 'createInstance', instance });
      deps.onChange();
      return store.state.instances.get(instanceId) as InstanceRecord;
    },
    get: (instanceId) => store.state.instances.get(instanceId),
    list: (filter = {}) => [...store.state.instances.values()].filter((instance) => matches(instance, filter)),
    raiseEvent(instanceId, eventName, data) {
      const instance = mustGet(instanceId);
      mustBeRunning(instance, 'raise an event for');
      enqueue(instanceId, events.eventRaised(nowIso(), eventName, data === undefined ? undefined : JSON.stringify(data)));
    },
    terminate(instanceId, reason) {
      mustBeRunning(mustGet(instanceId), 'terminate');
      enqueue(instanceId, events.executionTerminated(nowIso(), reason));
    },
    suspend(instanceId, reason) {
      mustBeRunning(mustGet(instanceId), 'suspend');
      enqueue(instanceId, events.executionSuspended(nowIso(), reason));
    },
    resume(instanceId, reason) {
      mustBeRunning(mustGet(instanceId), 'resume');
      enqueue(instanceId, events.executionResumed(nowIso(), reason));
    },
    purge(instanceId) {
      const instance = store.state.instances.get(instanceId);
      // Like the Azure Storage provider, only instances in a final state are purged.
      if (!instance || !isTerminal(instance.runtimeStatus)) return 0;
      store.commit({ op: 'purge', instanceIds: [instanceId] });
      return 1;
    },
    signalEntity(name, key, operation, input) {
      // DurableClient.SignalEntityAsyncInternal. Its ArgumentException names the parameter and the message the other
      // way round (new ArgumentException(nameof(entityKey), "...")), which .NET renders as below.
      if (hasInvalidKeyCharacter(key)) throw new TaskHubError(400, "entityKey (Parameter 'Entity keys must not contain /, \\, #, ?, or control characters.')");
      const fn = deps.registry.get(name);
      if (!fn || fn.trigger.type.toLowerCase() !== 'entitytrigger') {
        const known = deps.registry.byTriggerType('entityTrigger').map((f) => f.name);
        throw new TaskHubError(400, unknownEntityMessage(name.toLowerCase(), known, deps.registry.byTriggerType('orchestrationTrigger').length));
      }
      // A client's request has no parent and is not labelled by the message sorter (default Timestamp/Predecessor).
      const request = requestMessageJson({ op: operation, signal: true, input, id: randomUUID(), Timestamp: minDateTime, Predecessor: minDateTime });
      store.commit({ op: 'enqueue', instanceId: entityInstanceId(name, key), messages: [message(events.eventRaised(nowIso(), requestEventName, request))] });
      deps.onChange();
    },
    readEntity(name, key) {
      const entity = store.state.entities.get(entityInstanceId(name, key));
      return entity && entity.exists && entity.state !== null ? entity : undefined;
    },
    listEntities(filter) {
      const prefix = filter.name ? `@${filter.name.toLowerCase()}@` : '@';
      return [...store.state.entities.values()].filter((entity) => {
        const last = Date.parse(entity.lastOperationTime);
        return (
          entity.instanceId.startsWith(prefix) &&
          (filter.includeDeleted === true || entity.exists) &&
          (filter.lastOperationTimeFrom === undefined || last >= filter.lastOperationTimeFrom) &&
          (filter.lastOperationTimeTo === undefined || last <= filter.lastOperationTimeTo)
        );
      });
    },
    purgeBy(filter) {
      const ids = [...store.state.instances.values()].filter((i) => isTerminal(i.runtimeStatus) && matches(i, filter)).map((i) => i.instanceId);
      if (ids.length > 0) store.commit({ op: 'purge', instanceIds: ids });
      return ids.length;
    },
  };
}
