import type { FailureDetails, HistoryEvent } from './historyEvents';
import { EventType } from './historyEvents';

export type RuntimeStatus = 'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Terminated' | 'Suspended' | 'Canceled';

export const terminalStatuses: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated', 'Canceled'];
export const isTerminal = (status: RuntimeStatus): boolean => terminalStatuses.includes(status);

/** A message waiting for an orchestration episode (the control queue of one instance). */
export interface InboxMessage {
  id: string;
  /** Set for replies to work an execution scheduled; dropped when the instance has moved on (continue-as-new). */
  executionId?: string;
  /** Not delivered before this time (timers). */
  visibleAt: string;
  event: HistoryEvent;
}

export interface ParentRef {
  instanceId: string;
  executionId: string;
  taskScheduledId: number;
}

export interface InstanceRecord {
  instanceId: string;
  name: string;
  version?: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  /** JSON text of the current execution's input ("null" for none). */
  input: string;
  output: string | null;
  customStatus: string | null;
  createdTime: string;
  lastUpdatedTime: string;
  history: HistoryEvent[];
  inbox: InboxMessage[];
  parent?: ParentRef;
  failureDetails?: FailureDetails;
}

/** An activity invocation that has been scheduled and not yet reported back (at-least-once). */
export interface ActivityTask {
  id: string;
  instanceId: string;
  executionId: string;
  taskScheduledId: number;
  name: string;
  /** The action's input as the SDK sent it. */
  input: unknown;
  scheduledAt: string;
}

/**
 * A Durable entity (`@<lowercased name>@<key>`). Azure keeps it as an orchestration instance whose input is the
 * extension's SchedulerState; here it is its own record with the same fields (exists, state, queue).
 */
export interface EntityRecord {
  instanceId: string;
  name: string;
  key: string;
  /** SchedulerState.EntityExists: false until an operation sets state or returns, and after destructOnExit. */
  exists: boolean;
  /** SchedulerState.EntityState: the state as JSON text, verbatim from the SDK (null for none). */
  state: string | null;
  /** Operation messages (EventRaised "op") not yet processed, in arrival order. */
  queue: InboxMessage[];
  createdTime: string;
  /** When the last batch committed (DurableEntityStatus.lastOperationTime). */
  lastOperationTime: string;
}

/** One entity batch: the operations it consumed, the state the SDK returned, and the responses and signals it sends. */
export interface EntityBatchCommit {
  op: 'entityBatch';
  instanceId: string;
  consumed: string[];
  exists: boolean;
  state: string | null;
  at: string;
  outgoing: { instanceId: string; messages: InboxMessage[] }[];
}

export interface EpisodeCommit {
  op: 'episode';
  instanceId: string;
  /** The execution the episode ran for: a commit for an execution that has since been replaced is dropped. */
  executionId: string;
  consumed: string[];
  appendHistory: HistoryEvent[];
  update: Partial<Pick<InstanceRecord, 'runtimeStatus' | 'output' | 'customStatus' | 'lastUpdatedTime' | 'failureDetails'>>;
  /** Continue-as-new: a new execution starts with an empty history and these first messages. */
  newExecution?: { executionId: string; input: string; messages: InboxMessage[] };
  /** Pending timer messages to drop (their timer was cancelled by the orchestrator). */
  dropMessages: string[];
  selfMessages: InboxMessage[];
  activities: ActivityTask[];
  outgoing: { instanceId: string; messages: InboxMessage[] }[];
  createInstances: InstanceRecord[];
}

export type StoreOp =
  | { op: 'createInstance'; instance: InstanceRecord }
  | { op: 'enqueue'; instanceId: string; messages: InboxMessage[] }
  | EpisodeCommit
  | { op: 'activityDone'; activityId: string; instanceId: string; message: InboxMessage }
  | EntityBatchCommit
  | { op: 'purge'; instanceIds: string[] }
  | { op: 'snapshot'; instances: InstanceRecord[]; activities: ActivityTask[]; entities?: EntityRecord[] };

/** Entity scheduler ids start with '@' (orchestration ids may not: DurableClient.cs); DTFx routes messages by it. */
export const isEntityInstanceId = (instanceId: string): boolean => instanceId.startsWith('@');

/** The whole task hub: instances (with histories and inboxes), scheduled activities and entities. */
export class TaskHubState {
  readonly instances = new Map<string, InstanceRecord>();
  readonly activities = new Map<string, ActivityTask>();
  readonly entities = new Map<string, EntityRecord>();
  /**
   * Instances that have messages waiting, with when the earliest of them becomes visible (ms), and entities that have
   * operations queued; kept up to date by apply, so that the dispatcher looks only at those rather than at every
   * instance the task hub ever held, as the extension reads only its control queues.
   */
  readonly instancesWithMessages = new Map<string, number>();
  readonly entitiesWithMessages = new Set<string>();

  /** Applies one operation; deterministic, so replaying a journal rebuilds the same state. */
  apply(op: StoreOp): void {
    switch (op.op) {
      case 'createInstance':
        this.removeActivitiesOf(op.instance.instanceId);
        this.instances.set(op.instance.instanceId, op.instance);
        this.track(op.instance.instanceId);
        return;
      case 'enqueue':
        this.enqueue(op.instanceId, op.messages);
        return;
      case 'episode':
        this.applyEpisode(op);
        return;
      case 'activityDone':
        this.activities.delete(op.activityId);
        this.enqueue(op.instanceId, [op.message]);
        return;
      case 'entityBatch':
        this.applyEntityBatch(op);
        return;
      case 'purge':
        for (const id of op.instanceIds) {
          this.instances.delete(id);
          this.removeActivitiesOf(id);
          this.instancesWithMessages.delete(id);
        }
        return;
      case 'snapshot':
        this.instances.clear();
        this.activities.clear();
        this.entities.clear();
        op.instances.forEach((instance) => this.instances.set(instance.instanceId, instance));
        op.activities.forEach((activity) => this.activities.set(activity.id, activity));
        (op.entities ?? []).forEach((entity) => this.entities.set(entity.instanceId, entity));
        this.instancesWithMessages.clear();
        this.entitiesWithMessages.clear();
        for (const id of [...this.instances.keys(), ...this.entities.keys()]) this.track(id);
        return;
    }
  }

  snapshot(): StoreOp {
    return { op: 'snapshot', instances: [...this.instances.values()], activities: [...this.activities.values()], entities: [...this.entities.values()] };
  }

  private enqueue(instanceId: string, messages: InboxMessage[]): void {
    if (isEntityInstanceId(instanceId)) return this.enqueueEntity(instanceId, messages);
    const instance = this.instances.get(instanceId);
    // Messages for unknown or finished instances are discarded, as DTFx does.
    if (!instance || isTerminal(instance.runtimeStatus)) return;
    for (const message of messages) {
      if (message.executionId !== undefined && message.executionId !== instance.executionId) continue;
      instance.inbox.push(message);
    }
    this.track(instanceId);
  }

  /**
   * DTFx starts an '@' instance on its first message (Entities.AutoStart), so an entity exists as a scheduler from
   * its first operation on; an entity that was never given state still reads as not existing.
   */
  private enqueueEntity(instanceId: string, messages: InboxMessage[]): void {
    if (messages.length === 0) return;
    let entity = this.entities.get(instanceId);
    if (!entity) {
      const at = instanceId.indexOf('@', 1);
      if (at < 0) return;
      const createdTime = messages[0].visibleAt;
      entity = { instanceId, name: instanceId.slice(1, at), key: instanceId.slice(at + 1), exists: false, state: null, queue: [], createdTime, lastOperationTime: createdTime };
      this.entities.set(instanceId, entity);
    }
    entity.queue.push(...messages);
    this.track(instanceId);
  }

  private applyEntityBatch(op: EntityBatchCommit): void {
    const entity = this.entities.get(op.instanceId);
    if (!entity) return;
    const consumed = new Set(op.consumed);
    entity.queue = entity.queue.filter((message) => !consumed.has(message.id));
    entity.exists = op.exists;
    entity.state = op.state;
    entity.lastOperationTime = op.at;
    this.track(op.instanceId);
    for (const { instanceId, messages } of op.outgoing) this.enqueue(instanceId, messages);
  }

  private applyEpisode(op: EpisodeCommit): void {
    const instance = this.instances.get(op.instanceId);
    if (!instance || instance.executionId !== op.executionId) return;
    const consumed = new Set([...op.consumed, ...op.dropMessages]);
    instance.inbox = instance.inbox.filter((message) => !consumed.has(message.id));
    instance.history.push(...op.appendHistory);
    Object.assign(instance, op.update);
    if (op.newExecution) {
      // External events that arrived for the old execution are carried over; replies to its work (entity
      // responses included: they are addressed to the old execution) are not.
      const carried = instance.inbox.filter((m) => m.event.EventType === EventType.EventRaised && m.executionId === undefined);
      this.removeActivitiesOf(instance.instanceId);
      instance.executionId = op.newExecution.executionId;
      instance.input = op.newExecution.input;
      instance.history = [];
      instance.inbox = [...op.newExecution.messages, ...carried];
    }
    if (isTerminal(instance.runtimeStatus)) {
      // A finished instance takes no more messages, and activities it scheduled but nobody started are dropped.
      instance.inbox = [];
      this.removeActivitiesOf(instance.instanceId);
    }
    for (const activity of op.activities) this.activities.set(activity.id, activity);
    this.enqueue(instance.instanceId, op.selfMessages);
    this.track(instance.instanceId);
    for (const child of op.createInstances) {
      this.removeActivitiesOf(child.instanceId);
      this.instances.set(child.instanceId, child);
      this.track(child.instanceId);
    }
    for (const { instanceId, messages } of op.outgoing) this.enqueue(instanceId, messages);
  }

  /** Keeps the two indexes of waiting work right for one instance or entity after its messages changed. */
  private track(instanceId: string): void {
    if (isEntityInstanceId(instanceId)) {
      if ((this.entities.get(instanceId)?.queue.length ?? 0) > 0) this.entitiesWithMessages.add(instanceId);
      else this.entitiesWithMessages.delete(instanceId);
      return;
    }
    const instance = this.instances.get(instanceId);
    const messages = instance !== undefined && !isTerminal(instance.runtimeStatus) ? instance.inbox : [];
    if (messages.length === 0) {
      this.instancesWithMessages.delete(instanceId);
      return;
    }
    let earliest = Infinity;
    for (const message of messages) earliest = Math.min(earliest, Date.parse(message.visibleAt));
    this.instancesWithMessages.set(instanceId, earliest);
  }

  private removeActivitiesOf(instanceId: string): void {
    for (const [id, activity] of this.activities) if (activity.instanceId === instanceId) this.activities.delete(id);
  }
}
