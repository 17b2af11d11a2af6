import fs from 'node:fs';
import path from 'node:path';
import { spawnLocalRuntime, type ChildRuntimeHandle } from '../../../local/runtime';
import { durableClientBindingValue } from '../../../local/runtime/durable/clientBinding';
import type { DurableClient } from 'durable-functions';

// The SDK's own client class (not exported by name; 3.5.0 has no "exports" map, so this is the installed file).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DurableClient: SdkDurableClient } = require('durable-functions/lib/src/durableClient/DurableClient') as {
  DurableClient: new (clientData: unknown) => DurableClient;
};

export const patternsApp = path.resolve(__dirname, '../../fixtures/runtime-app/patterns');

/** Starts the runtime as a child process on a fixture app, keeping its output quiet unless the test fails. */
export function startFixtureRuntime(options: Parameters<typeof spawnLocalRuntime>[0] = {}): Promise<ChildRuntimeHandle> {
  return spawnLocalRuntime({ appRoot: patternsApp, logLevel: 'warning', ...options });
}

/** Lines in a file store's journal: one per committed operation. */
export const journalLines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').length - 1;

/** Polls the journal until it has `lines` lines (or 5 s passed: the workflows may have finished before that). */
export async function waitForJournalLines(file: string, lines: number) {
  const deadline = Date.now() + 5000;
  while (journalLines(file) < lines && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
}

/**
 * The durable-functions SDK's DurableClient, built from the same binding value the runtime gives a function's
 * durable client input, so tests drive the runtime exactly as app code does.
 */
export function sdkClientFor(runtime: ChildRuntimeHandle): DurableClient {
  const value = durableClientBindingValue({
    webhookBaseUrl: runtime.durableApiUrl,
    rpcBaseUrl: runtime.rpcBaseUrl,
    taskHubName: runtime.taskHubName,
    connectionName: 'Storage',
    systemKey: runtime.keys.master,
  });
  return new SdkDurableClient(value);
}

/** Event types and ids of a history without the episode markers, for compact shape assertions. */
export function shape(history: { EventType: number; EventId: number; TaskScheduledId?: number; TimerId?: number; Name?: string }[]): string[] {
  const names: Record<number, string> = {
    0: 'ExecutionStarted', 1: 'ExecutionCompleted', 3: 'ExecutionTerminated', 4: 'TaskScheduled', 5: 'TaskCompleted', 6: 'TaskFailed',
    7: 'SubOrchestrationInstanceCreated', 8: 'SubOrchestrationInstanceCompleted', 9: 'SubOrchestrationInstanceFailed',
    10: 'TimerCreated', 11: 'TimerFired', 14: 'EventSent', 15: 'EventRaised', 16: 'ContinueAsNew', 19: 'ExecutionSuspended', 20: 'ExecutionResumed',
  };
  return history
    .filter((e) => e.EventType !== 12 && e.EventType !== 13)
    .map((e) => {
      const name = names[e.EventType] ?? String(e.EventType);
      if (e.EventType === 4 || e.EventType === 7 || e.EventType === 10 || e.EventType === 14) return `${name}#${e.EventId}${e.Name ? `:${e.Name}` : ''}`;
      if (e.TaskScheduledId !== undefined) return `${name}->${e.TaskScheduledId}`;
      if (e.TimerId !== undefined) return `${name}->${e.TimerId}`;
      return e.Name ? `${name}:${e.Name}` : name;
    });
}
