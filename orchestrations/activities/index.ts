// Builds the order activities over their dependencies and registers them with the Functions host. The keys of
// createOrderActivities are the activity names; the orchestration's typed proxy is built from this object's type.

import * as df from 'durable-functions';
import { checkoutCartActivity } from './checkoutCart';
import { createCartActivity } from './createCart';
import type { OrderActivityDeps } from './deps';
import { findCartOrdersActivity } from './findCartOrders';
import { getOrderActivity } from './getOrder';
import { publishResultActivity } from './publishResult';

export type { OrderActivityDeps } from './deps';

export function createOrderActivities(deps: OrderActivityDeps) {
  return {
    createCart: createCartActivity(deps),
    checkoutCart: checkoutCartActivity(deps),
    findCartOrders: findCartOrdersActivity(deps),
    getOrder: getOrderActivity(deps),
    publishResult: publishResultActivity(deps),
  };
}
export type OrderActivities = ReturnType<typeof createOrderActivities>;

/** Registers each activity under its key (`df.app.activity`, so the real host and the local runtime run it). */
export function registerOrderActivities(activities: OrderActivities): void {
  for (const [name, handler] of Object.entries(activities)) {
    df.app.activity(name, { handler: handler as (input: unknown) => Promise<unknown> });
  }
}
