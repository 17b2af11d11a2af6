// Creates the Partner Center cart for the order. Line-item errors come back inside a successful (201) cart; they are
// returned so the orchestration can end the order without checking anything out.

import { requestIds, type OrderRequest } from '../../shared/orders';
import type { CartLineItemInput } from '../../shared/partner-center';
import { failedWith, succeeded, type ActivityResult } from './activityResult';
import { logOf, type OrderActivityDeps } from './deps';

export interface CreateCartInput {
  instanceId: string;
  /** 1 for the first cart, 2 for its first replacement...: part of the MS-RequestId. */
  attempt: number;
  request: OrderRequest;
}

export interface LineItemError {
  lineItemIndex: number;
  code: string;
  codeNumber: number;
  description: string;
}

export interface CreatedCart {
  cartId: string;
  expiresAt: string;
  lineItemErrors: LineItemError[];
}

export function createCartActivity(deps: OrderActivityDeps) {
  return async (input: CreateCartInput): Promise<ActivityResult<CreatedCart>> => {
    const { instanceId, attempt, request } = input;
    const lineItems: CartLineItemInput[] = request.lineItems.map((item, index) => ({ id: index, ...item }));
    const ctx = { requestId: requestIds.createCart(instanceId, attempt), correlationId: requestIds.correlation(instanceId) };
    try {
      const cart = await deps.partnerCenter.createCart(request.customerId, lineItems, ctx);
      return succeeded({
        cartId: cart.id,
        expiresAt: cart.expirationTimestamp,
        lineItemErrors: cart.lineItems.flatMap((line) =>
          line.error === undefined
            ? []
            : [{ lineItemIndex: line.id, code: line.error.errorCode, codeNumber: line.error.errorCodeNumber, description: line.error.errorDescription }],
        ),
      });
    } catch (error) {
      return failedWith(error, logOf(deps));
    }
  };
}
