import { randomUUID } from 'node:crypto';
import type { Invoker } from '../invoke';
import { typedDataToValue } from '../invoke';
import type { RuntimeLogger } from '../logger';
import type { FunctionRegistry } from '../registry';
import {
  entityInstanceId,
  nextTick,
  compareTimes,
  minDateTime,
  parseRequestMessage,
  requestEventName,
  requestMessageJson,
  responseMessageJson,
  unknownEntityMessage,
  type DotNetTime,
  type ParsedRequest,
} from './entityMessages';
import { FunctionTimeoutError } from './failures';
import { events } from './historyEvents';
import type { EntityBatchCommit, EntityRecord, InboxMessage } from './taskHubState';
import type { TaskHubState } from './taskHubState';

export interface EntityDeps {
  registry: FunctionRegistry;
  invoker: Invoker;
  logger: RuntimeLogger;
  state: TaskHubState;
  /** host.json durableTask maxEntityOperationBatchSize. */
  maxBatchSize: number;
}

export interface EntityBatchResult {
  commit: EntityBatchCommit;
  operations: number;
}

/** The SDK's EntityState (durable-functions lib/src/entities/EntityState.js), as the extension reads it (OutOfProcResult). */
interface SdkEntityResult {
  entityExists: boolean;
  entityState?: string | null;
  results: { isError: boolean; result?: string }[];
  signals: { target: { name: string; key: string }; name: string; input?: string | null }[];
}

/** The operations an entity's next batch processes at `now`: its visible messages in arrival order, up to the limit. */
export function selectEntityBatch(entity: EntityRecord, now: number, maxBatchSize: number): InboxMessage[] {
  const batch: InboxMessage[] = [];
  for (const message of entity.queue) {
    if (batch.length >= maxBatchSize) break;
    if (Date.parse(message.visibleAt) <= now) batch.push(message);
  }
  return batch;
}

/**
 * Runs one batch of an entity's operations in a single invocation of its function, as the extension's
 * TaskEntityShim does for out-of-proc entities (ExecuteOutOfProcBatch): the trigger payload is
 * EntityTriggerAttributeBindingProvider.EntityContextToString's, the state and existence are taken verbatim from
 * the SDK's result (no rollback for failed operations), each call is answered with a ResponseMessage to the
 * calling execution, and each signal becomes an operation message to its target. A function timeout fails every
 * operation of the batch and keeps the previous state; any other invocation failure aborts the batch (nothing
 * commits, the messages stay queued and are retried), as the extension's SessionAbortedException does.
 */
/** Whether the entity has an operation to run at `now` (what the dispatcher asks before it schedules a batch). */
export function entityRunnable(state: TaskHubState, instanceId: string, now: number): boolean {
  const entity = state.entities.get(instanceId);
  return entity !== undefined && selectEntityBatch(entity, now, 1).length > 0;
}

/** The dispatcher's entity hooks over one task hub: every host of the durable core wires entities the same way. */
export function entityDispatch(deps: EntityDeps): { entityRunnable(instanceId: string, now: number): boolean; runEntityBatch(instanceId: string, now: number): Promise<EntityBatchResult | undefined> } {
  return {
    entityRunnable: (instanceId, now) => entityRunnable(deps.state, instanceId, now),
    runEntityBatch: (instanceId, now) => runEntityBatch(deps, instanceId, now),
  };
}

export async function runEntityBatch(deps: EntityDeps, instanceId: string, now: number): Promise<EntityBatchResult | undefined> {
  const entity = deps.state.entities.get(instanceId);
  if (!entity) return undefined;
  const messages = selectEntityBatch(entity, now, deps.maxBatchSize);
  if (messages.length === 0) return undefined;
  const at = new Date(now).toISOString();
  const requests = messages.map((m) => parseRequestMessage(m.event.Input));
  const batch = messages.map((m, i) => ({ message: m, request: requests[i] })).filter((b): b is { message: InboxMessage; request: ParsedRequest } => b.request !== undefined);
  for (const m of messages.filter((_, i) => requests[i] === undefined)) {
    deps.logger.warn(`Dropped a message to entity '${instanceId}' that is not a request message: ${m.event.Input ?? '(no content)'}`, { instanceId });
  }
  const commit: EntityBatchCommit = { op: 'entityBatch', instanceId, consumed: messages.map((m) => m.id), exists: entity.exists, state: entity.state, at, outgoing: [] };
  const respond = (request: ParsedRequest, result: string | undefined | null, isError: boolean) => {
    if (request.isSignal || !request.parent) return;
    const event = events.eventRaised(at, request.id, responseMessageJson(result, isError));
    commit.outgoing.push({ instanceId: request.parent, messages: [{ id: randomUUID(), executionId: request.parentExecution, visibleAt: at, event }] });
  };

  const fn = deps.registry.get(entity.name);
  if (!fn || fn.trigger.type.toLowerCase() !== 'entitytrigger') {
    // The app no longer has the function (it was checked when the message was sent): fail the calls, drop signals.
    const known = deps.registry.byTriggerType('entityTrigger').map((f) => f.name);
    const text = unknownEntityMessage(entity.name, known, deps.registry.byTriggerType('orchestrationTrigger').length);
    deps.logger.warn(`${batch.length} operation(s) for entity '${instanceId}' failed: ${text}`, { instanceId });
    for (const { request } of batch) respond(request, JSON.stringify(text), true);
    return { commit, operations: batch.length };
  }

  const payload = {
    self: { name: entity.name, key: entity.key },
    exists: entity.exists,
    state: entity.state,
    batch: batch.map(({ request }) => ({ name: request.op, input: request.input, isSignal: request.isSignal })),
  };
  let result: SdkEntityResult;
  try {
    const outcome = await deps.invoker.invoke(fn, { triggerData: { string: JSON.stringify(payload) }, logFields: { instanceId } });
    result = validResult(typedDataToValue(outcome.response.returnValue), batch.length);
  } catch (error) {
    if (!(error instanceof FunctionTimeoutError)) throw error;
    // TaskEntityShim: on a timeout every operation of the batch failed with its message; the state stays as it was.
    result = { entityExists: entity.exists, entityState: entity.state, results: batch.map(() => ({ isError: true, result: error.message })), signals: [] };
  }

  commit.exists = result.entityExists;
  commit.state = result.entityState ?? null;
  batch.forEach(({ request }, i) => {
    const outcome = result.results[i];
    if (outcome.isError) {
      deps.logger.warn(`Error in operation '${request.op}': ${outcome.result ?? ''}`, { functionName: fn.name, instanceId });
    }
    respond(request, outcome.result, outcome.isError);
  });
  // Signals from an entity carry the entity as parent and no execution (the entity's sorter spans executions).
  const lastSentTo = new Map<string, DotNetTime>();
  for (const signal of result.signals) {
    // JS EntityIds keep the user's casing; every other path lowercases the name, so the message goes to the
    // entity the name designates (reference §1.4).
    const target = entityInstanceId(signal.target.name, signal.target.key);
    const last = lastSentTo.get(target);
    const nowTime: DotNetTime = { ms: now, ticks: 0, utc: true };
    const timestamp = last && compareTimes(nowTime, last) <= 0 ? nextTick(last) : nowTime;
    lastSentTo.set(target, timestamp);
    const request = requestMessageJson({
      op: signal.name,
      signal: true,
      input: signal.input ?? undefined,
      id: randomUUID(),
      parent: instanceId,
      Timestamp: timestamp,
      Predecessor: last ?? minDateTime,
    });
    commit.outgoing.push({ instanceId: target, messages: [{ id: randomUUID(), visibleAt: at, event: events.eventRaised(at, requestEventName, request) }] });
  }
  return { commit, operations: batch.length };
}

/**
 * The extension deserializes the result into OutOfProcResult and indexes `results` by operation; anything else is
 * "Out of proc orchestrators must return a valid JSON schema." and the batch is aborted.
 */
function validResult(value: unknown, operations: number): SdkEntityResult {
  const invalid = (why: string) => new Error(`Out of proc orchestrators must return a valid JSON schema. (entity result ${why})`);
  if (typeof value !== 'object' || value === null) throw invalid('is not an object');
  const result = value as Partial<SdkEntityResult>;
  if (!Array.isArray(result.results) || result.results.length < operations) {
    throw invalid(`has ${Array.isArray(result.results) ? result.results.length : 'no'} operation results for ${operations} operations`);
  }
  return {
    entityExists: result.entityExists === true,
    entityState: typeof result.entityState === 'string' ? result.entityState : null,
    results: result.results.map((r) => ({ isError: r?.isError === true, result: typeof r?.result === 'string' ? r.result : undefined })),
    signals: Array.isArray(result.signals) ? result.signals : [],
  };
}
