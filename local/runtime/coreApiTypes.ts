/**
 * The subset of `@azure/functions-core` (the module the Node worker provides in-process) that @azure/functions 4.x
 * uses. The package is never published to npm, so its shapes are declared here, after the library's
 * `types-core/index.d.ts` (see shared/reference/durable-functions-protocol.md §1).
 */

export interface RpcHttpData {
  method?: string | null;
  url?: string | null;
  headers?: Record<string, string> | null;
  body?: RpcTypedData | null;
  params?: Record<string, string> | null;
  statusCode?: string | null;
  query?: Record<string, string> | null;
  cookies?: unknown[] | null;
  enableContentNegotiation?: boolean | null;
}

export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  stream?: Uint8Array | null;
  http?: RpcHttpData | null;
  int?: number | null;
  double?: number | null;
}

export interface RpcBindingInfo {
  type?: string | null;
  direction?: 'in' | 'out' | 'inout' | null;
  dataType?: string | null;
  properties?: Record<string, string> | null;
  [option: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  functionId?: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface RpcParameterBinding {
  name: string;
  data?: RpcTypedData | null;
}

export interface RpcInvocationRequest {
  invocationId: string;
  functionId: string;
  inputData: RpcParameterBinding[];
  triggerMetadata: Record<string, RpcTypedData>;
}

export interface RpcInvocationResponse {
  invocationId?: string | null;
  outputData?: RpcParameterBinding[] | null;
  returnValue?: RpcTypedData | null;
}

export type RpcLogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';
export type RpcLogCategory = 'user' | 'system' | 'customMetric';

export interface CoreInvocationContext {
  invocationId: string;
  request: RpcInvocationRequest;
  metadata: FunctionMetadata;
  state?: 'preInvocationHooks' | 'postInvocationHooks' | 'invocation';
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

export interface InvocationArguments {
  context: unknown;
  inputs: unknown[];
}

export interface InvocationModel {
  getArguments(): Promise<InvocationArguments>;
  invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreContext: CoreInvocationContext): InvocationModel;
  getCapabilities?(capabilities: Record<string, string>): Promise<Record<string, string>> | Record<string, string>;
}

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation' | 'log';
export type HookCallback = (context: Record<string, unknown>) => unknown;

export interface Disposable {
  dispose(): void;
}
