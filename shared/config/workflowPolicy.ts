// The workflow's timing and retry policy, as the orchestration input carries it. loadConfig builds it once from the
// settings table (shared/config/settings.ts holds every default); the starters put the whole policy into each order's
// input, so every replay and every continue-as-new of an order decides with the values it started with, and a deploy
// that changes a setting never shifts an order in flight. Every duration is in milliseconds, converted once from its
// ISO 8601 setting.

export interface RetryPolicy {
  firstRetryMs: number;
  maxAttempts: number;
  backoffCoefficient: number;
  maxRetryMs: number;
}

export interface WorkflowPolicy {
  /** Check out only while now < expirationTimestamp - margin; otherwise create a new cart. */
  cartExpiryMarginMs: number;
  /** New carts after the first one expired before checkout. */
  cartMaxRecreations: number;
  /** Checkout calls per cart that got an answer; 429s and outages are waited out and never counted. */
  checkoutMaxAttempts: number;
  /** Wait after 409/800064 (another request is processing the cart). */
  cartBusyRetryMs: number;
  /** First wait before looking again for the orders of a cart checked out without our seeing the answer. */
  recoveryRetryMs: number;
  /** How long the order list may take to show them before a partial set is accepted. */
  recoveryWindowMs: number;
  /** Order polling: first interval, doubling per poll up to the cap; orders waiting for people use the slow rate. */
  pollInitialMs: number;
  pollMaxMs: number;
  humanWaitPollMs: number;
  /** From the start of the order: the last moment to wait for Partner Center, for budget or for orders to settle. */
  orderDeadlineMs: number;
  /** Polls per orchestration execution before it continues as new (bounds the history). */
  pollsPerExecution: number;
  /** Waiting out an unavailable Partner Center, Entra ID or Key Vault: first wait, doubling up to the cap. */
  outageRetryInitialMs: number;
  outageRetryMaxMs: number;
  /** Up to this much is added to every 429 and outage wait, so throttled orders do not retry in lockstep. */
  retryJitterMs: number;
  /**
   * The Partner Center budget all orders of the partner tenant share (a Durable entity keyed by `key`), or null when
   * orders do not pace themselves. Each call waits for a slot at `callsPerMinute`, `burst` at once after a quiet spell.
   * `reserveAhead`: a call reserves together with the calls that follow it at once (a checkout after its cart, the
   * rest of a poll round); absent in the inputs of orders started before it existed, which reserve call by call, as
   * their histories did.
   */
  partnerCenterBudget: { key: string; callsPerMinute: number; burst: number; reserveAhead?: boolean } | null;
  /** Host retries of an activity that threw something unexpected (known failures come back as values). */
  activityRetry: RetryPolicy;
  /** Host retries of publishing a result (the topic may be briefly unreachable). */
  publishRetry: RetryPolicy;
}
