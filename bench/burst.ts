// Burst: N orders sent to the queue at once while the simulator enforces its per-minute limit (refused requests
// counting), on the runtime's virtual clock, so the figures are virtual minutes and counts that do not depend on the
// machine. The test/e2e burst test runs this same function on a CI-sized burst.

import { PARTNER_CENTER_BUDGET_ENTITY, type BudgetState } from '../orchestrations/partnerCenterBudget';
import { loadConfig } from '../shared/config';
import type { LocalStack } from '../local/stack';
import { benchOrder, credentialCounts, necessaryCalls, OutcomeCollector, sendOrders, serviceBusClientFor, startBenchStack, type ReceivedOutcome } from './common';

export interface BurstOptions {
  appRoot: string;
  appEntry: string;
  orders: number;
  /** Requests per minute per partner tenant (default: the documented 500). */
  requestsPerMinute?: number;
  /** requestBurst knob; null/undefined = the rate (the plain per-minute limit). */
  requestBurst?: number | null;
  /** Extra app settings (e.g. a pacing budget) for a run to compare with. */
  settings?: Record<string, string>;
  /**
   * Virtual minutes after the first send at which the run stops if orders are still unfinished (default 4 × the lower
   * bound): without pacing, retries that obey Retry-After can keep the window full and never drain.
   */
  capMinutes?: number;
  /** Real-time limit for the whole burst. */
  timeoutMs?: number;
  progress?: (line: string) => void;
}

export interface BurstResult {
  orders: number;
  requestsPerMinute: number;
  completed: number;
  failed: number;
  /** Orders without an outcome when the run stopped at capMinutes. */
  unfinished: number;
  capMinutes: number;
  /** Outcomes other than completed/failed (partiallyCompleted, timedOut, unknown, cancelled), by status. */
  otherOutcomes: Record<string, number>;
  /** Orders whose outcome names throttling or a deadline passed while throttled. */
  failedOnThrottling: number;
  /** Virtual minutes from the first send to the last outcome (the outcomes' finishedAt); null when some never came. */
  drainMinutes: number | null;
  /** Calls the orders need when nothing is refused (create cart, checkout, polls), and the admitted calls seen. */
  necessaryCalls: number;
  admittedCalls: number;
  /** necessaryCalls ÷ the rate. */
  lowerBoundMinutes: number;
  drainToLowerBound: number | null;
  /** Partner Center answers with status 429, and all Partner Center calls (admitted + refused). */
  throttledAnswers: number;
  calls: number;
  throttledShare: number;
  /** Admitted + refused calls per order, by operation. */
  callsPerOrder: Record<string, { admitted: number; refused: number }>;
  /** The most calls the simulator admitted in any 60 s, and per clock minute. */
  peakAdmittedIn60s: number;
  admittedPerMinute: { minute: string; admitted: number; refused: number }[];
  credentials: ReturnType<typeof credentialCounts>;
  /** Reservations the partner tenant's budget entity handed out, per order (null when the app does not pace). */
  budgetReservationsPerOrder: number | null;
  realSeconds: number;
  outcomes: ReceivedOutcome[];
}

const THROTTLING_WORDS = /throttl|429|rate limit/i;

export async function runBurst(options: BurstOptions): Promise<BurstResult> {
  const rate = options.requestsPerMinute ?? 500;
  const progress = options.progress ?? (() => {});
  const stack = await startBenchStack({
    appRoot: options.appRoot,
    appEntry: options.appEntry,
    knobs: { requestsPerMinute: rate, requestBurst: options.requestBurst ?? null, throttleCountsRefused: true },
    settings: options.settings,
  });
  const serviceBus = serviceBusClientFor(stack);
  const collector = new OutcomeCollector(serviceBus, stack.settings.RESULTS_TOPIC, 'erp');
  try {
    const label = `B${Date.now().toString(36)}`;
    const orders = Array.from({ length: options.orders }, (_, i) => benchOrder(i, label));
    const startedReal = performance.now();
    const firstSend = (await stack.runtime.now()).getTime();
    await sendOrders(serviceBus, stack.settings.ORDERS_QUEUE, orders);
    progress(`burst: ${orders.length} orders sent at ${new Date(firstSend).toISOString()} (virtual)`);
    const capMinutes = options.capMinutes ?? 4 * (necessaryCalls(orders.length) / rate);
    const capAt = firstSend + capMinutes * 60_000;
    const ended = await collector.waitFor(
      orders.length,
      options.timeoutMs ?? 60 * 60_000,
      async () => (await stack.runtime.now()).getTime() > capAt,
      (n) => progress(`burst: ${n}/${orders.length} outcomes, virtual +${((stack.simulator.controls.now() - firstSend) / 60_000).toFixed(1)} min`),
    );
    if (ended === 'stopped') progress(`burst: stopped at the cap of ${capMinutes.toFixed(1)} virtual minutes with ${collector.outcomes.size}/${orders.length} outcomes`);
    const realSeconds = (performance.now() - startedReal) / 1000;
    const reserved = await budgetReservations(stack);
    return { ...summarise(stack, options.orders, rate, capMinutes, firstSend, [...collector.outcomes.values()], realSeconds), budgetReservationsPerOrder: reserved === null ? null : reserved / options.orders };
  } finally {
    await collector.close();
    await serviceBus.close();
    await stack.stop();
  }
}

/**
 * The budget entity's count of reservations, read through the durable client's API (no key), as an operator would;
 * the entity and its key are the ones the app's settings give its orders.
 */
async function budgetReservations(stack: LocalStack): Promise<number | null> {
  const budget = loadConfig(stack.settings).workflow.partnerCenterBudget;
  if (budget === null) return null;
  const response = await fetch(`${stack.runtime.rpcBaseUrl}entities/${PARTNER_CENTER_BUDGET_ENTITY}/${encodeURIComponent(budget.key)}`);
  if (!response.ok) throw new Error(`reading the budget entity: HTTP ${response.status}`);
  return ((await response.json()) as BudgetState).reserved;
}

function summarise(stack: LocalStack, orders: number, rate: number, capMinutes: number, firstSend: number, outcomes: ReceivedOutcome[], realSeconds: number): Omit<BurstResult, 'budgetReservationsPerOrder'> {
  const byStatus = new Map<string, number>();
  for (const o of outcomes) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
  const otherOutcomes = Object.fromEntries([...byStatus].filter(([status]) => status !== 'completed' && status !== 'failed'));
  const lastOutcome = Math.max(firstSend, ...outcomes.map((o) => Date.parse(o.finishedAt)));
  const report = stack.simulator.controls.throttling();
  const tenants = Object.values(report.tenants);
  if (tenants.length !== 1) throw new Error(`expected the calls of one partner tenant, found ${tenants.length}`);
  const tenant = tenants[0];
  const throttledAnswers = stack.simulator.controls.requestLog().filter((entry) => entry.status === 429).length;
  const calls = tenant.admitted + tenant.refused;
  const necessary = necessaryCalls(orders);
  const drainMinutes = outcomes.length === orders ? (lastOutcome - firstSend) / 60_000 : null;
  const lowerBoundMinutes = necessary / rate;
  return {
    orders,
    requestsPerMinute: rate,
    completed: byStatus.get('completed') ?? 0,
    failed: byStatus.get('failed') ?? 0,
    unfinished: orders - outcomes.length,
    capMinutes,
    otherOutcomes,
    failedOnThrottling: outcomes.filter((o) => o.status !== 'completed' && o.errors.some((e) => THROTTLING_WORDS.test(`${e.reason} ${e.message ?? e.description ?? ''}`))).length,
    drainMinutes,
    necessaryCalls: necessary,
    admittedCalls: tenant.admitted,
    lowerBoundMinutes,
    drainToLowerBound: drainMinutes === null ? null : drainMinutes / lowerBoundMinutes,
    throttledAnswers,
    calls,
    throttledShare: calls === 0 ? 0 : throttledAnswers / calls,
    callsPerOrder: Object.fromEntries(
      Object.entries(tenant.operations).map(([operation, c]) => [operation, { admitted: c.admitted / orders, refused: c.refused / orders }]),
    ),
    peakAdmittedIn60s: tenant.peakAdmittedIn60s,
    admittedPerMinute: tenant.minutes,
    credentials: credentialCounts(stack),
    realSeconds,
    outcomes,
  };
}
