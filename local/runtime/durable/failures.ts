import type { FailureDetails, TaskFailure } from './historyEvents';

/**
 * An invocation that outlived host.json functionTimeout. The message is the WebJobs SDK's
 * (FunctionExecutor.TryHandleTimeoutAsync: "Timeout value of {0} was exceeded by function: {1}").
 */
export class FunctionTimeoutError extends Error {
  constructor(functionName: string, timeoutMs: number) {
    super(`Timeout value of ${formatTimeSpan(timeoutMs)} was exceeded by function: Functions.${functionName}`);
    this.name = 'FunctionTimeoutException';
  }
}

/** .NET TimeSpan "c" format: [d.]hh:mm:ss[.fffffff]. */
export function formatTimeSpan(ms: number): string {
  const ticks = Math.round(ms * 10_000);
  const totalSeconds = Math.floor(ticks / 10_000_000);
  const fraction = ticks % 10_000_000;
  const days = Math.floor(totalSeconds / 86_400);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(Math.floor((totalSeconds % 86_400) / 3600))}:${pad(Math.floor((totalSeconds % 3600) / 60))}:${pad(totalSeconds % 60)}`;
  return `${days > 0 ? `${days}.` : ''}${clock}${fraction > 0 ? `.${String(fraction).padStart(7, '0')}` : ''}`;
}

/** The host frames under which WorkerFunctionInvoker rethrows a worker's failure (a Functions host 4.x sample). */
const hostInvokerStackTrace = [
  '   at Microsoft.Azure.WebJobs.Script.Description.WorkerFunctionInvoker.InvokeCore(Object[] parameters, FunctionInvocationContext context) in /_/src/WebJobs.Script.Grpc/WorkerFunctionInvoker.cs:line 103',
  '   at Microsoft.Azure.WebJobs.Script.Description.FunctionInvokerBase.Invoke(Object[] parameters) in /_/src/WebJobs.Script/Description/FunctionInvokerBase.cs:line 82',
  '   at Microsoft.Azure.WebJobs.Script.Description.FunctionGenerator.Coerce[T](Task`1 src) in /_/src/WebJobs.Script/Description/FunctionGenerator.cs:line 225',
  '   at Microsoft.Azure.WebJobs.Host.Executors.FunctionInvoker`2.InvokeAsync(Object instance, Object[] arguments) in /_/src/Microsoft.Azure.WebJobs.Host/Executors/FunctionInvoker.cs:line 53',
].join('\n');

/**
 * Builds the TaskFailed payload the Durable extension writes when a Node activity throws, step by step as upstream
 * does it:
 * 1. The Node worker reports `exception { message: err.message, stackTrace: err.stack }` (non-Errors become
 *    `Error(String/JSON)`: nodejs-worker src/setupEventStream.ts, src/errors.ts ensureErrorType).
 * 2. The host turns it into an RpcException whose message is
 *    `Result: Failure\nType: <type>\nException: <message>\nStack: <stack>` (host Workers/Rpc/RpcException.cs).
 * 3. TaskActivityShim strips the FunctionInvocationException and OutOfProcExceptionHelpers takes the "friendly"
 *    text between "\nException:" and "\nStack:" (note the leading space), as `new Exception(friendly, rpcException)`.
 * 4. Reason = `Activity function '<name>' failed: <friendly>`; Details = that exception serialized by the
 *    extension's error converter (Newtonsoft, TypeNameHandling.Objects, TargetSite stripped: System.Exception in its
 *    ISerializable shape, the RpcException inner exception by its properties).
 * The SDK then rejects the task with `Error("<Reason> \n <Details>")`.
 * When the app registered an exception-properties provider, the SDK's activity wrapper has put a failure-details
 * JSON into the message; then `FailureDetails` carries it (→ TaskFailedError).
 */
export function activityFailure(functionName: string, error: unknown): TaskFailure {
  if (error instanceof FunctionTimeoutError) return timeoutFailure(functionName, error);
  const { message, stack } = workerException(error);
  const sdkDetails = parseSdkFailureDetails(message);
  const rpcMessage = `Result: Failure\nType: \nException: ${message}\nStack: ${stack}`;
  const friendly = friendlyMessage(rpcMessage);
  const rpcException = {
    $type: 'Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcException, Microsoft.Azure.WebJobs.Script',
    IsUserException: false,
    RemoteStackTrace: stack,
    RemoteMessage: message,
    RemoteTypeName: null,
    Message: rpcMessage,
    Data: { $type: 'System.Collections.ListDictionaryInternal, System.Private.CoreLib' },
    InnerException: null,
    HelpLink: null,
    Source: 'System.Private.CoreLib',
    HResult: -2146233088,
    StackTrace: hostInvokerStackTrace,
  };
  return {
    Reason: `Activity function '${functionName}' failed: ${friendly}`,
    Details: newtonsoftJson(serializableException('System.Exception, System.Private.CoreLib', 'System.Exception', friendly, rpcException)),
    ...(sdkDetails ? { FailureDetails: sdkDetails } : {}),
  } as TaskFailure;
}

/**
 * A failure the host reports itself (the function does not exist), not one the worker sent: no RpcException, the
 * message as the host words it.
 */
export function hostActivityFailure(functionName: string, message: string): TaskFailure {
  return {
    Reason: `Activity function '${functionName}' failed: ${message}`,
    Details: newtonsoftJson(serializableException('System.Exception, System.Private.CoreLib', 'System.Exception', message, null)),
  } as TaskFailure;
}

/** A timed-out activity: the FunctionTimeoutException itself is reported (FunctionExecutionHelper → TaskActivityShim). */
function timeoutFailure(functionName: string, error: FunctionTimeoutError): TaskFailure {
  const type = 'Microsoft.Azure.WebJobs.Host.FunctionTimeoutException';
  return {
    Reason: `Activity function '${functionName}' failed: ${error.message}`,
    Details: newtonsoftJson(serializableException(`${type}, Microsoft.Azure.WebJobs.Host`, type, error.message, null)),
  } as TaskFailure;
}

/** What the Node worker sends for a thrown value (ensureErrorType). */
function workerException(error: unknown): { message: string; stack: string } {
  if (error instanceof Error) return { message: error.message, stack: error.stack ?? '' };
  let message: string;
  if (error === undefined || error === null) message = 'Unknown error';
  else if (typeof error === 'string') message = error;
  else if (typeof error === 'object') message = JSON.stringify(error);
  else message = String(error);
  return { message, stack: new Error(message).stack ?? '' };
}

/** OutOfProcExceptionHelpers.TryGetExceptionWithFriendlyMessage: the text between the labels, minus $OutOfProcData$. */
function friendlyMessage(rpcMessage: string): string {
  const messageLabel = '\nException:';
  const start = rpcMessage.indexOf(messageLabel) + messageLabel.length;
  const text = rpcMessage.slice(start, rpcMessage.indexOf('\nStack:'));
  const dataAt = text.indexOf('\n\n$OutOfProcData$:');
  return dataAt === -1 ? text : text.slice(0, dataAt);
}

/** System.Exception's ISerializable fields (GetObjectData), in order, as Newtonsoft writes them. */
function serializableException(typeName: string, className: string, message: string, inner: unknown) {
  return {
    $type: typeName,
    ClassName: className,
    Message: message,
    Data: null,
    InnerException: inner,
    HelpURL: null,
    StackTraceString: null,
    RemoteStackTraceString: null,
    RemoteStackIndex: 0,
    ExceptionMethod: null,
    HResult: -2146233088,
    Source: null,
    WatsonBuckets: null,
  };
}

/** JSON.stringify plus the characters Newtonsoft's default string escaping also escapes. */
function newtonsoftJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What a parent orchestration sees when its sub-orchestration failed or was terminated. */
export function subOrchestrationFailure(functionName: string, output: string, details?: FailureDetails): TaskFailure {
  return {
    Reason: output,
    Details: JSON.stringify({ Message: output, FunctionName: functionName, FailureDetails: details ?? null }),
  } as TaskFailure;
}

export function describeError(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) return { name: error.name || 'Error', message: error.message, stack: error.stack };
  if (typeof error === 'string') return { name: 'Error', message: error };
  try {
    return { name: 'Error', message: JSON.stringify(error) };
  } catch {
    return { name: 'Error', message: String(error) };
  }
}

function parseSdkFailureDetails(message: string): FailureDetails | undefined {
  if (!message.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(message) as Record<string, unknown>;
    if (typeof parsed.errorType !== 'string' || typeof parsed.errorMessage !== 'string') return undefined;
    return {
      ErrorType: parsed.errorType,
      ErrorMessage: parsed.errorMessage,
      StackTrace: typeof parsed.stackTrace === 'string' ? parsed.stackTrace : undefined,
      IsNonRetriable: parsed.isNonRetriable === true,
      Properties: (parsed.properties as Record<string, unknown> | undefined) ?? undefined,
    };
  } catch {
    return undefined;
  }
}
