import { consoleSink } from './logger';
import type { LocalRuntimeOptions } from './options';
import { startInProcessRuntime } from './inProcessRuntime';

/** Marks the line a parent process waits for; the JSON after it describes the started runtime. */
export const readyMarker = 'LOCAL_RUNTIME_READY ';

/** Entry point of a runtime spawned by startLocalRuntime({ isolation: 'child-process' }): options come as JSON in env. */
async function main() {
  const options = JSON.parse(process.env.LOCAL_RUNTIME_OPTIONS ?? '{}') as LocalRuntimeOptions;
  const handle = await startInProcessRuntime({ ...options, isolation: 'in-process', logSink: consoleSink });
  const { baseUrl, apiBaseUrl, durableApiUrl, rpcBaseUrl, taskHubName, functions } = handle;
  process.stdout.write(`${readyMarker}${JSON.stringify({ baseUrl, apiBaseUrl, durableApiUrl, rpcBaseUrl, taskHubName, functions })}\n`);
  const shutdown = () => {
    handle.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`Local runtime failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
