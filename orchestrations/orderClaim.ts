// One ERP order id, one purchase, for ever: a Durable entity per order instance id that remembers the first start of
// the order. The starters look before they start, but the Durable extension has no setting that refuses a start over a
// finished instance (overridableExistingInstanceStates NonRunningStates lets a start overwrite a Completed one; AnyState
// overwrites anything), and an operator may purge an order's history. The claim closes both: whatever start reaches
// processOrder second (a start that raced a finished order, or the same id posted after a purge) finds the claim taken
// and buys nothing. Entities are kept apart from instance history, so purging an instance leaves its claim.

import type * as df from 'durable-functions';

export const ORDER_CLAIM_ENTITY = 'orderClaim';

export interface OrderClaim {
  /** The start that claimed the order id (the starter's random id). */
  startId: string;
  /** When that start's orchestration claimed it (its own clock). */
  claimedAt: string;
}

export interface ClaimRequest {
  startId: string;
  at: string;
}

/** The claim after a request: the first request's, whoever asks. */
export const claimAfter = (claim: OrderClaim | undefined, request: ClaimRequest): OrderClaim => claim ?? { startId: request.startId, claimedAt: request.at };

export function orderClaimEntity(context: df.EntityContext<OrderClaim | null>): void {
  const current = (context.df.getState(() => null) as OrderClaim | null) ?? undefined;
  switch (context.df.operationName) {
    case 'claim': {
      const claim = claimAfter(current, context.df.getInput() as ClaimRequest);
      context.df.setState(claim);
      context.df.return(claim);
      return;
    }
    case 'get':
      context.df.return(current ?? null);
      return;
    default:
      throw new Error(`${ORDER_CLAIM_ENTITY} has no operation '${context.df.operationName}'`);
  }
}
