// The fault suite's shared parts: the seed every scenario draws from (printed, and set with RELIABILITY_SEED to
// replay a run), the stack it runs on, and the three-ledger check each scenario ends with:
//   1. Partner Center (the simulator's own ledger): carts, checkouts and orders per customer, each order with its cart;
//   2. the results topic: what the ERP reads;
//   3. the runtime's instances.
// Nothing lost (every order has one outcome and a finished instance), nothing bought twice (at most one ordered cart
// per ERP order), no outcome that contradicts Partner Center (its orders are exactly its cart's orders), no secret in
// any log or message.
import { createSeededRandom } from '../../local/partner-center-simulator/prng';
import type { InspectedMessage } from '../../local/service-bus';
import { orderInstanceId } from '../../shared/orders';
import { ERP_SUBSCRIPTION, startE2eStack, type E2eStack } from '../e2e/stack';
import type { LocalStackOptions } from '../../local/stack';

export const SEED = Number(process.env.RELIABILITY_SEED ?? 15);
if (!Number.isInteger(SEED) || SEED < 0) throw new Error(`RELIABILITY_SEED must be a whole number (got ${process.env.RELIABILITY_SEED})`);

/** A seeded random source per scenario, printed so a failing run can be replayed with RELIABILITY_SEED. */
export function seededRandom(scenario: string): () => number {
  let mix = SEED >>> 0;
  for (const char of scenario) mix = Math.imul(mix ^ (char.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  console.log(`reliability: scenario "${scenario}" seed ${SEED} (stream ${mix}); replay with RELIABILITY_SEED=${SEED}`);
  return createSeededRandom(mix);
}

/**
 * Settings for the suite: the production defaults except a shorter order deadline, so an order that cannot be told
 * ends within a few simulated hours rather than a week, and quick polling.
 */
export const SUITE_SETTINGS: Record<string, string> = {
  ORDER_POLL_DEADLINE: 'PT3H',
  ORDER_POLL_INITIAL_INTERVAL: 'PT10S',
  ORDER_POLL_MAX_INTERVAL: 'PT5M',
};

/** One stack per suite file, on the virtual clock; the simulator is not reset between tests (the ledgers add up). */
export function useReliabilityStack(options: Partial<LocalStackOptions> = {}): E2eStack {
  let started: E2eStack | undefined;
  beforeAll(async () => {
    started = await startE2eStack({ ...options, settings: { ...SUITE_SETTINGS, ...options.settings } });
  }, 60_000);
  afterAll(async () => {
    await started?.stop();
  });
  return new Proxy({} as E2eStack, {
    get(_target, property) {
      if (!started) throw new Error('the reliability stack is used before beforeAll started it');
      return started[property as keyof E2eStack];
    },
  });
}

export interface ErpOrder {
  orderId: string;
  customerId: string;
}

interface OutcomeBody {
  kind: string;
  status: string;
  cartId: string | null;
  orders: { id: string }[];
  errors: { reason?: string; message?: string }[];
}

/** The outcome of each order, after checking the three ledgers; throws (fails the test) naming what is wrong. */
export async function checkLedgers(stack: E2eStack, orders: ErpOrder[]): Promise<Map<string, OutcomeBody>> {
  const problems: string[] = [];
  const outcomes = new Map<string, OutcomeBody>();
  const topic = stack.broker.inspect.messages(ERP_SUBSCRIPTION);
  const durableInstances = await listInstances(stack);

  for (const order of orders) {
    const instanceId = orderInstanceId(order.orderId);
    // Runtime: the order's instance finished, and finished well (a Failed instance never published its outcome).
    const instance = durableInstances.find((i) => i.instanceId === instanceId);
    if (instance?.runtimeStatus !== 'Completed') problems.push(`${order.orderId}: instance ${instanceId} is ${instance?.runtimeStatus ?? 'missing'}, not Completed`);
    // Results topic: exactly one outcome, after at most one submitted milestone.
    const results = topic.filter((m) => m.correlationId === order.orderId);
    const outcomeMessages = results.filter((m) => (m.body as OutcomeBody)?.kind === 'outcome');
    if (outcomeMessages.length !== 1) problems.push(`${order.orderId}: ${outcomeMessages.length} outcomes on the results topic (${results.map((m) => m.subject).join(', ')})`);
    if (results.filter((m) => m.subject === 'submitted').length > 1) problems.push(`${order.orderId}: more than one submitted milestone`);
    const outcome = outcomeMessages[0]?.body as OutcomeBody | undefined;
    if (outcome === undefined) continue;
    outcomes.set(order.orderId, outcome);

    // Partner Center: what the outcome says matches what was bought.
    const ledger = stack.simulator.controls.orders(order.customerId);
    const ofCart = ledger.filter((o) => o.cartId === outcome.cartId).map((o) => o.id).sort();
    const claimed = outcome.orders.map((o) => o.id).sort();
    if (['completed', 'partiallyCompleted', 'timedOut'].includes(outcome.status)) {
      if (claimed.length === 0 || JSON.stringify(claimed) !== JSON.stringify(ofCart)) {
        problems.push(`${order.orderId}: outcome ${outcome.status} lists orders [${claimed}] but Partner Center has [${ofCart}] for cart ${outcome.cartId}`);
      }
    } else if (outcome.status === 'unknown') {
      if (claimed.length > 0) problems.push(`${order.orderId}: outcome unknown lists orders [${claimed}]`);
      if (!outcome.errors.some((e) => e.reason === 'checkoutUnknown' && e.message?.includes(String(outcome.cartId)))) problems.push(`${order.orderId}: outcome unknown does not name its cart`);
    } else if (ofCart.length > 0 || claimed.length > 0) {
      problems.push(`${order.orderId}: outcome ${outcome.status} but Partner Center has orders [${ofCart}] for its cart ${outcome.cartId}`);
    }
  }

  // Partner Center, per customer: never more ordered carts than ERP orders, one checkout per ordered cart.
  for (const customerId of new Set(orders.map((o) => o.customerId))) {
    const erpOrders = orders.filter((o) => o.customerId === customerId).length;
    const ledger = stack.simulator.controls.orders(customerId);
    const orderedCarts = new Set(ledger.map((o) => o.cartId));
    const counts = stack.simulator.controls.counts(customerId);
    if (orderedCarts.size > erpOrders) problems.push(`customer ${customerId}: ${orderedCarts.size} carts checked out for ${erpOrders} ERP order(s): bought twice`);
    if (counts.checkouts !== orderedCarts.size) problems.push(`customer ${customerId}: ${counts.checkouts} checkouts for ${orderedCarts.size} ordered carts`);
    const claimedCarts = [...outcomes.entries()].filter(([id]) => orders.find((o) => o.orderId === id)?.customerId === customerId);
    for (const cartId of orderedCarts) {
      if (!claimedCarts.some(([, outcome]) => outcome.cartId === cartId)) problems.push(`customer ${customerId}: cart ${cartId} was bought but no outcome names it`);
    }
  }

  problems.push(...secretsIn(stack, topic));
  if (problems.length > 0) throw new Error(`ledgers disagree (seed ${SEED}):\n- ${problems.join('\n- ')}`);
  return outcomes;
}

/** No secret, token or vault URL in the runtime's output or on the results topic. */
export function secretsIn(stack: E2eStack, topic: InspectedMessage[] = stack.broker.inspect.messages(ERP_SUBSCRIPTION)): string[] {
  const problems: string[] = [];
  const logs = stack.output.join('\n');
  const messages = JSON.stringify(topic.map((m) => [m.body, m.applicationProperties]));
  const vaultHost = new URL(stack.settings.KEY_VAULT_URL).host;
  for (const [where, text] of [['runtime output', logs], ['results topic', messages]] as const) {
    if (text.includes(stack.clientSecret)) problems.push(`the Partner Center client secret appears in the ${where}`);
    if (/eyJ[\w-]{10,}\.[\w-]{10,}\./.test(text)) problems.push(`a bearer token (JWT) appears in the ${where}`);
  }
  if (messages.includes(vaultHost)) problems.push('the Key Vault address appears on the results topic');
  return problems;
}

export async function listInstances(stack: E2eStack): Promise<{ instanceId: string; runtimeStatus: string }[]> {
  const response = await fetch(`${stack.runtime.durableApiUrl}/instances`);
  if (!response.ok) throw new Error(`listing instances answered ${response.status}`);
  return (await response.json()) as { instanceId: string; runtimeStatus: string }[];
}

/** Waits for the instances to finish (for the stepped clock use driveUntilFinished instead). */
export async function waitForOrders(stack: E2eStack, orders: ErpOrder[], timeoutMs = 60_000): Promise<void> {
  await Promise.all(orders.map((o) => stack.runtime.waitForInstance(orderInstanceId(o.orderId), { timeoutMs })));
  await stack.runtime.runUntilIdle();
}
