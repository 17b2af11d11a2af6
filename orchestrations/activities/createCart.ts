// Creates the Partner Center cart for the order. Line-item errors come back inside a successful (201) cart; they are
// returned so the orchestrator can end the order without checking anything out.

import { requestIds } from '../../shared/orders';
import type { CartLineItemInput } from '../../shared/partner-center';
import type { CreateCartInput, CreateCartResult } from './contracts';
import type { OrderActivityDeps } from './deps';
import { throttledOrRejected } from './partnerCenterFailures';

export function createCartActivity(deps: OrderActivityDeps) {
  return async function createCart(input: CreateCartInput): Promise<CreateCartResult> {
    const { instanceId, attempt, request } = input;
    const lineItems: CartLineItemInput[] = request.lineItems.map((item, index) => ({ id: index, ...item }));
    const ctx = { requestId: requestIds.createCart(instanceId, attempt), correlationId: requestIds.correlation(instanceId) };
    try {
      const cart = await deps.partnerCenter.createCart(request.customerId, lineItems, ctx);
      return {
        kind: 'created',
        cartId: cart.id,
        createdAt: cart.creationTimestamp,
        expiresAt: cart.expirationTimestamp,
        lineItemErrors: cart.lineItems.flatMap((line) =>
          line.error === undefined
            ? []
            : [{ lineItemIndex: line.id, code: line.error.errorCode, codeNumber: line.error.errorCodeNumber, description: line.error.errorDescription }],
        ),
      };
    } catch (error) {
      return throttledOrRejected(error);
    }
  };
}
