// One Partner Center budget per partner tenant, shared by every order on every instance of the app: a Durable entity
// (state in the task hub, so it holds across scale-out and restarts) that hands out call slots. Partner Center limits a
// partner tenant to about 500 requests per minute on order resources and counts refused requests too, so orders ask
// for a slot before each call and wait on a durable timer until it, instead of being throttled and retrying.
//
// The schedule is the generic cell rate algorithm: `tat` is when the budget would next be fully unused; c calls made
// together may go once the last of them conforms, at max(now, tat + (c - 1) intervals - burst tolerance), and move tat
// on by c intervals. Callers reserve at most a burst's worth at once, so a reservation never goes later than tat. The
// caller's orchestration time is the clock (entities have none of their own that replays), and the rate travels in
// each request, from the policy in the order's input.

import type * as df from 'durable-functions';

export const PARTNER_CENTER_BUDGET_ENTITY = 'partnerCenterBudget';

export interface BudgetState {
  /** Theoretical arrival time (ms since the epoch) of the next call at the steady rate. */
  tat: number;
  /** Slots handed out, for operators. */
  reserved: number;
}

export interface ReserveRequest {
  /** The caller's current (orchestration) time, ISO. */
  now: string;
  /** Partner Center calls the caller is about to make together (at most `burst`). */
  cost: number;
  callsPerMinute: number;
  /** Calls that may go at once after a quiet spell. */
  burst: number;
}

/** The slot (ISO) for a request, and the budget after it. Pure, so it can be tested alone. */
export function reserveSlot(state: BudgetState, request: ReserveRequest): { slot: string; state: BudgetState } {
  const now = Date.parse(request.now);
  const intervalMs = 60_000 / Math.max(request.callsPerMinute, 1);
  const toleranceMs = Math.max(request.burst - 1, 0) * intervalMs;
  const cost = Math.max(request.cost, 1);
  const tat = Math.max(state.tat, now);
  const slot = Math.max(now, tat + (cost - 1) * intervalMs - toleranceMs);
  return { slot: new Date(Math.ceil(slot)).toISOString(), state: { tat: Math.max(tat, slot) + cost * intervalMs, reserved: state.reserved + 1 } };
}

export function partnerCenterBudgetEntity(context: df.EntityContext<BudgetState>): void {
  const state = context.df.getState(() => ({ tat: 0, reserved: 0 })) as BudgetState;
  switch (context.df.operationName) {
    case 'reserve': {
      const reserved = reserveSlot(state, context.df.getInput() as ReserveRequest);
      context.df.setState(reserved.state);
      context.df.return(reserved.slot);
      return;
    }
    case 'get':
      context.df.return(state);
      return;
    default:
      throw new Error(`${PARTNER_CENTER_BUDGET_ENTITY} has no operation '${context.df.operationName}'`);
  }
}
