import type { RpcLogLevel } from './coreApiTypes';
import type { HistoryEvent } from './durable/historyEvents';
import type { DispatcherStats } from './durable/dispatcher';
import type { DurableApiFault, DurableApiFaultReport } from './durable/durableApiFaults';
import type { StatusPayload } from './durable/statusPayload';
import type { EasyAuthOptions } from './http/easyAuth';
import type { FunctionKeys } from './http/keys';
import type { LogSink } from './logger';

export type StoreOption = 'memory' | { kind: 'memory' } | { kind: 'file'; directory: string };
/**
 * The order in which an orchestration episode sees messages that are visible at the same time: 'fifo' (the default)
 * or shuffled with a seed, as Azure Storage queues may deliver them.
 */
export type InboxOrderOption = 'fifo' | { kind: 'fifo' } | { kind: 'shuffled'; seed: number };
export type ClockOption = 'real' | 'virtual' | { kind: 'real' } | { kind: 'virtual'; start?: string | number; autoAdvance?: boolean };

export interface LocalRuntimeOptions {
  /** Folder with host.json, local.settings.json and package.json (default: the current directory). */
  appRoot?: string;
  /** The app's compiled entry module (default: package.json "main" in appRoot). */
  appEntry?: string;
  /** Listening port; 0 picks a free one (default 0 programmatically, 7071 from the CLI). */
  port?: number;
  host?: string;
  store?: StoreOption;
  clock?: ClockOption;
  /** Virtual clock only: a file the runtime keeps its current time in, for stand-ins in other processes to read. */
  clockFile?: string;
  inboxOrder?: InboxOrderOption;
  hostJsonPath?: string;
  localSettingsPath?: string;
  /** Extra app settings; unlike local.settings.json these override the environment. */
  env?: Record<string, string>;
  /** Function keys; enforced (authLevel function/admin, Durable webhooks) only when one is set. */
  keys?: FunctionKeys;
  /**
   * App Service authentication (Entra ID, Return401) in front of the HTTP triggers: bearer tokens are validated and the
   * principal passed as X-MS-CLIENT-PRINCIPAL, as API_AUTH=entraId expects in Azure. Off when undefined.
   */
  easyAuth?: EasyAuthOptions;
  logLevel?: RpcLogLevel;
  /** Where log records go (in-process) — default: stdout/stderr. */
  logSink?: LogSink;
  /** 'child-process' runs the runtime as its own Node process (the default under jest, where the require hook cannot work). */
  isolation?: 'in-process' | 'child-process';
  /** Service Bus triggers start receivers (default true); false leaves them idle. */
  serviceBusTriggers?: boolean;
}

export interface FunctionInfo {
  name: string;
  triggerType: string;
}

export interface RuntimeStats extends DispatcherStats {
  instances: number;
  serviceBusMessages: number;
}

/** What tests and tools get back from startLocalRuntime, the same for both isolations. */
export interface RuntimeHandle {
  baseUrl: string;
  /** baseUrl + "/" + routePrefix */
  apiBaseUrl: string;
  /** The Durable HTTP API: baseUrl + "/runtime/webhooks/durabletask" */
  durableApiUrl: string;
  /** The RPC base URL the durable client binding carries (ends with "/"). */
  rpcBaseUrl: string;
  taskHubName: string;
  keys: FunctionKeys;
  functions: FunctionInfo[];
  /** Resolves with the status once the instance is Completed, Failed, Terminated or Canceled. */
  waitForInstance(instanceId: string, options?: { timeoutMs?: number }): Promise<StatusPayload>;
  /** Resolves once nothing is running or runnable (virtual auto-advancing clock: and no timer is pending). */
  runUntilIdle(options?: { timeoutMs?: number }): Promise<void>;
  /** Virtual clock only: moves time forward by `ms` and runs what became due. */
  advanceClock(ms: number): Promise<void>;
  now(): Promise<Date>;
  /** The current execution's history as stored (PascalCase DTFx events). */
  getHistory(instanceId: string): Promise<HistoryEvent[]>;
  stats(): Promise<RuntimeStats>;
  /**
   * Local only: the next matching requests to the Durable HTTP API (webhook and RPC listener) fail as the real backend
   * fails them (durable/durableApiFaults.ts); the runtime's own task hub work is untouched.
   */
  failDurableApi(fault: DurableApiFault): Promise<void>;
  /** Disarms every pending Durable HTTP API fault (the record of failed requests stays). */
  clearDurableApiFaults(): Promise<void>;
  /** Pending faults and the requests failed so far. */
  durableApiFaults(): Promise<DurableApiFaultReport>;
  stop(): Promise<void>;
}
