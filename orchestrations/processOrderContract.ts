// What the outside world knows about the processOrder orchestration: its name, its input, the event that cancels it
// and the custom status it shows (which the status and cancel endpoints read).

import type { WorkflowPolicy } from '../shared/config';
import type { OrderOutcome, OrderRequest, OrderSummary, OutcomeError, OutcomeStatus } from '../shared/orders';

export const PROCESS_ORDER = 'processOrder';
export const CANCEL_EVENT = 'cancel';
/**
 * Raised by POST /api/orders/{orderId}/purchase-order once Partner Center has the purchase order: the orchestration
 * polls at once instead of at the slow rate it keeps while orders wait for people.
 */
export const PURCHASE_ORDER_UPLOADED_EVENT = 'purchaseOrderUploaded';

export interface ProcessOrderInput {
  request: OrderRequest;
  /** When the starter accepted the order (ISO), reported in the outcome. */
  receivedAt: string;
  /** The whole policy, resolved by the starter: an order decides with the values it started with. */
  policy: WorkflowPolicy;
  /** Present after continue-as-new: where polling left off. */
  resume?: PollingState;
  /** Present after continue-as-new while the decided outcome could not be published yet: it is published again. */
  publishing?: PublishingState;
  /**
   * A random id of this start, set by the starters: the order-id claim is taken with it, and a second start of the same
   * order id buys nothing. Inputs without it (orders started before the claim existed) do not claim.
   */
  startId?: string;
}

/** What an instance returns when its order id was already claimed by another start: nothing was bought. */
export interface DuplicateStart {
  kind: 'duplicateStart';
  orderId: string;
  /** When the start that owns the order id claimed it. */
  claimedAt: string;
}

/** Everything polling needs, carried across continue-as-new. */
export interface PollingState {
  /** The order's deadline, fixed when it started. */
  deadline: string;
  cartId: string;
  submittedAt: string;
  orders: OrderSummary[];
  /** Errors known so far (order groups refused at checkout, orders missing from a recovered cart). */
  errors: OutcomeError[];
  attempts: Attempts;
  lastError: string | null;
  /** A wait for Partner Center's Retry-After or an outage's backoff that was due when the execution ended. */
  retry?: { at: string; for: Wait };
  /** Outage waits in a row so far, so the backoff goes on where it was. */
  outages?: number;
}

/** The outcome decided in an earlier execution that Service Bus has not taken yet, carried across continue-as-new. */
export interface PublishingState {
  /** The message, the same on every attempt (its derived id lets the topic drop a copy). */
  message: OrderOutcome;
  /** Outage waits in a row so far, so the backoff goes on where it was. */
  outages: number;
}

export interface Attempts {
  cart: number;
  checkout: number;
  polls: number;
}

export const STAGES = ['creatingCart', 'checkingOut', 'recoveringOrders', 'waitingForOrders', 'publishing', 'finished'] as const;
export type Stage = (typeof STAGES)[number];

/** Before checkout an order can still be cancelled; from checkout on it is with Partner Center. */
export const CANCELLABLE_STAGES: ReadonlySet<Stage> = new Set(['creatingCart']);

/** What the order is waiting for while `nextCheckAt` is set. */
export const WAITS = ['partnerCenterBudget', 'partnerCenterThrottling', 'partnerCenterOutage', 'credentialsOutage', 'cartBusy', 'orderList', 'orders', 'peopleToAct', 'resultsTopic'] as const;
export type Wait = (typeof WAITS)[number];

/** Derived from the orchestration's local state each time it changes; never read back by the orchestration. */
export interface OrderCustomStatus {
  stage: Stage;
  orderId: string;
  cartId: string | null;
  cartExpiresAt: string | null;
  orders: { id: string; status: string }[];
  attempts: Attempts;
  /** The last problem seen, short (Partner Center's description or the workflow's reason); never secrets. */
  lastError: string | null;
  waitingFor: Wait | null;
  /** When the orchestration looks again. */
  nextCheckAt: string | null;
  outcome: OutcomeStatus | null;
}

const POLICY_NUMBERS = [
  'cartExpiryMarginMs',
  'cartMaxRecreations',
  'checkoutMaxAttempts',
  'cartBusyRetryMs',
  'recoveryRetryMs',
  'recoveryWindowMs',
  'pollInitialMs',
  'pollMaxMs',
  'humanWaitPollMs',
  'orderDeadlineMs',
  'pollsPerExecution',
  'outageRetryInitialMs',
  'outageRetryMaxMs',
  'retryJitterMs',
] as const satisfies readonly (keyof WorkflowPolicy)[];
const RETRY_NUMBERS = ['firstRetryMs', 'maxAttempts', 'backoffCoefficient', 'maxRetryMs'] as const;

/**
 * The input, checked at the orchestration's boundary: the starters always send a whole policy, but an instance can also
 * be started through the Durable HTTP API by an operator. A malformed input fails the instance with every problem
 * named, before anything is bought.
 */
export function decodeProcessOrderInput(raw: unknown): ProcessOrderInput {
  const problems: string[] = [];
  const input = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<ProcessOrderInput>;
  const request = input.request as Partial<OrderRequest> | undefined;
  if (typeof request?.orderId !== 'string' || typeof request.customerId !== 'string' || !Array.isArray(request.lineItems)) {
    problems.push('request must be a validated order request (orderId, customerId, lineItems)');
  }
  if (typeof input.receivedAt !== 'string' || Number.isNaN(Date.parse(input.receivedAt))) problems.push('receivedAt must be an ISO date-time');
  if (input.startId !== undefined && (typeof input.startId !== 'string' || input.startId.length === 0)) problems.push('startId must be a non-empty string when given');
  const publishing = input.publishing as Partial<PublishingState> | undefined;
  if (publishing !== undefined && (publishing?.message?.kind !== 'outcome' || typeof publishing.message.status !== 'string' || typeof publishing.outages !== 'number')) {
    problems.push('publishing must be { message: an outcome, outages: a number } when given');
  }
  const policy = (typeof input.policy === 'object' && input.policy !== null ? input.policy : {}) as Partial<Record<string, unknown>>;
  for (const name of POLICY_NUMBERS) {
    if (typeof policy[name] !== 'number' || !Number.isFinite(policy[name])) problems.push(`policy.${name} must be a number`);
  }
  const budget = policy.partnerCenterBudget as Partial<Record<string, unknown>> | null | undefined;
  if (budget !== null && budget !== undefined && (typeof budget.key !== 'string' || typeof budget.callsPerMinute !== 'number' || typeof budget.burst !== 'number')) {
    problems.push('policy.partnerCenterBudget must be null or { key, callsPerMinute, burst }');
  }
  if (budget !== null && budget !== undefined && budget.reserveAhead !== undefined && typeof budget.reserveAhead !== 'boolean') {
    problems.push('policy.partnerCenterBudget.reserveAhead must be a boolean when given');
  }
  for (const retry of ['activityRetry', 'publishRetry'] as const) {
    const value = (policy[retry] ?? {}) as Partial<Record<string, unknown>>;
    for (const name of RETRY_NUMBERS) if (typeof value[name] !== 'number') problems.push(`policy.${retry}.${name} must be a number`);
  }
  if (problems.length > 0) throw new Error(`processOrder input is not valid: ${problems.join('; ')}`);
  return input as ProcessOrderInput;
}
