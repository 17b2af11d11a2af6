// Registers the order workflow with the Functions host: the processOrder orchestration and its activities.

import * as df from 'durable-functions';
import { createOrderActivities, registerOrderActivities, type OrderActivityDeps } from './activities';
import { ORDER_CLAIM_ENTITY, orderClaimEntity } from './orderClaim';
import { PARTNER_CENTER_BUDGET_ENTITY, partnerCenterBudgetEntity } from './partnerCenterBudget';
import { PROCESS_ORDER } from './processOrderContract';
import { processOrder } from './processOrder';

export * from './processOrderContract';

/** The orchestration and the entities it calls: the Partner Center budget and the order-id claim. */
export function registerProcessOrderOrchestration(): void {
  df.app.orchestration(PROCESS_ORDER, processOrder);
  df.app.entity(PARTNER_CENTER_BUDGET_ENTITY, partnerCenterBudgetEntity);
  df.app.entity(ORDER_CLAIM_ENTITY, orderClaimEntity);
}

export function registerOrderWorkflow(deps: OrderActivityDeps): void {
  registerProcessOrderOrchestration();
  registerOrderActivities(createOrderActivities(deps));
}
