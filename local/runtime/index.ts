import { spawnLocalRuntime } from './childRuntime';
import { startInProcessRuntime } from './inProcessRuntime';
import type { LocalRuntimeOptions, RuntimeHandle } from './options';

export type { LocalRuntimeOptions, RuntimeHandle, RuntimeStats, FunctionInfo, ClockOption, StoreOption } from './options';
export type { ChildRuntimeHandle } from './childRuntime';
export type { FunctionKeys } from './http/keys';
export type { HistoryEvent } from './durable/historyEvents';
export type { DurableApiFault, DurableApiFaultReport, DurableApiFaultStatus } from './durable/durableApiFaults';
export { EventType } from './durable/historyEvents';
export { spawnLocalRuntime } from './childRuntime';

/**
 * Starts the local Functions + Durable runtime for the app in `appRoot` / `appEntry`. Isolation defaults to a child
 * process under jest (jest's module registry never reaches the require hook that provides @azure/functions-core)
 * and to this process otherwise.
 */
export function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<RuntimeHandle> {
  const isolation = options.isolation ?? (process.env.JEST_WORKER_ID !== undefined ? 'child-process' : 'in-process');
  return isolation === 'child-process' ? spawnLocalRuntime(options) : startInProcessRuntime(options);
}
