// Progress lines for people: one line each time an order's view (GET /api/orders/{orderId}) shows something new:
// queued, cart created, checking out, the Partner Center order ids once checked out, what it waits for, the outcome.
// Used by `npm run order -- --watch` and by `npm start`'s live progress.

import type { OrderView } from '../../functions/orderView';

const WAITS: Record<string, string> = {
  partnerCenterThrottling: 'Partner Center throttling (429)',
  partnerCenterOutage: 'Partner Center to answer again (outage)',
  credentialsOutage: 'Entra ID / Key Vault to answer again',
  cartBusy: 'the cart (another request holds it)',
  orderList: "the order to appear in Partner Center's order list",
  orders: 'the orders to complete',
  peopleToAct: 'people to act (e.g. a purchase order to upload)',
  resultsTopic: 'Service Bus to take the outcome (it is decided)',
};

const STAGES: Record<string, string> = {
  queued: 'queued',
  creatingCart: 'creating the cart',
  checkingOut: 'checking out',
  recoveringOrders: "looking for the cart's orders (checkout answer lost)",
  waitingForOrders: 'checked out, waiting for the orders',
  publishing: 'publishing the outcome',
  finished: 'finished',
};

/** What changed between two views of one order, as sentences (empty when nothing a person cares about changed). */
export function progressLines(previous: OrderView | undefined, next: OrderView): string[] {
  const lines: string[] = [];
  // What happened first comes first: the cart, then the orders checkout returned, then the stage the order is in now.
  if (next.cartId && next.cartId !== previous?.cartId) lines.push(`cart created: ${next.cartId}`);
  const orderIds = next.orders.map((o) => o.id).join(', ');
  if (orderIds && orderIds !== (previous?.orders ?? []).map((o) => o.id).join(', ')) lines.push(`checked out: Partner Center order(s) ${orderIds}`);
  if (!previous || previous.stage !== next.stage) {
    if (next.stage !== 'finished') lines.push(STAGES[next.stage] ?? next.stage);
  }
  if (next.waitingFor && (next.waitingFor !== previous?.waitingFor)) {
    lines.push(`waiting for ${WAITS[next.waitingFor] ?? next.waitingFor}${next.nextCheckAt ? `, next check ${next.nextCheckAt}` : ''}`);
  }
  // While the outcome is being published the view already names it, but its errors and subscriptions come with the
  // finished order: the outcome line waits for that.
  const outcome = next.stage === 'publishing' ? null : next.outcome;
  const previousOutcome = previous?.stage === 'publishing' ? null : previous?.outcome;
  if (next.lastError && next.lastError !== previous?.lastError && !outcome) lines.push(`problem: ${next.lastError}`);
  if (outcome && outcome !== previousOutcome) {
    const subscriptions = next.orders.flatMap((o) => o.subscriptionIds ?? []);
    const errors = (next.errors as { reason?: string; message?: string; description?: string; field?: string }[])
      .map((e) => [e.reason, e.message ?? e.description ?? e.field].filter(Boolean).join(': '))
      .filter(Boolean);
    lines.push(`outcome: ${outcome}${subscriptions.length ? `, subscription(s) ${subscriptions.join(', ')}` : ''}${errors.length ? ` (${errors.join('; ')})` : ''}`);
  } else if (!outcome && ['Failed', 'Terminated'].includes(next.runtimeStatus) && previous?.runtimeStatus !== next.runtimeStatus) {
    lines.push(`the workflow ${next.runtimeStatus.toLowerCase()} without an outcome${next.lastError ? `: ${next.lastError}` : ''}`);
  }
  return lines;
}

/** The process exit code for an outcome: 0 only for completed. */
export const OUTCOME_EXIT_CODES: Record<string, number> = {
  completed: 0,
  partiallyCompleted: 2,
  failed: 3,
  cancelled: 4,
  timedOut: 5,
  unknown: 6,
};
export const REJECTED_EXIT_CODE = 7;
export const ERROR_EXIT_CODE = 1;
