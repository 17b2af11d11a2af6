// Registers the order workflow with the Functions host: the processOrder orchestration and its activities.

import * as df from 'durable-functions';
import { createOrderActivities, registerOrderActivities, type OrderActivityDeps } from './activities';
import { PROCESS_ORDER } from './processOrderContract';
import { processOrder } from './processOrder';

export * from './processOrderContract';

export function registerProcessOrderOrchestration(): void {
  df.app.orchestration(PROCESS_ORDER, processOrder);
}

export function registerOrderWorkflow(deps: OrderActivityDeps): void {
  registerProcessOrderOrchestration();
  registerOrderActivities(createOrderActivities(deps));
}
