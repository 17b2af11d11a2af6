import { createCoreApi, installCoreApiRequireHook, type CoreApi, type SystemLogSink } from './coreApi';
import { createFunctionRegistry, type FunctionRegistry } from './registry';

interface ProcessCore {
  coreApi: CoreApi;
  registry: FunctionRegistry;
  setSystemLogSink(sink: SystemLogSink): void;
  ensureRequireHook(): void;
}

let processCore: ProcessCore | undefined;

/**
 * The one `@azure/functions-core` of this process. @azure/functions caches the core API on first use, so an app can
 * be loaded (and register its functions) once per process: like the worker, one app per process.
 * Under jest: `jest.mock('@azure/functions-core', () => require('<repo>/local/runtime/processCoreApi').getProcessCore().coreApi, { virtual: true })`.
 */
export function getProcessCore(): ProcessCore {
  if (processCore) return processCore;
  const registry = createFunctionRegistry();
  let sink: SystemLogSink = (level, _category, message) => process.stderr.write(`[${level}] ${message}\n`);
  const coreApi = createCoreApi(registry, (level, category, message) => sink(level, category, message));
  let hooked = false;
  processCore = {
    coreApi,
    registry,
    setSystemLogSink: (next) => {
      sink = next;
    },
    ensureRequireHook: () => {
      if (hooked) return;
      installCoreApiRequireHook(coreApi);
      hooked = true;
    },
  };
  return processCore;
}
