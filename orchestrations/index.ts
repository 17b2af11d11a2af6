// Registers the order workflow with the Functions host: the processOrder orchestration and its activities.

import * as df from 'durable-functions';
import { createOrderActivities, registerOrderActivities, type OrderActivityDeps } from './activities';
import { PARTNER_CENTER_BUDGET_ENTITY, partnerCenterBudgetEntity } from './partnerCenterBudget';
import { PROCESS_ORDER } from './processOrderContract';
import { processOrder } from './processOrder';

export * from './processOrderContract';

/** The orchestration and the Partner Center budget entity it calls. */
export function registerProcessOrderOrchestration(): void {
  df.app.orchestration(PROCESS_ORDER, processOrder);
  df.app.entity(PARTNER_CENTER_BUDGET_ENTITY, partnerCenterBudgetEntity);
}

export function registerOrderWorkflow(deps: OrderActivityDeps): void {
  registerProcessOrderOrchestration();
  registerOrderActivities(createOrderActivities(deps));
}
