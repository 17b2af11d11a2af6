import fs from 'node:fs';
import os from 'node:os';
import { resolveSettingReferences } from './settings';

export type OverridableStates = 'NonRunningStates' | 'AnyState';

/** The host.json settings this runtime honours; everything else in host.json is accepted and ignored. */
export interface HostConfig {
  routePrefix: string;
  /**
   * host.json functionTimeout in ms; null for none ("-1"). Default 30 minutes: the host's DefaultFunctionTimeout on
   * every plan but the classic Consumption one (5 minutes), and this app runs on Flex Consumption.
   */
  functionTimeoutMs: number | null;
  durable: {
    hubName: string;
    overridableExistingInstanceStates: OverridableStates;
    maxConcurrentActivityFunctions: number;
    maxConcurrentOrchestratorFunctions: number;
    /** DurableTaskOptions.MaxOrchestrationActions (default 100,000). */
    maxOrchestrationActions: number;
    /** Entity batches running at once (MaxConcurrentEntityFunctions; default 10 x cores outside Consumption). */
    maxConcurrentEntityFunctions: number;
    /** Operations per entity batch (MaxEntityOperationBatchSize; default 5000 outside Consumption). */
    maxEntityOperationBatchSize: number;
  };
  serviceBus: {
    maxConcurrentCalls: number;
    autoCompleteMessages: boolean;
    maxAutoLockRenewalDurationMs: number;
  };
}

export function readHostConfig(file: string, env: NodeJS.ProcessEnv = process.env): HostConfig {
  let raw: unknown = {};
  if (fs.existsSync(file)) {
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file}: not valid JSON (${(error as Error).message}).`);
    }
  }
  return parseHostConfig(raw, env, file);
}

export function parseHostConfig(raw: unknown, env: NodeJS.ProcessEnv, source = 'host.json'): HostConfig {
  const root = asObject(raw, source);
  const extensions = asObject(root.extensions ?? {}, `${source} "extensions"`);
  const http = asObject(extensions.http ?? {}, `${source} "extensions.http"`);
  const durable = asObject(extensions.durableTask ?? {}, `${source} "extensions.durableTask"`);
  const serviceBus = asObject(extensions.serviceBus ?? {}, `${source} "extensions.serviceBus"`);
  const cpus = Math.max(1, os.cpus().length);

  const routePrefix = optionalString(http.routePrefix, `${source} "extensions.http.routePrefix"`) ?? 'api';
  const hubNameRaw = optionalString(durable.hubName, `${source} "extensions.durableTask.hubName"`) ?? 'TestHubName';
  const hubName = resolveSettingReferences(hubNameRaw, env, `${source} "extensions.durableTask.hubName"`);
  if (!/^[A-Za-z][A-Za-z0-9]{2,49}$/.test(hubName)) {
    throw new Error(`${source} "extensions.durableTask.hubName" must be 3-50 letters or digits starting with a letter, got "${hubName}".`);
  }
  const overridable = optionalString(durable.overridableExistingInstanceStates, `${source} "extensions.durableTask.overridableExistingInstanceStates"`) ?? 'NonRunningStates';
  if (overridable !== 'NonRunningStates' && overridable !== 'AnyState') {
    throw new Error(`${source} "extensions.durableTask.overridableExistingInstanceStates" must be "NonRunningStates" or "AnyState", got "${overridable}".`);
  }

  return {
    routePrefix: routePrefix.replace(/^\/+|\/+$/g, ''),
    functionTimeoutMs: functionTimeoutMs(root.functionTimeout, `${source} "functionTimeout"`),
    durable: {
      hubName,
      overridableExistingInstanceStates: overridable,
      maxConcurrentActivityFunctions: positiveInt(durable.maxConcurrentActivityFunctions, 10 * cpus, `${source} "extensions.durableTask.maxConcurrentActivityFunctions"`),
      maxConcurrentOrchestratorFunctions: positiveInt(durable.maxConcurrentOrchestratorFunctions, 10 * cpus, `${source} "extensions.durableTask.maxConcurrentOrchestratorFunctions"`),
      maxOrchestrationActions: positiveInt(durable.maxOrchestrationActions, 100_000, `${source} "extensions.durableTask.maxOrchestrationActions"`),
      maxConcurrentEntityFunctions: positiveInt(durable.maxConcurrentEntityFunctions, 10 * cpus, `${source} "extensions.durableTask.maxConcurrentEntityFunctions"`),
      maxEntityOperationBatchSize: positiveInt(durable.maxEntityOperationBatchSize, 5000, `${source} "extensions.durableTask.maxEntityOperationBatchSize"`),
    },
    serviceBus: {
      maxConcurrentCalls: positiveInt(serviceBus.maxConcurrentCalls, 16 * cpus, `${source} "extensions.serviceBus.maxConcurrentCalls"`),
      autoCompleteMessages: optionalBoolean(serviceBus.autoCompleteMessages, `${source} "extensions.serviceBus.autoCompleteMessages"`) ?? true,
      maxAutoLockRenewalDurationMs: timeSpanMs(serviceBus.maxAutoLockRenewalDuration, 5 * 60_000, `${source} "extensions.serviceBus.maxAutoLockRenewalDuration"`),
    },
  };
}

/** Parses a .NET TimeSpan string ("[d.]hh:mm:ss[.fff]"). */
export function parseTimeSpanMs(value: string): number | undefined {
  const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/.exec(value.trim());
  if (!match) return undefined;
  const [, days, hours, minutes, seconds, fraction] = match;
  const fractionMs = fraction ? Number(`0.${fraction}`) * 1000 : 0;
  return ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000 + fractionMs;
}

function timeSpanMs(value: unknown, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  const parsed = typeof value === 'string' ? parseTimeSpanMs(value) : undefined;
  if (parsed === undefined) throw new Error(`${where} must be a TimeSpan such as "00:05:00", got ${JSON.stringify(value)}.`);
  return parsed;
}

/** ScriptJobHostOptionsSetup: DefaultFunctionTimeout (30 min) off the classic Consumption plan; at least 1 second. */
const defaultFunctionTimeoutMs = 30 * 60_000;

/**
 * host.json functionTimeout as the host validates it on plans with unbounded timeouts (Flex Consumption, Premium,
 * Dedicated): "-1" means none; otherwise at least 00:00:01 (ScriptJobHostOptionsSetup.ValidateTimeoutValue).
 */
function functionTimeoutMs(value: unknown, where: string): number | null {
  if (value === undefined) return defaultFunctionTimeoutMs;
  if (value === '-1' || value === '-1.00:00:00') return null;
  const parsed = typeof value === 'string' ? parseTimeSpanMs(value) : undefined;
  if (parsed === undefined) throw new Error(`${where} must be a TimeSpan such as "00:10:00", or "-1" for no timeout, got ${JSON.stringify(value)}.`);
  if (parsed < 1000) throw new Error(`${where}: FunctionTimeout must be greater than 00:00:01 and less than 10675199.02:48:05.4775807, got ${JSON.stringify(value)}.`);
  return parsed;
}

function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where} must be a JSON object.`);
  return value as Record<string, unknown>;
}

function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Error(`${where} must be a string, got ${JSON.stringify(value)}.`);
  return value;
}

function optionalBoolean(value: unknown, where: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new Error(`${where} must be true or false, got ${JSON.stringify(value)}.`);
  return value;
}

function positiveInt(value: unknown, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`${where} must be a positive integer, got ${JSON.stringify(value)}.`);
  }
  return value;
}
