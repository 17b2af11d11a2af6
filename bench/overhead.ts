// Overhead: N orders through the whole stack with no throttling and no latency, against a baseline in the same run
// that makes the same Partner Center calls through the project's client (the same activity functions, no
// orchestration) and publishes the same two messages per order. Both are timed from the first order to the last
// outcome the ERP's receiver gets, in real time; CPU is that of the bench process (stand-ins, client, receiver)
// plus, for the orchestrated run, the runtime's process.
//
// The simulator sets no rate limit here, so the app runs without a Partner Center budget (PARTNER_CENTER_BUDGET_PER_MINUTE=0)
// unless --setting names one: with a budget its orders would wait for slots at 480 calls a minute, on a virtual clock
// that moves slot by slot, and the run would measure the rate (which the burst measures) rather than the machinery,
// against a baseline that never paces.

import { createPartnerCenterCredentials } from '../shared/credentials';
import { loadConfig } from '../shared/config';
import { createPartnerCenterClient } from '../shared/partner-center';
import { createServiceBusResultPublisher } from '../shared/results';
import { createOrderActivities } from '../orchestrations/activities';
import { orderInstanceId, type OrderRequest, type OrderSummary } from '../shared/orders';
import type { LocalStack } from '../local/stack';
import { benchOrder, cpuMs, credentialCounts, OutcomeCollector, percentile, sendOrders, serviceBusClientFor, startBenchStack } from './common';

export interface OverheadOptions {
  appRoot: string;
  appEntry: string;
  orders: number;
  /** Measured rounds, each an orchestrated run and a baseline run (default 3); the median round is reported. */
  rounds?: number;
  settings?: Record<string, string>;
  timeoutMs?: number;
  progress?: (line: string) => void;
}

export interface ThroughputFigures {
  orders: number;
  completed: number;
  seconds: number;
  ordersPerSecond: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  cpuMsPerOrder: number;
  /** The runtime process's share (orchestrated run; 0 for the baseline): its one thread is what bounds the run. */
  runtimeCpuMsPerOrder: number;
  credentials: ReturnType<typeof credentialCounts>;
}

export interface OverheadResult {
  /** PARTNER_CENTER_BUDGET_PER_MINUTE the orchestrated run had ('0': no pacing). */
  budgetPerMinute: string;
  /** Orchestrator episodes and entity operations per order in the orchestrated run (the runtime's counts). */
  episodesPerOrder: number;
  entityOperationsPerOrder: number;
  /** The round with the median ratio. */
  orchestrated: ThroughputFigures;
  baseline: ThroughputFigures;
  /** orchestrated ÷ baseline orders per second, the median over the rounds. */
  throughputRatio: number;
  rounds: { orchestratedOrdersPerSecond: number; baselineOrdersPerSecond: number; ratio: number }[];
}

/** Orders each path runs once, unmeasured, before the rounds: both are timed warm, whichever runs first. */
const WARM_UP_ORDERS = 20;

export async function runOverhead(options: OverheadOptions): Promise<OverheadResult> {
  const progress = options.progress ?? (() => {});
  const settings = { PARTNER_CENTER_BUDGET_PER_MINUTE: '0', ...options.settings };
  const stack = await startBenchStack({ appRoot: options.appRoot, appEntry: options.appEntry, knobs: { requestsPerMinute: 0 }, settings });
  try {
    const warmUp = { ...options, orders: Math.min(WARM_UP_ORDERS, options.orders) };
    await runOrchestrated(stack, warmUp);
    await runBaseline(stack, warmUp, () => {});
    const rounds = Math.max(1, options.rounds ?? 3);
    const statsBefore = await stack.runtime.stats();
    const measured: { orchestrated: ThroughputFigures; baseline: ThroughputFigures; ratio: number }[] = [];
    for (let round = 1; round <= rounds; round++) {
      // Alternating, so that a machine that is busier for a while slows both paths rather than one.
      const orchestrated = await runOrchestrated(stack, options);
      progress(`overhead round ${round}: orchestrated ${orchestrated.completed}/${orchestrated.orders} in ${orchestrated.seconds.toFixed(1)} s`);
      const baseline = await runBaseline(stack, options, round === 1 ? progress : () => {});
      progress(`overhead round ${round}: baseline ${baseline.completed}/${baseline.orders} in ${baseline.seconds.toFixed(1)} s`);
      measured.push({ orchestrated, baseline, ratio: orchestrated.ordersPerSecond / baseline.ordersPerSecond });
    }
    const statsAfter = await stack.runtime.stats();
    const median = [...measured].sort((a, b) => a.ratio - b.ratio)[Math.floor((measured.length - 1) / 2)];
    return {
      budgetPerMinute: settings.PARTNER_CENTER_BUDGET_PER_MINUTE,
      episodesPerOrder: (statsAfter.episodes - statsBefore.episodes) / (options.orders * rounds),
      entityOperationsPerOrder: (statsAfter.entityOperations - statsBefore.entityOperations) / (options.orders * rounds),
      orchestrated: median.orchestrated,
      baseline: median.baseline,
      throughputRatio: median.ratio,
      rounds: measured.map((m) => ({ orchestratedOrdersPerSecond: m.orchestrated.ordersPerSecond, baselineOrdersPerSecond: m.baseline.ordersPerSecond, ratio: m.ratio })),
    };
  } finally {
    await stack.stop();
  }
}

function figures(orders: number, startedMs: number, received: { status: string; receivedAtMs: number }[], cpuBefore: { bench: number; runtime: number }, cpuAfter: { bench: number; runtime: number }, credentials: ThroughputFigures['credentials']): ThroughputFigures {
  const seconds = (Math.max(...received.map((r) => r.receivedAtMs)) - startedMs) / 1000;
  const latencies = received.map((r) => r.receivedAtMs - startedMs).sort((a, b) => a - b);
  const cpu = cpuAfter.bench - cpuBefore.bench + (cpuAfter.runtime - cpuBefore.runtime);
  return {
    orders,
    completed: received.filter((r) => r.status === 'completed').length,
    seconds,
    ordersPerSecond: received.length / seconds,
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    cpuMsPerOrder: cpu / orders,
    runtimeCpuMsPerOrder: (cpuAfter.runtime - cpuBefore.runtime) / orders,
    credentials,
  };
}

async function runOrchestrated(stack: LocalStack, options: OverheadOptions): Promise<ThroughputFigures> {
  const serviceBus = serviceBusClientFor(stack);
  const collector = new OutcomeCollector(serviceBus, stack.settings.RESULTS_TOPIC, 'erp');
  try {
    const orders = Array.from({ length: options.orders }, (_, i) => benchOrder(i, `O${Date.now().toString(36)}`));
    // A baseline run moves the simulator's clock on by hand; the runtime's clock catches up first, or the simulator
    // would stand still (it follows the runtime's time only forward) and time-settled orders would need more polls.
    const simulatorAhead = stack.simulator.controls.now() - (await stack.runtime.now()).getTime();
    if (simulatorAhead > 0) await stack.runtime.advanceClock(simulatorAhead);
    const credentialsBefore = credentialCounts(stack);
    const cpuBefore = cpuMs(stack.runtime.pid);
    const started = performance.now();
    await sendOrders(serviceBus, stack.settings.ORDERS_QUEUE, orders);
    await collector.waitFor(orders.length, options.timeoutMs ?? 30 * 60_000, async () => false);
    const cpuAfter = cpuMs(stack.runtime.pid);
    return figures(orders.length, started, [...collector.outcomes.values()], cpuBefore, cpuAfter, diff(credentialCounts(stack), credentialsBefore));
  } finally {
    await collector.close();
    await serviceBus.close();
  }
}

/** The same Partner Center calls and messages per order as processOrder makes, in a plain loop in this process. */
async function runBaseline(stack: LocalStack, options: OverheadOptions, progress: (line: string) => void): Promise<ThroughputFigures> {
  // DefaultAzureCredential reads the managed identity endpoint from the environment, as in the runtime's process.
  const { NODE_EXTRA_CA_CERTS: _caFile, ...identityEnvironment } = stack.identity.environment();
  Object.assign(process.env, identityEnvironment);
  const tlsOptions = { ca: stack.identity.caCertPem };
  const config = loadConfig(stack.settings);
  const { tokenProvider } = createPartnerCenterCredentials(config, {
    secretSource: { credentialOptions: { tlsOptions }, keyVaultClientOptions: { tlsOptions } },
    credentialOptions: { tlsOptions },
    logger: { info: (message) => progress(`baseline: ${message}`), warn: (message) => progress(`baseline: ${message}`) },
  });
  const partnerCenter = createPartnerCenterClient({
    baseUrl: config.partnerCenter.baseUrl,
    tokenProvider,
    applicationName: config.partnerCenter.applicationName,
    timeoutMs: config.partnerCenter.timeoutMs,
    maxTransientRetries: config.partnerCenter.maxTransientRetries,
  });
  const publisher = createServiceBusResultPublisher({ target: { connectionString: stack.settings.ServiceBusConnection }, topic: config.serviceBus.resultsTopic });
  const activities = createOrderActivities({ partnerCenter, publisher, log: () => {} });
  const serviceBus = serviceBusClientFor(stack);
  const collector = new OutcomeCollector(serviceBus, stack.settings.RESULTS_TOPIC, 'erp');
  try {
    const orders = Array.from({ length: options.orders }, (_, i) => benchOrder(i, `L${Date.now().toString(36)}`));
    const credentialsBefore = credentialCounts(stack);
    const cpuBefore = cpuMs();
    const started = performance.now();
    // The simulator's clock follows the runtime's, which stands still here: a poll round moves it on by the first poll
    // interval, as the orchestration's timer would, so orders settle after the same polls.
    const pollInterval = () => void stack.simulator.controls.advanceClock(config.workflow.pollInitialMs);
    await Promise.all(orders.map((order) => buyInALoop(activities, order, pollInterval)));
    await collector.waitFor(orders.length, options.timeoutMs ?? 30 * 60_000, async () => false);
    const cpuAfter = cpuMs();
    return figures(orders.length, started, [...collector.outcomes.values()], cpuBefore, cpuAfter, diff(credentialCounts(stack), credentialsBefore));
  } finally {
    await collector.close();
    await serviceBus.close();
    await publisher.close();
  }
}

async function buyInALoop(activities: ReturnType<typeof createOrderActivities>, request: OrderRequest, pollInterval: () => void): Promise<void> {
  const instanceId = orderInstanceId(request.orderId);
  const receivedAt = new Date().toISOString();
  const value = <T>(result: { ok: true; value: T } | { ok: false; failure: { message: string } }): T => {
    if (!result.ok) throw new Error(`baseline order ${request.orderId}: ${result.failure.message}`);
    return result.value;
  };
  const cart = value(await activities.createCart({ instanceId, attempt: 1, request }));
  const checkedOut = value(await activities.checkoutCart({ instanceId, customerId: request.customerId, cartId: cart.cartId }));
  let orders: OrderSummary[] = checkedOut.orders;
  const submittedAt = new Date().toISOString();
  const identity = { orderId: request.orderId, customerId: request.customerId, instanceId };
  value(await activities.publishResult({ kind: 'submitted', ...identity, cartId: cart.cartId, orders, errors: [], submittedAt }));
  // No timers: the next poll follows at once (the orchestrated run's waits are skipped on the virtual clock too).
  while (orders.some((o) => o.status !== 'completed')) {
    pollInterval();
    orders = await Promise.all(orders.map(async (o) => (o.status === 'completed' ? o : value(await activities.getOrder({ instanceId, customerId: request.customerId, orderId: o.id })))));
  }
  value(
    await activities.publishResult({ kind: 'outcome', status: 'completed', ...identity, cartId: cart.cartId, orders, errors: [], receivedAt, submittedAt, finishedAt: new Date().toISOString() }),
  );
}

function diff<T extends Record<string, number>>(after: T, before: T): T {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k]])) as T;
}
