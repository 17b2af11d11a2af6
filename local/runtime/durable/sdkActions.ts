/** Action JSON the durable-functions SDK returns in OrchestratorState.actions (lib/src/actions/*; reference §2). */
export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  WhenAny = 11,
  WhenAll = 12,
  LockEntities = 13,
  ReleaseEntities = 14,
}

export interface RetryOptionsJson {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export interface SdkAction {
  actionType: ActionType;
  functionName?: string;
  input?: unknown;
  retryOptions?: RetryOptionsJson;
  instanceId?: string;
  version?: string;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  /** CallEntity / SignalEntity: the operation name (instanceId is then the entity's "@name@key"). */
  operation?: string;
  compoundActions?: SdkAction[];
}

/** The orchestrator's return value (lib/src/orchestrations/OrchestratorState.js). */
export interface OrchestratorStateJson {
  isDone: boolean;
  actions: SdkAction[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion?: number;
  failureDetails?: { ErrorType?: string; ErrorMessage?: string; StackTrace?: string };
}

/**
 * DTFx RetryInterceptor delay for the retry after attempt `retryCount` (0-based): first * backoff^retryCount,
 * capped at maxRetryInterval; 0 once retryTimeout has elapsed since the first attempt.
 */
export function retryDelayMs(options: RetryOptionsJson, retryCount: number, firstAttemptAt: number, now: number): number {
  if (options.retryTimeoutInMilliseconds !== undefined && now >= firstAttemptAt + options.retryTimeoutInMilliseconds) return 0;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(options.backoffCoefficient ?? 1, retryCount);
  const cap = options.maxRetryIntervalInMilliseconds;
  return cap !== undefined && cap > 0 && delay > cap ? cap : delay;
}

/** Values an action input takes on its way to the callee: the SDK JSON-encodes string inputs (Utils.processInput). */
export function decodeSdkInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}
