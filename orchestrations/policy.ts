// The workflow's timing and retry settings. They travel in the orchestration input (the starter resolves them from
// configuration once), so every replay and every continue-as-new of an order sees the same values: an orchestrator
// must never read settings itself.

export interface ActivityRetryPolicy {
  firstRetryMs: number;
  maxAttempts: number;
  backoffCoefficient: number;
  maxRetryMs: number;
}

export interface WorkflowPolicy {
  /** Check out only while now < expirationTimestamp - margin; otherwise recreate the cart. */
  cartExpiryMarginSeconds: number;
  /** Carts created for one order at most (the first plus recreations after expiry). */
  maxCartAttempts: number;
  /** Checkout calls per cart at most (after busy answers and unknown outcomes). */
  maxCheckoutAttempts: number;
  /** Durable-timer waits for 429 per step before the order fails. */
  maxThrottleWaits: number;
  /** Wait after 409/800064 (another request is processing the cart). */
  busyRetrySeconds: number;
  /** How often and how long to look for the orders of an already submitted cart (the order list lags ≤ 15 min). */
  recoveryRetrySeconds: number;
  recoveryWindowSeconds: number;
  /** Order polling: first interval, doubling up to the cap; orders waiting for people are polled at the slow rate. */
  pollInitialSeconds: number;
  pollMaxSeconds: number;
  humanWaitPollSeconds: number;
  /** From the start of the instance to `timedOut`. */
  orderDeadlineSeconds: number;
  /** Polls per orchestration execution before it continues as new (bounds the history). */
  pollsPerExecution: number;
  activityRetry: ActivityRetryPolicy;
  publishRetry: ActivityRetryPolicy;
}

export const DEFAULT_WORKFLOW_POLICY: WorkflowPolicy = {
  cartExpiryMarginSeconds: 5 * 60,
  maxCartAttempts: 3,
  maxCheckoutAttempts: 6,
  maxThrottleWaits: 20,
  busyRetrySeconds: 30,
  recoveryRetrySeconds: 120,
  recoveryWindowSeconds: 20 * 60,
  pollInitialSeconds: 30,
  pollMaxSeconds: 15 * 60,
  humanWaitPollSeconds: 60 * 60,
  orderDeadlineSeconds: 7 * 86_400,
  pollsPerExecution: 25,
  activityRetry: { firstRetryMs: 5_000, maxAttempts: 5, backoffCoefficient: 2, maxRetryMs: 60_000 },
  publishRetry: { firstRetryMs: 5_000, maxAttempts: 10, backoffCoefficient: 2, maxRetryMs: 5 * 60_000 },
};

/** Settings given in the input win; anything missing falls back to the defaults. */
export function resolvePolicy(given: Partial<WorkflowPolicy> | undefined): WorkflowPolicy {
  return { ...DEFAULT_WORKFLOW_POLICY, ...given };
}
