// What the cart and checkout steps end with: the cart was submitted (orders to poll), or the order is finished
// (an outcome to publish without polling).

import type { OrderSummary, OutcomeError, OutcomeStatus } from '../shared/orders';
import type { PartnerCenterFailure } from './activities/contracts';
import type { OutcomeDetails } from './outcomePolicy';

export interface Submitted {
  kind: 'submitted';
  cartId: string;
  orders: OrderSummary[];
  errors: OutcomeError[];
  submittedAt: string;
}
export interface Finished {
  kind: 'finished';
  status: OutcomeStatus;
  details: OutcomeDetails;
}
export interface Cart {
  cartId: string;
  expiresAt: string;
}

export const finished = (status: OutcomeStatus, cartId: string | null, errors: OutcomeError[]): Finished => ({
  kind: 'finished',
  status,
  details: { cartId, orders: [], errors, submittedAt: null },
});
export const workflowError = (message: string): OutcomeError => ({ source: 'workflow', message });
export const partnerCenterError = (failure: PartnerCenterFailure): OutcomeError => ({ source: 'partnerCenter', ...failure });
