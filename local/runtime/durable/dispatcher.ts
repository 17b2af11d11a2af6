import type { RuntimeLogger } from '../logger';
import { isVirtual, type Clock } from './clock';
import { nextWakeTime, selectBatch } from './inboxBatch';
import type { EntityBatchResult } from './entityRunner';
import type { EpisodeResult } from './orchestrationEpisode';
import type { TaskHubStore } from './store';
import type { ActivityTask, InstanceRecord, StoreOp } from './taskHubState';

export interface DispatcherDeps {
  store: TaskHubStore;
  clock: Clock;
  logger: RuntimeLogger;
  maxConcurrentOrchestrations: number;
  maxConcurrentActivities: number;
  runEpisode(instanceId: string, now: number): Promise<EpisodeResult | undefined>;
  runActivity(task: ActivityTask): Promise<StoreOp>;
  /** host.json maxConcurrentEntityFunctions (entity batches running at once); default: the orchestration limit. */
  maxConcurrentEntities?: number;
  /** Whether the entity has operations to run at `now`; absent: the app has no entities. */
  entityRunnable?(instanceId: string, now: number): boolean;
  runEntityBatch?(instanceId: string, now: number): Promise<EntityBatchResult | undefined>;
}

export interface DispatcherStats {
  episodes: number;
  orchestratorInvocations: number;
  activityExecutions: number;
  timersFired: number;
  clockAdvances: number;
  entityBatches: number;
  entityOperations: number;
}

export interface Dispatcher {
  /** Looks for runnable work now (call after anything changed the store). */
  wake(): void;
  /** Marks work outside the durable core (an HTTP or Service Bus invocation) that may still create durable work. */
  trackExternal<T>(work: Promise<T>): Promise<T>;
  /** Resolves once nothing is running or runnable (with a virtual clock: and no timer is pending). */
  whenIdle(): Promise<void>;
  /** Resolves on every change; used by waiters that re-check a condition. */
  onChange(listener: () => void): () => void;
  /** Resolves true once `check` holds (re-checked on every change), or false after `timeoutMs`. */
  until(check: () => boolean, timeoutMs: number): Promise<boolean>;
  stats(): DispatcherStats;
  stop(): Promise<void>;
}

const maxTimeout = 2 ** 31 - 1;

/**
 * Pumps the task hub: starts orchestration episodes (one at a time per instance) and activities within the
 * host.json concurrency limits, commits their results, and wakes up for timers. With a virtual auto-advancing
 * clock it jumps to the next due timer as soon as nothing else can run (time-skipping).
 */
export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { store, clock, logger } = deps;
  const runningInstances = new Set<string>();
  const runningActivities = new Set<string>();
  const runningEntities = new Set<string>();
  const backoffUntil = new Map<string, number>();
  const listeners = new Set<() => void>();
  const stats: DispatcherStats = { episodes: 0, orchestratorInvocations: 0, activityExecutions: 0, timersFired: 0, clockAdvances: 0, entityBatches: 0, entityOperations: 0 };
  let external = 0;
  let scheduled = false;
  let stopping = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const notify = () => listeners.forEach((listener) => listener());

  const wake = () => {
    if (scheduled || stopping) return;
    scheduled = true;
    setImmediate(tick);
  };

  const commit = (op: StoreOp) => {
    if (!stopped) store.commit(op);
  };

  function startEpisode(instanceId: string, now: number) {
    runningInstances.add(instanceId);
    deps
      .runEpisode(instanceId, now)
      .then((result) => {
        if (!result) return;
        stats.episodes++;
        stats.timersFired += result.timersFired;
        if (result.invokedOrchestrator) stats.orchestratorInvocations++;
        commit(result.commit);
      })
      .catch((error: unknown) => {
        backoffUntil.set(instanceId, Date.now() + 250);
        logger.error(`Orchestration episode could not run: ${error instanceof Error ? error.stack : String(error)}`, { instanceId });
      })
      .finally(() => {
        runningInstances.delete(instanceId);
        wake();
        notify();
      });
  }

  function startActivity(task: ActivityTask) {
    runningActivities.add(task.id);
    deps
      .runActivity(task)
      .then((op) => {
        stats.activityExecutions++;
        commit(op);
      })
      .catch((error: unknown) => {
        backoffUntil.set(task.id, Date.now() + 250);
        logger.error(`Activity could not run: ${error instanceof Error ? error.stack : String(error)}`, { functionName: task.name, instanceId: task.instanceId });
      })
      .finally(() => {
        runningActivities.delete(task.id);
        wake();
        notify();
      });
  }

  /** One batch at a time per entity: its operations run one after another, never concurrently. */
  function startEntityBatch(instanceId: string, now: number) {
    runningEntities.add(instanceId);
    (deps.runEntityBatch as NonNullable<DispatcherDeps['runEntityBatch']>)(instanceId, now)
      .then((result) => {
        if (!result) return;
        stats.entityBatches++;
        stats.entityOperations += result.operations;
        commit(result.commit);
      })
      .catch((error: unknown) => {
        // The batch is aborted and its messages stay queued (SessionAbortedException): retried after a pause.
        backoffUntil.set(instanceId, Date.now() + 250);
        logger.error(`Entity batch aborted; its operations will be retried: ${error instanceof Error ? error.stack : String(error)}`, { instanceId });
      })
      .finally(() => {
        runningEntities.delete(instanceId);
        wake();
        notify();
      });
  }

  /**
   * Only instances and entities with messages waiting can run or wake: the task hub keeps them with the time their
   * earliest message becomes visible, so an instance waiting on a timer costs a comparison, not a scan of its inbox.
   */
  function instancesWithMessages(visibleBy: number): InstanceRecord[] {
    const found: InstanceRecord[] = [];
    for (const [id, earliest] of store.state.instancesWithMessages) {
      if (earliest > visibleBy) continue;
      const instance = store.state.instances.get(id);
      if (instance) found.push(instance);
    }
    return found;
  }
  const entitiesWithMessages = () => [...store.state.entitiesWithMessages];

  const entityRunnable = (instanceId: string, now: number) => deps.entityRunnable?.(instanceId, now) === true;

  function startRunnable(now: number): boolean {
    const realNow = Date.now();
    let runnableLeft = false;
    for (const instance of instancesWithMessages(now)) {
      if (runningInstances.has(instance.instanceId) || (backoffUntil.get(instance.instanceId) ?? 0) > realNow) continue;
      if (!selectBatch(instance, now)) continue;
      if (runningInstances.size >= deps.maxConcurrentOrchestrations) {
        runnableLeft = true;
        break;
      }
      startEpisode(instance.instanceId, now);
    }
    for (const task of store.state.activities.values()) {
      if (runningActivities.has(task.id) || (backoffUntil.get(task.id) ?? 0) > realNow) continue;
      if (runningActivities.size >= deps.maxConcurrentActivities) {
        runnableLeft = true;
        break;
      }
      startActivity(task);
    }
    const maxEntities = deps.maxConcurrentEntities ?? deps.maxConcurrentOrchestrations;
    for (const instanceId of entitiesWithMessages()) {
      if (runningEntities.has(instanceId) || (backoffUntil.get(instanceId) ?? 0) > realNow || !entityRunnable(instanceId, now)) continue;
      if (runningEntities.size >= maxEntities) {
        runnableLeft = true;
        break;
      }
      startEntityBatch(instanceId, now);
    }
    return runnableLeft;
  }

  /** The earliest time after `now` at which a delayed message becomes visible. */
  function nextWake(now: number): number | undefined {
    let earliest: number | undefined;
    for (const [id, first] of store.state.instancesWithMessages) {
      const instance = store.state.instances.get(id);
      // The earliest message is the wake-up, unless it is already visible (then a later one may be) or the instance
      // is suspended (then only a resume wakes it): those are looked at message by message.
      const at = first > now && instance?.runtimeStatus !== 'Suspended' ? first : instance && nextWakeTime(instance, now);
      if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
    }
    return earliest;
  }

  const busy = () => runningInstances.size > 0 || runningActivities.size > 0 || runningEntities.size > 0 || external > 0;

  function tick() {
    scheduled = false;
    if (stopping) return;
    // One reading of the clock for the whole tick: a message that falls due while the tick runs is then either
    // started (visible at `now`) or armed for (visible after `now`), never neither (a lost wake-up).
    const now = clock.now();
    startRunnable(now);
    if (timer) clearTimeout(timer);
    timer = undefined;
    const next = nextWake(now);
    if (next !== undefined) {
      if (isVirtual(clock)) {
        if (clock.autoAdvance && !busy()) {
          clock.advanceTo(next);
          stats.clockAdvances++;
          wake();
        }
      } else {
        timer = setTimeout(wake, Math.min(Math.max(0, next - now), maxTimeout));
      }
    }
    if (backoffUntil.size > 0) {
      const realNow = Date.now();
      for (const [id, until] of backoffUntil) if (until <= realNow) backoffUntil.delete(id);
      if (backoffUntil.size > 0 && !timer) timer = setTimeout(wake, 260);
    }
    notify();
  }

  function isIdle(): boolean {
    if (busy() || scheduled) return false;
    const now = clock.now();
    for (const instance of instancesWithMessages(now)) if (selectBatch(instance, now)) return false;
    for (const instanceId of entitiesWithMessages()) if (entityRunnable(instanceId, now)) return false;
    if (store.state.activities.size > 0) return false;
    if (isVirtual(clock) && clock.autoAdvance && nextWake(now) !== undefined) return false;
    return true;
  }

  return {
    wake,
    trackExternal(work) {
      external++;
      return work.finally(() => {
        external--;
        wake();
      });
    },
    whenIdle() {
      return new Promise((resolve) => {
        const check = () => {
          if (isIdle()) {
            unsubscribe();
            resolve();
          }
        };
        const unsubscribe = this.onChange(check);
        wake();
        check();
      });
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    until(check, timeoutMs) {
      return new Promise<boolean>((resolve) => {
        if (check()) return resolve(true);
        const finish = (held: boolean) => {
          clearTimeout(timeout);
          unsubscribe();
          resolve(held);
        };
        const timeout = setTimeout(() => finish(false), timeoutMs);
        const unsubscribe = this.onChange(() => {
          if (check()) finish(true);
        });
      });
    },
    stats: () => ({ ...stats }),
    async stop() {
      // Stop starting work, let what runs finish and commit (so a graceful stop loses nothing), then close.
      stopping = true;
      if (timer) clearTimeout(timer);
      const deadline = Date.now() + 5000;
      while ((runningInstances.size > 0 || runningActivities.size > 0 || runningEntities.size > 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      stopped = true;
      listeners.clear();
    },
  };
}
