// Builds the order activities over their dependencies and registers them with the Functions host.

import * as df from 'durable-functions';
import { ACTIVITY } from './contracts';
import type { OrderActivityDeps } from './deps';
import { createCartActivity } from './createCart';
import { checkoutCartActivity } from './checkoutCart';
import { recoverOrdersActivity } from './recoverOrders';
import { getOrderStatusActivity } from './getOrderStatus';
import { publishResultActivity } from './publishResult';

export type { OrderActivityDeps } from './deps';

export function createOrderActivities(deps: OrderActivityDeps) {
  return {
    [ACTIVITY.createCart]: createCartActivity(deps),
    [ACTIVITY.checkoutCart]: checkoutCartActivity(deps),
    [ACTIVITY.recoverOrders]: recoverOrdersActivity(deps),
    [ACTIVITY.getOrderStatus]: getOrderStatusActivity(deps),
    [ACTIVITY.publishResult]: publishResultActivity(deps),
  };
}
export type OrderActivities = ReturnType<typeof createOrderActivities>;

/** Registers each activity under its contract name (`df.app.activity`, so the real host and the local runtime run it). */
export function registerOrderActivities(activities: OrderActivities): void {
  for (const [name, handler] of Object.entries(activities)) {
    df.app.activity(name, { handler: handler as (input: unknown) => Promise<unknown> });
  }
}
