// What the outside world knows about the processOrder orchestration: its name, input, the event that cancels it and
// the custom status it keeps (which the status and cancel endpoints read).

import type { OrderRequest, OrderSummary, OutcomeError, OutcomeStatus } from '../shared/orders';
import type { WorkflowPolicy } from './policy';

export const PROCESS_ORDER = 'processOrder';
export const CANCEL_EVENT = 'cancel';

export interface ProcessOrderInput {
  request: OrderRequest;
  /** When the starter accepted the order (ISO), reported in the outcome. */
  receivedAt: string;
  policy?: Partial<WorkflowPolicy>;
  /** Present after continue-as-new: where polling left off. */
  resume?: PollingState;
}

/** Everything polling needs, carried across continue-as-new. */
export interface PollingState {
  cartId: string;
  submittedAt: string;
  deadline: string;
  orders: OrderSummary[];
  /** Errors known so far (order groups refused at checkout). */
  errors: OutcomeError[];
  pollCount: number;
  cartAttempts: number;
  checkoutAttempts: number;
  lastError: string | null;
}

export const STAGES = ['creatingCart', 'checkingOut', 'recoveringOrders', 'waitingForOrders', 'publishing', 'finished'] as const;
export type Stage = (typeof STAGES)[number];

/** Before checkout an order can still be cancelled; from checkout on it is with Partner Center. */
export const CANCELLABLE_STAGES: ReadonlySet<Stage> = new Set(['creatingCart']);

export interface OrderCustomStatus {
  stage: Stage;
  orderId: string;
  cartId: string | null;
  cartExpiresAt: string | null;
  orders: { id: string; status: string }[];
  attempts: { cart: number; checkout: number; polls: number };
  /** The last problem seen (Partner Center's description or the workflow's reason); never secrets. */
  lastError: string | null;
  /** When the orchestration looks again (polling, throttling or busy waits). */
  nextCheckAt: string | null;
  outcome: OutcomeStatus | null;
}
