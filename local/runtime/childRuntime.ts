import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { DurableApiFaultReport } from './durable/durableApiFaults';
import type { HistoryEvent } from './durable/historyEvents';
import type { StatusPayload } from './durable/statusPayload';
import type { LocalRuntimeOptions, RuntimeHandle, RuntimeStats } from './options';
import { readLocalSettings } from './settings';

const readyMarker = 'LOCAL_RUNTIME_READY ';

export interface ChildRuntimeHandle extends RuntimeHandle {
  readonly pid: number;
  /** SIGKILL, no shutdown (crash tests); resolves when the process is gone. */
  kill(): Promise<void>;
  /** The last lines the child printed (for failure messages). */
  recentOutput(): string[];
}

/**
 * Starts the runtime as its own Node process (as `func start` runs the worker) and drives it over HTTP: the app's
 * module state stays out of the caller's process, and the process can be killed. From TypeScript sources the child
 * runs through tsRequireHook.cjs; from the compiled dist it runs the compiled childMain.js.
 */
export async function spawnLocalRuntime(options: LocalRuntimeOptions & { onOutput?: (line: string) => void; startTimeoutMs?: number } = {}): Promise<ChildRuntimeHandle> {
  const { onOutput, startTimeoutMs = 20_000, logSink: _logSink, ...childOptions } = options;
  const fromSources = __filename.endsWith('.ts');
  const entry = path.join(__dirname, fromSources ? 'childMain.ts' : 'childMain.js');
  // The hook is not compiled: it sits beside this file in the sources, and dist/local/runtime/ reaches it from there.
  const hook = fromSources ? path.join(__dirname, 'tsRequireHook.cjs') : path.join(__dirname, '..', '..', '..', 'local', 'runtime', 'tsRequireHook.cjs');
  const appEntryIsTs = childOptions.appEntry?.endsWith('.ts') ?? false;
  const nodeArgs = fromSources || appEntryIsTs ? ['--require', hook, entry] : [entry];

  const appRoot = path.resolve(childOptions.appRoot ?? process.cwd());
  const child = spawn(process.execPath, nodeArgs, {
    cwd: appRoot,
    env: childEnvironment(appRoot, childOptions),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  const remember = (line: string) => {
    recent.push(line);
    if (recent.length > 200) recent.shift();
    onOutput?.(line);
  };
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  readline.createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', remember);

  type Controlled = 'waitForInstance' | 'runUntilIdle' | 'advanceClock' | 'now' | 'getHistory' | 'stats' | 'failDurableApi' | 'clearDurableApiFaults' | 'durableApiFaults' | 'stop' | 'keys';
  const ready = await new Promise<Omit<RuntimeHandle, Controlled>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The runtime did not start within ${startTimeoutMs} ms:\n${recent.join('\n')}`)), startTimeoutMs);
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (line.startsWith(readyMarker)) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(readyMarker.length)));
      } else remember(line);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`The runtime exited with code ${code} before it was ready:\n${recent.join('\n')}`));
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });

  const keys = childOptions.keys ?? {};
  const control = async <T>(method: string, pathAndQuery: string, json?: unknown): Promise<T> => {
    const headers: Record<string, string> = keys.master ? { 'x-functions-key': keys.master } : {};
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${ready.baseUrl}/runtime/local/${pathAndQuery}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
    } catch (error) {
      const state = gone ? `it exited (code ${child.exitCode})` : 'it did not answer';
      throw new Error(`The runtime process cannot be reached: ${state}: ${(error as Error).message}. Last output:\n${recent.slice(-20).join('\n')}`);
    }
    const body = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new Error(`${method} /runtime/local/${pathAndQuery} answered ${response.status}: ${body.error ?? JSON.stringify(body)}`);
    return body;
  };
  let gone = false;
  void exited.then(() => {
    gone = true;
  });

  return {
    ...ready,
    keys,
    pid: child.pid as number,
    waitForInstance: (instanceId, { timeoutMs = 30_000 } = {}) =>
      control<StatusPayload>('GET', `instances/${encodeURIComponent(instanceId)}/wait?timeoutMs=${timeoutMs}`),
    runUntilIdle: async ({ timeoutMs = 30_000 } = {}) => {
      await control('POST', `idle?timeoutMs=${timeoutMs}`);
    },
    advanceClock: async (ms) => {
      await control('POST', `clock/advance?ms=${ms}`);
    },
    now: async () => new Date((await control<{ now: string }>('GET', 'clock')).now),
    getHistory: (instanceId) => control<HistoryEvent[]>('GET', `instances/${encodeURIComponent(instanceId)}/history`),
    stats: () => control<RuntimeStats>('GET', 'stats'),
    failDurableApi: async (fault) => {
      await control('POST', 'faults/durable-api', fault);
    },
    clearDurableApiFaults: async () => {
      await control('DELETE', 'faults/durable-api');
    },
    durableApiFaults: () => control<DurableApiFaultReport>('GET', 'faults/durable-api'),
    recentOutput: () => [...recent],
    async stop() {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (gone) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * The child's environment, as func gives the worker: local.settings.json values under the existing environment,
 * `env` over both. Variables Node reads only at process start (NODE_EXTRA_CA_CERTS, NODE_OPTIONS) take effect only
 * this way.
 */
function childEnvironment(appRoot: string, options: LocalRuntimeOptions): NodeJS.ProcessEnv {
  const settings = readLocalSettings(options.localSettingsPath ? path.resolve(appRoot, options.localSettingsPath) : path.join(appRoot, 'local.settings.json'));
  return { ...settings.values, ...process.env, ...options.env, LOCAL_RUNTIME_OPTIONS: JSON.stringify(options) };
}

export type { ChildProcess };
