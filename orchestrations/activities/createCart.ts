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
  /** The line's position in the order request. */
  lineItemIndex: number;
  /** The cart line id (the request's `id`, else the position). */
  lineItemId: number;
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
    // The ERP's line ids are kept as the cart's line ids; without them a line's id is its position.
    const lineItems: CartLineItemInput[] = request.lineItems.map((item, index) => ({ ...item, id: item.id ?? index }));
    const ctx = { requestId: requestIds.createCart(instanceId, attempt), correlationId: requestIds.correlation(instanceId) };
    const cartOptions = request.partnerOnRecordAttestationAccepted === undefined ? {} : { partnerOnRecordAttestationAccepted: request.partnerOnRecordAttestationAccepted };
    try {
      const cart = await deps.partnerCenter.createCart(request.customerId, lineItems, ctx, cartOptions);
      return succeeded({
        cartId: cart.id,
        expiresAt: cart.expirationTimestamp,
        lineItemErrors: cart.lineItems.flatMap((line) => {
          if (line.error === undefined) return [];
          const index = lineItems.findIndex((item) => item.id === line.id);
          const { errorCode, errorCodeNumber, errorDescription } = line.error;
          return [{ lineItemIndex: index === -1 ? line.id : index, lineItemId: line.id, code: errorCode, codeNumber: errorCodeNumber, description: errorDescription }];
        }),
      });
    } catch (error) {
      return failedWith(error, logOf(deps));
    }
  };
}
