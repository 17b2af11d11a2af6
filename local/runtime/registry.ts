import type { FunctionCallback, FunctionMetadata, HookCallback, HookName, ProgrammingModel, RpcBindingInfo } from './coreApiTypes';

/** One function as the app registered it through `app.*` / `df.app.*`: the host's view of it. */
export interface RegisteredFunction {
  name: string;
  metadata: FunctionMetadata;
  callback: FunctionCallback;
  triggerBindingName: string;
  trigger: RpcBindingInfo & { type: string };
}

export interface FunctionRegistry {
  register(metadata: FunctionMetadata, callback: FunctionCallback): RegisteredFunction;
  get(name: string): RegisteredFunction | undefined;
  list(): RegisteredFunction[];
  byTriggerType(type: string): RegisteredFunction[];
  setProgrammingModel(model: ProgrammingModel): void;
  programmingModel(): ProgrammingModel | undefined;
  addHook(name: HookName, callback: HookCallback): () => void;
  hooks(name: HookName): HookCallback[];
  /** After the app has loaded the host stops indexing, as the worker does. */
  lock(): void;
}

export function createFunctionRegistry(): FunctionRegistry {
  const functions = new Map<string, RegisteredFunction>();
  const hooks = new Map<HookName, HookCallback[]>();
  let model: ProgrammingModel | undefined;
  let locked = false;

  return {
    register(metadata, callback) {
      if (locked) {
        throw new Error(`A function can only be registered during app startup (function "${metadata.name}").`);
      }
      const name = metadata.name;
      // Function names are case-insensitive in the host.
      if ([...functions.keys()].some((existing) => existing.toLowerCase() === name.toLowerCase())) {
        throw new Error(`A function with the name "${name}" has already been registered.`);
      }
      const triggers = Object.entries(metadata.bindings ?? {}).filter(([, b]) => /trigger$/i.test(String(b.type)));
      if (triggers.length !== 1) {
        throw new Error(`Function "${name}" must have exactly one trigger binding, found ${triggers.length}.`);
      }
      const [triggerBindingName, trigger] = triggers[0];
      const registered: RegisteredFunction = {
        name,
        metadata: { ...metadata, functionId: metadata.functionId ?? name },
        callback,
        triggerBindingName,
        trigger: trigger as RpcBindingInfo & { type: string },
      };
      functions.set(name, registered);
      return registered;
    },
    get(name) {
      return functions.get(name) ?? [...functions.values()].find((f) => f.name.toLowerCase() === name.toLowerCase());
    },
    list() {
      return [...functions.values()];
    },
    byTriggerType(type) {
      return [...functions.values()].filter((f) => f.trigger.type.toLowerCase() === type.toLowerCase());
    },
    setProgrammingModel(next) {
      model = next;
    },
    programmingModel() {
      return model;
    },
    addHook(name, callback) {
      const list = hooks.get(name) ?? [];
      list.push(callback);
      hooks.set(name, list);
      return () => {
        const index = list.indexOf(callback);
        if (index >= 0) list.splice(index, 1);
      };
    },
    hooks(name) {
      return [...(hooks.get(name) ?? [])];
    },
    lock() {
      locked = true;
    },
  };
}
