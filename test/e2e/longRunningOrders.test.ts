// Orders that wait on people for days: a purchase-order upload that takes three simulated days, and an order that
// never settles and times out at the 7-day deadline. The runtime's virtual clock jumps from timer to timer, so days
// pass in moments; polling continues as new every `pollsPerExecution` polls to keep its history bounded.
import { EventType, type HistoryEvent } from '../../local/runtime';
import { loadWorkflowPolicy } from '../../shared/config';
import type { PollingState } from '../../orchestrations';
import { orderInstanceId } from '../../shared/orders';
import { ACCESS_LTSC, PERPETUAL_SOFTWARE, validOrder } from '../fixtures/orders/requests';
import { customerIdFor, runOrderOverHttp, simulatorCalls, useE2eStack } from './stack';

/** The policy every order of the e2e stack runs with: the settings table's defaults. */
const DEFAULT_WORKFLOW_POLICY = loadWorkflowPolicy({});

const stack = useE2eStack();

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const POLLS_PER_EXECUTION = DEFAULT_WORKFLOW_POLICY.pollsPerExecution;

/** The input of the current execution (after continue-as-new: the polling state it resumed from). */
function executionInput(history: HistoryEvent[]): { resume?: PollingState } {
  const started = history.find((e) => e.EventType === EventType.ExecutionStarted);
  return JSON.parse(started?.Input ?? 'null');
}

/** getOrderStatus results of the current execution, in order. */
function polledStatuses(history: HistoryEvent[]): string[] {
  const names = new Map(history.filter((e) => e.EventType === EventType.TaskScheduled).map((e) => [e.EventId, e.Name]));
  return history
    .filter((e) => e.EventType === EventType.TaskCompleted && names.get(e.TaskScheduledId!) === 'getOrder')
    .map((e) => JSON.parse(e.Result!).value.status);
}

it('follows a purchase-order wait over simulated days to completed, continuing as new on the way', async () => {
  const customerId = customerIdFor('po-upload');
  // Each status of the PO flow (pending, pending_po_upload, po_upload_complete) lasts 24 GETs of the order. The
  // upload itself (which Partner Center waits for) is proven in steppedClock.test.ts; here the wait moves on by itself
  // so that days of hourly looks and continue-as-new can run on the free-running clock.
  stack.simulator.controls.setKnobs({ purchaseOrderUpload: 'automatic' });
  stack.simulator.controls.setCatalogItem(ACCESS_LTSC, { outcome: 'pending_po_upload', pendingPolls: 24 });
  const order = validOrder({ orderId: 'SO-LONG-1', customerId, lineItems: [{ catalogItemId: ACCESS_LTSC, quantity: 2, billingCycle: 'one_time' }] });

  const { final, results, outcome } = await runOrderOverHttp(stack, order);

  expect(final.runtimeStatus).toBe('Completed');
  expect(results.map((m) => m.subject)).toEqual(['submitted', 'purchaseOrderRequired', 'completed']);
  expect(outcome.orders).toHaveLength(1);
  expect(outcome.orders[0].status).toBe('completed');
  expect(outcome.orders[0].lineItems[0].subscriptionId).toEqual(expect.any(String));
  expect(Date.parse(outcome.finishedAt) - Date.parse(outcome.submittedAt)).toBeGreaterThan(2 * DAY_MS);

  // 3 × 24 GETs answered a waiting status, the 73rd answered completed: 73 polls over three executions.
  const gets = simulatorCalls(stack, customerId, 'GET', /\/orders\/[^/]+$/);
  expect(gets).toHaveLength(73);
  expect((final.customStatus as { attempts: { polls: number } }).attempts.polls).toBe(73);
  const history = await stack.runtime.getHistory(orderInstanceId(order.orderId));
  expect(executionInput(history).resume?.attempts.polls).toBe(2 * POLLS_PER_EXECUTION);
  const statuses = polledStatuses(history);
  expect(statuses).toHaveLength(73 - 2 * POLLS_PER_EXECUTION);
  expect(statuses.at(-1)).toBe('completed');
  expect(new Set(statuses.slice(0, -1))).toEqual(new Set(['po_upload_complete']));
  // While the order waits for people, it is looked at hourly (the human-wait interval), on durable timers.
  const timers = history.filter((e) => e.EventType === EventType.TimerCreated);
  const gaps = timers.slice(1).map((t, i) => Date.parse(t.FireAt!) - Date.parse(timers[i].FireAt!));
  expect(new Set(gaps)).toEqual(new Set([HOUR_MS]));
  expect(timers).toHaveLength(statuses.length);
}, 60_000);

it('publishes timedOut at the 7-day deadline for an order that never settles, after continuing as new', async () => {
  const customerId = customerIdFor('never-settles');
  // A million GETs before it moves on, and no settle delay (the knob's default): it stays pending.
  stack.simulator.controls.setCatalogItem(PERPETUAL_SOFTWARE, { pendingPolls: 1_000_000 });
  const order = validOrder({ orderId: 'SO-LONG-2', customerId, lineItems: [{ catalogItemId: PERPETUAL_SOFTWARE, quantity: 1, billingCycle: 'one_time' }] });

  const { final, results, outcome } = await runOrderOverHttp(stack, order);

  expect(final.runtimeStatus).toBe('Completed');
  expect(results.map((m) => m.subject)).toEqual(['submitted', 'timedOut']);
  expect(outcome.status).toBe('timedOut');
  expect(outcome.orders.map((o: { status: string }) => o.status)).toEqual(['pending']);
  const history = await stack.runtime.getHistory(orderInstanceId(order.orderId));
  const resume = executionInput(history).resume!;
  expect(outcome.errors).toEqual([{ source: 'workflow', reason: 'deadlinePassed', message: `orders had not settled by the deadline ${resume.deadline}` }]);
  // The last timer fired exactly at the deadline, 7 days after the first execution started.
  expect(outcome.finishedAt).toBe(resume.deadline);
  // Checkout happened at the instance's first instant (no timer ran before it), so the deadline is exactly 7 days on.
  expect(Date.parse(resume.deadline) - Date.parse(outcome.submittedAt)).toBe(7 * DAY_MS);

  const polls = (final.customStatus as { attempts: { polls: number } }).attempts.polls;
  expect(simulatorCalls(stack, customerId, 'GET', /\/orders\/[^/]+$/)).toHaveLength(polls);
  expect(resume.attempts.polls).toBe(Math.floor((polls - 1) / POLLS_PER_EXECUTION) * POLLS_PER_EXECUTION);
  expect(resume.attempts.polls).toBeGreaterThanOrEqual(5 * POLLS_PER_EXECUTION);
}, 60_000);

it('buys a new order normally after days of skipped timers: the simulator keeps up with the runtime clock', async () => {
  const customerId = customerIdFor('after-skipped-days');
  // Days of virtual time pass for an earlier order; the simulator's own clock (reset after each test) stays behind.
  stack.simulator.controls.setCatalogItem(PERPETUAL_SOFTWARE, { pendingPolls: 1_000_000 });
  await runOrderOverHttp(stack, validOrder({ orderId: 'SO-LONG-3A', customerId: customerIdFor('skipping-days') }));
  stack.simulator.controls.reset();
  const runtimeNow = (await stack.runtime.now()).getTime();
  expect(runtimeNow - stack.simulator.controls.now()).toBeGreaterThan(DAY_MS);

  const { results, outcome } = await runOrderOverHttp(stack, validOrder({ orderId: 'SO-LONG-3B', customerId }));

  expect(results.map((m) => m.subject)).toEqual(['submitted', 'completed']);
  expect(outcome.status).toBe('completed');
  // One cart, made on the runtime's timeline: not found expired and recreated.
  expect(simulatorCalls(stack, customerId, 'POST', /\/carts$/)).toHaveLength(1);
  expect(stack.simulator.controls.now()).toBeGreaterThanOrEqual(runtimeNow);
}, 60_000);
