import Module from 'node:module';
import type { FunctionCallback, FunctionMetadata, HookCallback, HookName, RpcLogCategory, RpcLogLevel } from './coreApiTypes';
import type { FunctionRegistry } from './registry';

/** Mirrors the worker's `Disposable` (exposed on the core API object). */
export class Disposable {
  #onDispose: (() => void) | undefined;
  constructor(onDispose: () => void) {
    this.#onDispose = onDispose;
  }
  static from(...items: { dispose(): void }[]): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }
  dispose(): void {
    this.#onDispose?.();
    this.#onDispose = undefined;
  }
}

// 'log' hooks are not offered: @azure/functions turns this RangeError into "Log hooks require Host v4.34+".
const knownHooks: HookName[] = ['appStart', 'appTerminate', 'preInvocation', 'postInvocation'];

export type SystemLogSink = (level: RpcLogLevel, category: RpcLogCategory, message: string) => void;

/**
 * The object `require('@azure/functions-core')` returns inside the Node worker (worker `src/setupCoreModule.ts`):
 * @azure/functions calls `setProgrammingModel` once and `registerFunction` per `app.*` registration.
 */
export function createCoreApi(registry: FunctionRegistry, systemLog: SystemLogSink) {
  return {
    version: '3.10.1',
    get hostVersion(): string {
      return '4.1037.0';
    },
    setProgrammingModel: (model: Parameters<FunctionRegistry['setProgrammingModel']>[0]) => registry.setProgrammingModel(model),
    getProgrammingModel: () => registry.programmingModel(),
    registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
      const registered = registry.register(metadata, callback);
      return new Disposable(() => {
        throw new Error(`Function "${registered.name}" cannot be unregistered once registered.`);
      });
    },
    registerHook(hookName: HookName, callback: HookCallback): Disposable {
      if (!knownHooks.includes(hookName)) {
        throw Object.assign(new RangeError(`Unrecognized hook "${hookName}"`), { isAzureFunctionsSystemError: true });
      }
      return new Disposable(registry.addHook(hookName, callback));
    },
    log(level: RpcLogLevel, category: RpcLogCategory, message: string): void {
      systemLog(level, category, message);
    },
    Disposable,
  };
}

export type CoreApi = ReturnType<typeof createCoreApi>;

const coreModuleName = '@azure/functions-core';
type RequireFn = (this: NodeJS.Module, id: string) => unknown;

/**
 * Makes `require('@azure/functions-core')` return `coreApi` in this process, the way the worker patches
 * `Module.prototype.require`. Must run before the app (and so @azure/functions) is loaded: the library caches a
 * failed first lookup and then never registers anything. Under jest this patch is not reached (jest resolves
 * modules itself); there, use `jest.mock(..., { virtual: true })` or run the runtime in a child process.
 */
export function installCoreApiRequireHook(coreApi: CoreApi): () => void {
  const proto = Module.prototype as unknown as { require: RequireFn };
  const original = proto.require;
  proto.require = function patchedRequire(this: NodeJS.Module, id: string): unknown {
    return id === coreModuleName ? coreApi : original.call(this, id);
  };
  return () => {
    proto.require = original;
  };
}
