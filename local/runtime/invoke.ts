import { randomUUID } from 'node:crypto';
import type { CoreInvocationContext, RpcBindingInfo, RpcInvocationResponse, RpcLogCategory, RpcLogLevel, RpcTypedData } from './coreApiTypes';
import type { LogFields, RuntimeLogger } from './logger';
import type { FunctionRegistry, RegisteredFunction } from './registry';
import { formatTimeSpan, FunctionTimeoutError } from './durable/failures';

export interface InvocationRequest {
  /** The trigger binding's data, as the host would send it over gRPC. */
  triggerData: RpcTypedData | undefined;
  triggerMetadata?: Record<string, RpcTypedData>;
  /** Data for each non-trigger input binding (e.g. the durable client), or undefined to send none. */
  inputFor?: (binding: RpcBindingInfo, bindingName: string) => RpcTypedData | undefined;
  logFields?: LogFields;
  /** Drops user logs while this returns true for the invocation's context (orchestrator replay). */
  suppressUserLog?: (invocationContext: unknown) => boolean;
}

export interface InvocationOutcome {
  invocationId: string;
  response: RpcInvocationResponse;
}

export interface Invoker {
  invoke(fn: RegisteredFunction, request: InvocationRequest): Promise<InvocationOutcome>;
}

/**
 * Invokes a registered function the way the worker's InvocationHandler does: build the core invocation context,
 * let the programming model convert the inputs (`getArguments`), run the hooks and the handler, and let the model
 * convert the result back (`getResponse`). Bindings therefore convert exactly as in production.
 */
export function createInvoker(
  registry: FunctionRegistry,
  logger: RuntimeLogger,
  appHookData: Record<string, unknown> = {},
  options: { functionTimeoutMs?: number | null } = {},
): Invoker {
  const timeoutMs = options.functionTimeoutMs ?? null;
  return {
    async invoke(fn, request) {
      const model = registry.programmingModel();
      if (!model) throw new Error('The app never set a programming model (did it load @azure/functions?).');
      const invocationId = randomUUID();
      const inputData = [{ name: fn.triggerBindingName, data: request.triggerData }];
      for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
        if (name === fn.triggerBindingName || binding.direction !== 'in') continue;
        const data = request.inputFor?.(binding, name);
        if (data !== undefined) inputData.push({ name, data });
      }
      const fields: LogFields = { functionName: fn.name, invocationId, ...request.logFields };
      const invocation: { context?: unknown } = {};
      const coreContext: CoreInvocationContext = {
        invocationId,
        request: { invocationId, functionId: fn.metadata.functionId ?? fn.name, inputData, triggerMetadata: request.triggerMetadata ?? {} },
        metadata: fn.metadata,
        log(level: RpcLogLevel, category: RpcLogCategory, message: string) {
          if (category === 'user' && invocation.context !== undefined && request.suppressUserLog?.(invocation.context)) return;
          logger.log(level, message, { ...fields, category });
        },
      };

      const invocationModel = model.getInvocationModel(coreContext);
      const args = await invocationModel.getArguments();
      invocation.context = args.context;

      const hookData: Record<string, unknown> = {};
      const pre = { hookData, appHookData, invocationContext: args.context, inputs: args.inputs, functionCallback: fn.callback };
      coreContext.state = 'preInvocationHooks';
      for (const hook of registry.hooks('preInvocation')) await hook(pre);
      coreContext.state = 'invocation';

      let result: unknown;
      let error: unknown;
      const running = invocationModel.invokeFunction(args.context, pre.inputs, pre.functionCallback);
      try {
        result = timeoutMs === null ? await running : await withTimeout(running, timeoutMs, fn.name, invocationId, logger, fields);
      } catch (caught) {
        if (caught instanceof FunctionTimeoutError) {
          // The host gives up on the invocation here (and restarts the worker); the handler cannot be stopped
          // in-process, so its late outcome is only logged, and the post-invocation hooks never run for it.
          running.then(
            () => logger.warn('A timed-out invocation finished after all; its result is discarded.', fields),
            () => logger.warn('A timed-out invocation failed after all; its error is discarded.', fields),
          );
          throw caught;
        }
        error = caught;
      }

      const post = { hookData, appHookData, invocationContext: args.context, inputs: pre.inputs, result, error };
      coreContext.state = 'postInvocationHooks';
      for (const hook of registry.hooks('postInvocation')) await hook(post);
      coreContext.state = undefined;
      if (post.error !== undefined && post.error !== null) throw post.error;

      return { invocationId, response: await invocationModel.getResponse(args.context, post.result) };
    },
  };
}

/** functionTimeout: the WebJobs executor fails the invocation with FunctionTimeoutException once it runs longer. */
function withTimeout<T>(work: Promise<T>, timeoutMs: number, functionName: string, invocationId: string, logger: RuntimeLogger, fields: LogFields): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      logger.error(`Timeout value of ${formatTimeSpan(timeoutMs)} exceeded by function 'Functions.${functionName}' (Id: '${invocationId}'). Initiating cancellation.`, fields);
      reject(new FunctionTimeoutError(functionName, timeoutMs));
    }, timeoutMs);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/** What the host does with an RpcTypedData return value: the JSON value it carries (strings stay strings). */
export function typedDataToValue(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (typeof data.string === 'string') return data.string;
  if (typeof data.json === 'string') return JSON.parse(data.json);
  if (typeof data.int === 'number') return data.int;
  if (typeof data.double === 'number') return data.double;
  if (data.bytes) return Buffer.from(data.bytes).toString('base64');
  return undefined;
}
