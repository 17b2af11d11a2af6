import type { FailureDetails, TaskFailure } from './historyEvents';

/**
 * Builds the TaskFailed payload for an activity that threw. The extension reports `Reason` ("Activity function
 * '<name>' failed: <message>") and `Details` (the serialized exception); the SDK turns them into
 * `Error("<Reason> \n <Details>")`. When the app registered an exception-properties provider, the SDK's activity
 * wrapper has put a failure-details JSON into the message; then `FailureDetails` carries it (→ TaskFailedError).
 */
export function activityFailure(functionName: string, error: unknown): TaskFailure {
  const { name, message, stack } = describeError(error);
  const sdkDetails = parseSdkFailureDetails(message);
  const shownMessage = sdkDetails ? sdkDetails.ErrorMessage : message;
  return {
    Reason: `Activity function '${functionName}' failed: ${name}: ${shownMessage}`,
    Details: JSON.stringify({ Message: `${name}: ${shownMessage}`, StackTrace: sdkDetails?.StackTrace ?? stack ?? null }),
    ...(sdkDetails ? { FailureDetails: sdkDetails } : {}),
  } as TaskFailure;
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
