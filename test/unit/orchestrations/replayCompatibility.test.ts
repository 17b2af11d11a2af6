// Deploys must never break orders in flight. The Durable extension replays every running order's recorded history
// through the newly deployed code, and matches completions to the tasks the code schedules by sequence id: a changed
// retry count, an extra activity or a timer moved in the code shifts them, and the order is stuck or fails.
//
// So histories recorded from processOrder for each kind of order are committed in test/fixtures/replay/, and every
// later version must replay them to the same actions. The check is the local runtime's own: each recorded execution
// is loaded into a task hub as a running instance with one probe event, and the runtime's episode replays it through
// the SDK and the runtime's action replayer, which fails the instance when the code asks for work history does not
// hold. A recorded execution must then ask for nothing new and end as it ended: continued as new with the same input
// for the next execution, or completed with the same outcome.
//
// The rule for changing processOrder: new behaviour goes behind a version in the input (old inputs keep the old path)
// or under a new orchestration name. Before release 1.0 an issue that deliberately changes the workflow may re-record
// (`RECORD_REPLAY_FIXTURES=1 npx jest test/unit/orchestrations/replayCompatibility`) and must say so in its commit;
// after 1.0, never.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appFunctions, registerAnsweredActivities } from './durableHost';
import { OrchestrationDriver } from './orchestrationDriver';
import { events, type HistoryEvent } from '../../../local/runtime/durable/historyEvents';
import { newInstanceRecord } from '../../../local/runtime/durable/newInstance';
import { runEpisode } from '../../../local/runtime/durable/orchestrationEpisode';
import type { TaskHubState } from '../../../local/runtime/durable/taskHubState';
import { createInvoker } from '../../../local/runtime/invoke';
import { createLogger } from '../../../local/runtime/logger';
import { PROCESS_ORDER, registerProcessOrderOrchestration, CANCEL_EVENT, type ProcessOrderInput } from '../../../orchestrations';
import type { OrderActivities } from '../../../orchestrations/activities';
import { loadWorkflowPolicy } from '../../../shared/config';
import { orderInstanceId, type OrderSummary } from '../../../shared/orders';
import { validOrder } from '../../fixtures/orders/requests';

registerProcessOrderOrchestration();
const ACTIVITIES: (keyof OrderActivities)[] = ['createCart', 'checkoutCart', 'findCartOrders', 'getOrder', 'publishResult'];
registerAnsweredActivities(ACTIVITIES);

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'replay');
/** `1` records every kind of order; a kind's name records only that one (a new kind, without touching the others). */
const RECORD_WHAT = process.env.RECORD_REPLAY_FIXTURES;
const RECORD = RECORD_WHAT !== undefined && RECORD_WHAT !== '';
const START = new Date('2026-03-02T09:00:00.000Z');
const TIMERS = { maximumShortTimerMs: 6 * 86_400_000, longRunningTimerIntervalMs: 3 * 86_400_000 };

interface ReplayFixture {
  /** What kind of order this history is. */
  description: string;
  orchestrator: string;
  instanceId: string;
  /** Every execution (one per continue-as-new): its input and its stored history. */
  executions: { input: unknown; history: HistoryEvent[] }[];
  /** What the last execution returned: the outcome. */
  output: unknown;
}

const ok = <T>(value: T) => ({ ok: true, value });
const order = (id: string, status: string): OrderSummary => ({
  id,
  status,
  billingCycle: 'monthly',
  lineItems: [{ lineItemNumber: 0, offerId: 'CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5', quantity: 5, ...(status === 'completed' ? { subscriptionId: `sub-${id}` } : {}) }],
});
const cart = (cartId = 'cart-1') => ok({ cartId, expiresAt: new Date(START.getTime() + 7 * 86_400_000).toISOString(), lineItemErrors: [] });
const published = (kind: string) => ok({ messageId: `msg-${kind}` });

/** The kinds of order whose histories must keep replaying, each driven as Partner Center and the broker would answer. */
const SCENARIOS: Record<string, { description: string; orderId: string; settings?: Record<string, string>; startId?: string; run(driver: OrchestrationDriver): Promise<void> }> = {
  completed: {
    description: 'cart, checkout, one pending order polled twice to completed',
    orderId: 'SO-REPLAY-COMPLETED',
    async run(d) {
      await d.completeActivity('createCart', cart());
      await d.completeActivity('checkoutCart', ok({ orders: [order('ord-1', 'pending')], orderErrors: [] }));
      await d.completeActivity('publishResult', published('submitted'));
      await d.fireTimer();
      await d.completeActivity('getOrder', ok(order('ord-1', 'pending')));
      await d.fireTimer();
      await d.completeActivity('getOrder', ok(order('ord-1', 'completed')));
      await d.completeActivity('publishResult', published('completed'));
    },
  },
  partial: {
    description: 'one order group refused at checkout, one order completed: partiallyCompleted',
    orderId: 'SO-REPLAY-PARTIAL',
    async run(d) {
      await d.completeActivity('createCart', cart());
      await d.completeActivity('checkoutCart', ok({ orders: [order('ord-1', 'pending')], orderErrors: [{ orderGroupId: '1', code: 800005, description: "Create order isn't successful" }] }));
      await d.completeActivity('publishResult', published('submitted'));
      await d.fireTimer();
      await d.completeActivity('getOrder', ok(order('ord-1', 'completed')));
      await d.completeActivity('publishResult', published('partiallyCompleted'));
    },
  },
  purchaseOrderWait: {
    description: 'an order waiting for a purchase-order upload, polled hourly over two continue-as-new, then completed',
    orderId: 'SO-REPLAY-PO',
    settings: { ORDER_POLLS_PER_EXECUTION: '3' },
    async run(d) {
      await d.completeActivity('createCart', cart());
      await d.completeActivity('checkoutCart', ok({ orders: [order('ord-1', 'pending_po_upload')], orderErrors: [] }));
      await d.completeActivity('publishResult', published('submitted'));
      for (let poll = 1; poll <= 7; poll++) {
        await d.fireTimer();
        await d.completeActivity('getOrder', ok(order('ord-1', poll < 7 ? 'pending_po_upload' : 'completed')));
      }
      await d.completeActivity('publishResult', published('completed'));
    },
  },
  cancelled: {
    description: 'a cancel that arrives while the cart is being created: the cart step finishes, then cancelled',
    orderId: 'SO-REPLAY-CANCELLED',
    async run(d) {
      await d.raiseEvent(CANCEL_EVENT, { requestedAt: START.toISOString() });
      await d.completeActivity('createCart', cart());
      await d.completeActivity('publishResult', published('cancelled'));
    },
  },
  throttled: {
    description: '429s on cart creation, checkout and a poll, each waited out on a timer (Retry-After plus jitter)',
    orderId: 'SO-REPLAY-THROTTLED',
    async run(d) {
      const throttled = (operation: string, retryAfterSeconds: number) => ({
        ok: false,
        failure: { reason: 'throttled', message: 'Partner Center throttled the call', operation, status: 429, retryAfterSeconds },
      });
      await d.completeActivity('createCart', throttled('createCart', 45));
      await d.fireTimer();
      await d.completeActivity('createCart', cart());
      await d.completeActivity('checkoutCart', throttled('checkout', 90));
      await d.fireTimer();
      await d.completeActivity('checkoutCart', ok({ orders: [order('ord-1', 'pending')], orderErrors: [] }));
      await d.completeActivity('publishResult', published('submitted'));
      await d.fireTimer();
      await d.completeActivity('getOrder', throttled('getOrder', 600));
      await d.fireTimer();
      await d.completeActivity('getOrder', ok(order('ord-1', 'completed')));
      await d.completeActivity('publishResult', published('completed'));
    },
  },
  claimed: {
    description: 'an order started with a startId: it claims its order id in the orderClaim entity first, then buys',
    orderId: 'SO-REPLAY-CLAIMED',
    startId: '0b7c6d1e-2f3a-4b5c-9d8e-7f6a5b4c3d2e',
    async run(d) {
      await d.completeActivity('createCart', cart());
      await d.completeActivity('checkoutCart', ok({ orders: [order('ord-1', 'completed')], orderErrors: [] }));
      await d.completeActivity('publishResult', published('submitted'));
      await d.completeActivity('publishResult', published('completed'));
    },
  },
  paced: {
    description: 'an order pacing itself on the partner tenant\'s budget entity (two calls a minute): checkout and the poll wait for their slots',
    orderId: 'SO-REPLAY-PACED',
    settings: { PARTNER_CENTER_BUDGET_PER_MINUTE: '2', PARTNER_CENTER_BUDGET_BURST: '1' },
    async run(d) {
      await d.completeActivity('createCart', cart());
      await d.fireTimer();
      await d.completeActivity('checkoutCart', ok({ orders: [order('ord-1', 'pending')], orderErrors: [] }));
      await d.completeActivity('publishResult', published('submitted'));
      await d.fireTimer();
      await d.completeActivity('getOrder', ok(order('ord-1', 'completed')));
      await d.completeActivity('publishResult', published('completed'));
    },
  },
  pacedAhead: {
    description: 'an order reserving budget ahead (bursts of three): one slot for the cart and its checkout, one for a poll round of three orders',
    orderId: 'SO-REPLAY-PACED-AHEAD',
    settings: { PARTNER_CENTER_BUDGET_PER_MINUTE: '2', PARTNER_CENTER_BUDGET_BURST: '3' },
    async run(d) {
      await d.completeActivity('createCart', cart());
      await d.completeActivity('checkoutCart', ok({ orders: [order('ord-1', 'pending'), order('ord-2', 'pending'), order('ord-3', 'pending')], orderErrors: [] }));
      await d.completeActivity('publishResult', published('submitted'));
      await d.fireTimer();
      await d.completeActivity('getOrder', ok(order('ord-1', 'completed')));
      await d.completeActivity('getOrder', ok(order('ord-2', 'completed')));
      await d.completeActivity('getOrder', ok(order('ord-3', 'completed')));
      await d.completeActivity('publishResult', published('completed'));
    },
  },
  recovered: {
    description: 'a checkout whose answer was lost (unavailable): the cart read says Ordered, the lagging list shows the orders',
    orderId: 'SO-REPLAY-RECOVERED',
    async run(d) {
      await d.completeActivity('createCart', cart());
      await d.completeActivity('checkoutCart', { ok: false, failure: { reason: 'unavailable', message: 'Partner Center could not be reached', operation: 'checkout' } });
      await d.completeActivity('findCartOrders', ok({ kind: 'ordered', orders: [], complete: false }));
      await d.fireTimer();
      await d.completeActivity('findCartOrders', ok({ kind: 'ordered', orders: [order('ord-1', 'pending')], complete: true }));
      await d.completeActivity('publishResult', published('submitted'));
      await d.fireTimer();
      await d.completeActivity('getOrder', ok(order('ord-1', 'completed')));
      await d.completeActivity('publishResult', published('completed'));
    },
  },
  busyCheckout: {
    description: 'checkout answered busy (409/800064) up to CHECKOUT_MAX_ATTEMPTS: the cart reads Active, which settles nothing, so it asks again later (a new MS-RequestId) and the checkout that was under way answers',
    orderId: 'SO-REPLAY-BUSY',
    settings: { CHECKOUT_MAX_ATTEMPTS: '2' },
    async run(d) {
      const busy = { ok: false, failure: { reason: 'cartBusy', message: 'Cart is being processed by another request', operation: 'checkout', status: 409, code: '800064' } };
      await d.completeActivity('createCart', cart());
      await d.completeActivity('checkoutCart', busy);
      await d.fireTimer();
      await d.completeActivity('checkoutCart', busy);
      await d.fireTimer();
      await d.completeActivity('findCartOrders', ok({ kind: 'notOrdered' }));
      await d.fireTimer();
      await d.completeActivity('checkoutCart', ok({ orders: [order('ord-1', 'completed')], orderErrors: [] }));
      await d.completeActivity('publishResult', published('submitted'));
      await d.completeActivity('publishResult', published('completed'));
    },
  },
  publishRetried: {
    description: 'an outcome Service Bus did not take after the host retries: published again on a durable timer until it goes through',
    orderId: 'SO-REPLAY-PUBLISH',
    settings: { PUBLISH_RETRY_MAX_ATTEMPTS: '1' },
    async run(d) {
      await d.completeActivity('createCart', cart());
      await d.completeActivity('checkoutCart', ok({ orders: [order('ord-1', 'completed')], orderErrors: [] }));
      await d.completeActivity('publishResult', published('submitted'));
      await d.failActivity('publishResult', 'The maximum entity size has been reached or exceeded', { untilExhausted: true });
      await d.fireTimer();
      await d.completeActivity('publishResult', published('completed'));
    },
  },
};

function fixturePath(name: string): string {
  return join(FIXTURES, `${name}.json`);
}

async function record(name: string): Promise<ReplayFixture> {
  const scenario = SCENARIOS[name];
  const instanceId = orderInstanceId(scenario.orderId);
  const input: ProcessOrderInput = {
    request: validOrder({ orderId: scenario.orderId }),
    receivedAt: START.toISOString(),
    policy: loadWorkflowPolicy(scenario.settings ?? {}),
    ...(scenario.startId === undefined ? {} : { startId: scenario.startId }),
  };
  const driver = new OrchestrationDriver({ functions: appFunctions, orchestrator: PROCESS_ORDER, instanceId, input, start: START });
  await driver.start();
  await scenario.run(driver);
  expect(driver.runtimeStatus).toBe('Completed');
  return {
    description: scenario.description,
    orchestrator: PROCESS_ORDER,
    instanceId,
    executions: driver.executions.map((executionInput, index) => ({ input: executionInput, history: driver.history(index) })),
    output: driver.output,
  };
}

/**
 * Loads one recorded execution into a task hub as a running instance and lets the runtime run an episode over it
 * with a probe event the orchestration does not wait for: the SDK replays the whole history and the runtime checks
 * every action against it.
 */
async function replayExecution(fixture: ReplayFixture, execution: ReplayFixture['executions'][number]) {
  const at = execution.history.at(-1)?.Timestamp ?? START.toISOString();
  const instance = {
    ...newInstanceRecord({ instanceId: fixture.instanceId, name: fixture.orchestrator, input: JSON.stringify(execution.input), at }),
    runtimeStatus: 'Running' as const,
    history: structuredClone(execution.history),
  };
  instance.inbox = [{ id: 'replay-probe', visibleAt: at, event: events.eventRaised(at, 'replay-compatibility-probe', undefined) }];
  const state: TaskHubState = { instances: new Map([[instance.instanceId, instance]]), activities: new Map() } as unknown as TaskHubState;
  const logger = createLogger(() => undefined);
  const result = await runEpisode({ registry: appFunctions, invoker: createInvoker(appFunctions, logger), logger, state, timers: TIMERS }, fixture.instanceId, Date.parse(at));
  if (!result) throw new Error('the runtime ran no episode for the probe event');
  return result.commit;
}

const recorded = RECORD ? [] : readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));

describe('recording (RECORD_REPLAY_FIXTURES=1)', () => {
  const maybe = RECORD ? test : test.skip;
  const toRecord = Object.keys(SCENARIOS).filter((name) => RECORD_WHAT === '1' || RECORD_WHAT === name);
  maybe.each(toRecord.length > 0 ? toRecord : Object.keys(SCENARIOS))('records %s (skipped unless RECORD_REPLAY_FIXTURES names it or is 1)', async (name) => {
    mkdirSync(FIXTURES, { recursive: true });
    writeFileSync(fixturePath(name), `${JSON.stringify(await record(name), null, 1)}\n`);
  });
});

describe('recorded histories replay on the current processOrder', () => {
  test('every kind of order has a committed fixture', () => {
    if (RECORD) return;
    expect(recorded.sort()).toEqual(Object.keys(SCENARIOS).sort());
  });

  const maybe = RECORD ? test.skip : test;
  maybe.each(recorded)('%s: every execution replays to the same actions and ends as it ended', async (name) => {
    const fixture = JSON.parse(readFileSync(fixturePath(name), 'utf8')) as ReplayFixture;
    expect(fixture.executions.length).toBeGreaterThan(0);
    for (const [index, execution] of fixture.executions.entries()) {
      const commit = await replayExecution(fixture, execution);
      const next = fixture.executions[index + 1];
      // Nothing new is asked for: no activity, no timer.
      expect({ execution: index, activities: commit.activities, timers: commit.selfMessages }).toEqual({ execution: index, activities: [], timers: [] });
      if (next !== undefined) {
        expect({ execution: index, status: commit.update.runtimeStatus }).toEqual({ execution: index, status: 'ContinuedAsNew' });
        expect(JSON.parse(commit.newExecution?.input ?? 'null')).toEqual(next.input);
      } else {
        expect({ execution: index, status: commit.update.runtimeStatus }).toEqual({ execution: index, status: 'Completed' });
        expect(JSON.parse(commit.update.output ?? 'null')).toEqual(fixture.output);
      }
    }
  });
});
