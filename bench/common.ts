// What both bench scenarios share: the orders they send, the local stack they run on, the ERP's view of the results
// topic, and the CPU the bench process and the runtime's process spend.

import { readFileSync } from 'node:fs';
import { ServiceBusClient, type ServiceBusMessage, type ServiceBusReceiver } from '@azure/service-bus';
import { startLocalStack, type LocalStack } from '../local/stack';
import type { OrderRequest } from '../shared/orders';

/**
 * Two products, alternating: orders of the first settle 30 s after checkout (so the first poll, a minute later, finds
 * them completed), those of the second on the second poll ("one or two polls"). `polls` is what each order needs.
 */
export const BENCH_PRODUCTS = [
  { catalogItemId: 'CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5', behaviour: { pendingPolls: null, settleDelayMs: 30_000 }, polls: 1 },
  { catalogItemId: 'CFQ7TTC0LH0Z:0001:CFQ7TTC0K18P', behaviour: { pendingPolls: 1 }, polls: 2 },
] as const;

const pad = (n: number) => String(n).padStart(12, '0');

const BENCH_CUSTOMER = /^be0c0000-0000-4000-8000-\d{12}$/;

/** Whether the id is one of benchOrder's customers: they are the partner's customers in the bench stack's simulator. */
export const isBenchCustomer = (customerId: string): boolean => BENCH_CUSTOMER.test(customerId);

/** The i-th bench order: one line (one Partner Center order), alternating the two products, a customer of its own. */
export function benchOrder(i: number, runLabel: string): OrderRequest {
  const product = BENCH_PRODUCTS[i % BENCH_PRODUCTS.length];
  return {
    orderId: `BENCH-${runLabel}-${i + 1}`,
    customerId: `be0c0000-0000-4000-8000-${pad(i + 1)}`,
    lineItems: [{ catalogItemId: product.catalogItemId, quantity: 1, billingCycle: 'monthly', termDuration: 'P1Y' }],
  };
}

/** Partner Center calls an order needs when nothing is refused: create the cart, check it out, poll until settled. */
export function necessaryCalls(orders: number): number {
  let calls = 0;
  for (let i = 0; i < orders; i++) calls += 2 + BENCH_PRODUCTS[i % BENCH_PRODUCTS.length].polls;
  return calls;
}

export interface BenchStackOptions {
  appRoot: string;
  appEntry: string;
  /** Simulator knobs for this scenario (the rate limit, above all). */
  knobs: Record<string, unknown>;
  /** Extra app settings: how a pacing setting is switched on for a comparable run. */
  settings?: Record<string, string>;
  onRuntimeOutput?: (line: string) => void;
}

export async function startBenchStack(options: BenchStackOptions): Promise<LocalStack> {
  const stack = await startLocalStack({
    appRoot: options.appRoot,
    appEntry: options.appEntry,
    clock: { kind: 'virtual', autoAdvance: true },
    // The simulator refuses customers it does not know (404/60003, as the service); every bench customer is one.
    simulator: { knobs: options.knobs, customerDirectory: isBenchCustomer },
    settings: options.settings,
    onRuntimeOutput: options.onRuntimeOutput,
  });
  for (const product of BENCH_PRODUCTS) stack.simulator.controls.setCatalogItem(product.catalogItemId, { ...product.behaviour });
  return stack;
}

/** Sends every order to the queue in as few batches as the broker allows ("at once"). */
export async function sendOrders(client: ServiceBusClient, queue: string, orders: OrderRequest[]): Promise<void> {
  const sender = client.createSender(queue);
  try {
    let batch = await sender.createMessageBatch();
    for (const order of orders) {
      const message: ServiceBusMessage = { body: order, messageId: `msg-${order.orderId}`, contentType: 'application/json' };
      if (batch.tryAddMessage(message)) continue;
      await sender.sendMessages(batch);
      batch = await sender.createMessageBatch();
      if (!batch.tryAddMessage(message)) throw new Error(`order ${order.orderId} does not fit in an empty batch`);
    }
    if (batch.count > 0) await sender.sendMessages(batch);
  } finally {
    await sender.close();
  }
}

export interface ReceivedOutcome {
  orderId: string;
  status: string;
  /** The outcome's finishedAt (the orchestration's clock: virtual time under the virtual clock). */
  finishedAt: string;
  errors: { reason?: string; message?: string; description?: string }[];
  /** performance.now() when the ERP's receiver got it. */
  receivedAtMs: number;
}

/** The ERP's subscription, read as it would be: every outcome (not the submitted milestones) as it arrives. */
export class OutcomeCollector {
  readonly outcomes = new Map<string, ReceivedOutcome>();
  readonly milestones = new Set<string>();
  private readonly receiver: ServiceBusReceiver;

  constructor(client: ServiceBusClient, topic: string, subscription: string) {
    this.receiver = client.createReceiver(topic, subscription, { receiveMode: 'receiveAndDelete' });
    this.receiver.subscribe(
      {
        processMessage: async (message) => {
          const body = message.body as { kind?: string; orderId?: string; status?: string; finishedAt?: string; errors?: ReceivedOutcome['errors'] };
          if (body?.kind === 'submitted' && body.orderId) this.milestones.add(body.orderId);
          if (body?.kind === 'outcome' && body.orderId && !this.outcomes.has(body.orderId)) {
            this.outcomes.set(body.orderId, {
              orderId: body.orderId,
              status: String(body.status),
              finishedAt: String(body.finishedAt),
              errors: body.errors ?? [],
              receivedAtMs: performance.now(),
            });
          }
        },
        processError: async (args) => {
          console.error(`bench: results receiver: ${args.error.message}`);
        },
      },
      { maxConcurrentCalls: 16 },
    );
  }

  /**
   * Resolves 'all' once `count` outcomes arrived, or 'stopped' once `stop()` says so (asked about once a second);
   * rejects after `timeoutMs` of real time, saying how many arrived.
   */
  async waitFor(count: number, timeoutMs: number, stop: () => Promise<boolean>, progress?: (received: number) => void): Promise<'all' | 'stopped'> {
    const deadline = Date.now() + timeoutMs;
    let lastReport = Date.now();
    while (this.outcomes.size < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.outcomes.size} of ${count} outcomes arrived within ${Math.round(timeoutMs / 1000)} s`);
      if (await stop()) return 'stopped';
      const target = Date.now() + 1000;
      while (this.outcomes.size < count && Date.now() < target) await new Promise((resolve) => setTimeout(resolve, 50));
      if (progress && Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        progress(this.outcomes.size);
      }
    }
    return 'all';
  }

  async close(): Promise<void> {
    await this.receiver.close();
  }
}

/** CPU time (user + system, ms) of this process and, on Linux, of another process by pid (the runtime's). */
export function cpuMs(pid?: number): { bench: number; runtime: number } {
  const own = process.cpuUsage();
  let runtime = 0;
  if (pid !== undefined) {
    try {
      // /proc/<pid>/stat: fields 14 and 15 are utime and stime in clock ticks (100 per second on Linux).
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      runtime = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      runtime = Number.NaN;
    }
  }
  return { bench: (own.user + own.system) / 1000, runtime };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Credential traffic of a run: token requests to Entra ID and the managed identity endpoint, and Key Vault reads. */
export function credentialCounts(stack: LocalStack): { entraIdTokenRequests: number; managedIdentityTokenRequests: number; keyVaultReads: number } {
  return {
    entraIdTokenRequests: stack.identity.entraId.controls.tokenRequests().total,
    managedIdentityTokenRequests: stack.identity.managedIdentity.controls.tokenRequests(),
    keyVaultReads: stack.identity.keyVault.controls.reads(),
  };
}

export function serviceBusClientFor(stack: LocalStack): ServiceBusClient {
  return new ServiceBusClient(stack.broker.connectionString, { retryOptions: { maxRetries: 3, retryDelayInMs: 200, timeoutInMs: 30_000 } });
}
