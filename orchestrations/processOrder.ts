// The order workflow, top-down: create the cart, check it out before it expires, poll the orders until they settle,
// publish the outcome. A deterministic generator: everything it does goes through context.df (activities, durable
// timers, the cancel event, custom status), so the Durable runtime can replay it after every step.
//
// Follow one order: functions/ordersQueueStart.ts (trigger) → this file → orchestrations/activities/*.ts →
// shared/partner-center/client.ts.

import type { OrchestrationContext } from 'durable-functions';
import type { OrderOutcome, OutcomeStatus, SubmittedMilestone } from '../shared/orders';
import { ACTIVITY } from './activities/contracts';
import { createCartAndCheckOut, type Submitted } from './cartSteps';
import type { PollingState } from './contracts';
import { callActivity, type OrderRun, type Step, startRun } from './orderRun';
import { buildOutcome, orderStatusErrors, settledStatus, type OutcomeDetails } from './outcomePolicy';
import { pollUntilSettled } from './pollingSteps';
import { addSeconds, isoOf } from './time';

export function* processOrder(context: OrchestrationContext): Step<OrderOutcome | undefined> {
  const run = startRun(context);
  let state = run.input.resume;
  if (state === undefined) {
    const checkout = yield* createCartAndCheckOut(run);
    if (checkout.kind === 'finished') return yield* publishOutcome(run, checkout.status, checkout.details);
    yield* publishSubmitted(run, checkout);
    state = initialPollingState(run, checkout);
  }

  const polling = yield* pollUntilSettled(run, state);
  if (polling.kind === 'continuedAsNew') return undefined;
  const { orders, errors, cartId, submittedAt } = polling.state;
  const details: OutcomeDetails = { cartId, orders, submittedAt, errors: [...errors, ...orderStatusErrors(orders)] };
  if (polling.kind === 'timedOut') {
    details.errors.push({ source: 'workflow', message: `orders had not settled by the deadline ${polling.state.deadline}` });
    return yield* publishOutcome(run, 'timedOut', details);
  }
  const orderGroupErrors = errors.filter((e) => e.source === 'orderGroup').length;
  return yield* publishOutcome(run, settledStatus(orders, orderGroupErrors), details);
}

function initialPollingState(run: OrderRun, checkout: Submitted): PollingState {
  // The deadline counts on the orchestration's own clock, from the moment the instance started.
  return {
    cartId: checkout.cartId,
    submittedAt: checkout.submittedAt,
    deadline: isoOf(addSeconds(run.startedAt, run.policy.orderDeadlineSeconds)),
    orders: checkout.orders,
    errors: checkout.errors,
    pollCount: 0,
    cartAttempts: run.status.attempts.cart,
    checkoutAttempts: run.status.attempts.checkout,
    lastError: null,
  };
}

/** The `submitted` milestone tells the ERP its Partner Center order ids early. Its loss does not fail the order. */
function* publishSubmitted(run: OrderRun, checkout: Submitted): Step<void> {
  const { orderId, customerId } = run.input.request;
  const milestone: SubmittedMilestone = {
    kind: 'submitted',
    orderId,
    customerId,
    instanceId: run.instanceId,
    cartId: checkout.cartId,
    orders: checkout.orders,
    errors: checkout.errors,
    submittedAt: checkout.submittedAt,
  };
  const call = yield* callActivity(run, ACTIVITY.publishResult, milestone, run.policy.publishRetry);
  if (!call.ok) run.report({ lastError: `publishing the submitted milestone failed: ${call.error}` });
}

/** The outcome must reach the ERP: if publishing fails after every retry the orchestration fails, visibly. */
function* publishOutcome(run: OrderRun, status: OutcomeStatus, details: OutcomeDetails): Step<OrderOutcome> {
  const outcome = buildOutcome(run.input, run.instanceId, status, details, isoOf(run.now()));
  run.report({ stage: 'publishing', nextCheckAt: null });
  const call = yield* callActivity(run, ACTIVITY.publishResult, outcome, run.policy.publishRetry);
  if (!call.ok) throw new Error(`publishing the ${status} outcome of order ${outcome.orderId} failed: ${call.error}`);
  run.report({ stage: 'finished', outcome: status });
  return outcome;
}
