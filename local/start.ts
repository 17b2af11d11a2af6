// `npm start`: the whole app on this machine, on embedded defaults, with nothing to install or configure.
// Starts the local stack (local/stack.ts) on the ports of local.settings.sample.json, sends the sample order through
// it once so you can watch an order go from the API to Partner Center (the simulator) and to the results topic, then
// keeps serving until Ctrl+C.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OrderView } from '../functions/orderView';
import { progressLines } from '../tools/order/progress';
import { parseArgs } from 'node:util';
import { ServiceBusClient } from '@azure/service-bus';
import { orderInstanceId } from '../shared/orders';
import { LOCAL_IDENTITY_DEFAULTS } from './identity/localDefaults';
import { parseClockFlag, parseStoreFlag } from './runtime/cli';
import type { StoreOption } from './runtime';
import { startLocalStack, type LocalStack } from './stack';

const HELP = `npm start -- [flags]

Runs the app in the local Functions + Durable runtime with local stand-ins for Partner Center, Service Bus,
Entra ID, managed identity and Key Vault, then sends the sample order through it.

  --port N          HTTP port of the app (default 7071)
  --store S         memory (default) or file:<dir> (durable state survives a restart), e.g. file:.local-data/durable
  --clock C         real (default) or virtual (timers fire as soon as nothing else can run)
  --no-demo         do not send the sample order
  --exit            stop after the sample order has finished (a smoke test of the whole app)
  --help            this text`;

// Local runs poll quickly so that an order finishes in seconds; in Azure the defaults of shared/config apply.
const LOCAL_WORKFLOW_SETTINGS = { ORDER_POLL_INITIAL_INTERVAL: 'PT2S', ORDER_POLL_MAX_INTERVAL: 'PT1M' };

interface StartFlags {
  port: number;
  store: StoreOption;
  clock: 'real' | 'virtual';
  demo: boolean;
  exit: boolean;
}

function parseFlags(argv: string[], root: string): StartFlags | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      store: { type: 'string' },
      clock: { type: 'string' },
      'no-demo': { type: 'boolean' },
      exit: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const port = Number(values.port ?? 7071);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number (0-65535), got "${values.port}"`);
  return {
    port,
    store: parseStoreFlag(values.store ?? 'memory', root),
    clock: parseClockFlag(values.clock ?? 'real'),
    demo: !values['no-demo'],
    exit: Boolean(values.exit),
  };
}

function printWelcome(stack: LocalStack): void {
  const api = stack.runtime.apiBaseUrl;
  console.log(`
The Partner Center order workflow is running locally.

  App (HTTP triggers)        ${api}/orders
  Durable HTTP API           ${stack.runtime.durableApiUrl}/instances
  Partner Center simulator   ${stack.simulator.url}   (control API: ${stack.simulator.url}/_simulator/counts)
  Service Bus broker         ${stack.broker.connectionString}
  Entra ID / Key Vault       ${stack.identity.entraId.authorityHost} / ${stack.identity.keyVault.vaultUrl}

Try it:
  curl -i -X POST ${api}/orders -H "Content-Type: application/json" --data @test/fixtures/orders/sample-order.json
  curl -s ${api}/orders/SO-10001
  curl -i -X DELETE ${api}/orders/SO-10001
  curl -s "${api}/orders?outcome=failed,unknown"          # the list: outcome, stage, waitingFor, customerId, createdFrom...
  npm run order -- test/fixtures/orders/sample-order.json --watch   # as the ERP would, stage by stage
  open ${api}/orders-page                                # the orders page; contracts at ${api}/contracts/openapi.json
  curl -s -X POST ${stack.simulator.url}/_simulator/customers -d '{"customerIds":["<GUID>"]}'   # another customer: others get 404/60003

ERPs send orders to the queue "orders" and read outcomes from topic "order-results", subscription "erp",
with the connection string above. Ctrl+C stops everything.
`);
}

async function runSampleOrder(stack: LocalStack, root: string): Promise<void> {
  // The sample order under its own id, so that the curl example above still starts a new order.
  const sample = JSON.parse(readFileSync(path.join(root, 'test', 'fixtures', 'orders', 'sample-order.json'), 'utf8')) as { orderId: string };
  const order = { ...sample, orderId: `DEMO-${sample.orderId}` };
  console.log(`Sending the sample order as ${order.orderId} to the "orders" queue...`);
  const client = new ServiceBusClient(stack.broker.connectionString);
  try {
    const sender = client.createSender('orders');
    await sender.sendMessages({ body: order, contentType: 'application/json', messageId: `sample-${order.orderId}` });
    await sender.close();

    const status = await stack.runtime.waitForInstance(orderInstanceId(order.orderId), { timeoutMs: 10 * 60_000 });
    const view = await (await fetch(`${stack.runtime.apiBaseUrl}/orders/${encodeURIComponent(order.orderId)}`)).json();
    console.log(`Order ${order.orderId} finished (${status.runtimeStatus}):\n${JSON.stringify(view, null, 2)}`);

    // Peek, so that the messages stay on the subscription for whoever plays the ERP.
    const receiver = client.createReceiver('order-results', 'erp');
    const messages = await receiver.peekMessages(10);
    await receiver.close();
    console.log(`Results topic "order-results" (subscription "erp"): ${messages.map((m) => `${m.subject} [${m.messageId}]`).join(', ')}`);
    const counts = stack.simulator.controls.counts();
    console.log(`Partner Center simulator: ${counts.carts} cart(s), ${counts.orders} order(s).`);
  } finally {
    await client.close();
  }
}

/**
 * Live progress: one line per change of any order started since now, read from the list API once a second (what an
 * operator's own tooling would do). Never stops the stack: a failed read is retried on the next tick.
 */
function followProgress(api: string, since: string): void {
  const seen = new Map<string, OrderView>();
  const tick = async () => {
    let token: string | null = null;
    for (let page = 0; page < 5; page++) {
      const query = new URLSearchParams({ createdFrom: since, pageSize: '100', ...(token ? { continuationToken: token } : {}) });
      const response = await fetch(`${api}/orders?${query}`);
      if (response.status !== 200) return;
      const body = (await response.json()) as { orders: OrderView[]; continuationToken: string | null };
      for (const view of body.orders) {
        for (const line of progressLines(seen.get(view.orderId), view)) console.log(`[order ${view.orderId}] ${line}`);
        seen.set(view.orderId, view);
      }
      token = body.continuationToken;
      if (!token) return;
    }
  };
  const timer = setInterval(() => void tick().catch(() => undefined), 1000);
  timer.unref();
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const flags = parseFlags(process.argv.slice(2), root);
  if (flags === 'help') {
    console.log(HELP);
    return;
  }
  const defaults = LOCAL_IDENTITY_DEFAULTS.ports;
  const stack = await startLocalStack({
    appRoot: root,
    appEntry: 'dist/functions/index.js',
    ports: { runtime: flags.port, partnerCenter: 7080, serviceBus: 5672, entraId: defaults.entraId, managedIdentity: defaults.managedIdentity, keyVault: defaults.keyVault },
    clock: flags.clock === 'virtual' ? { kind: 'virtual', autoAdvance: true } : 'real',
    store: flags.store,
    settings: LOCAL_WORKFLOW_SETTINGS,
    caFile: path.join(root, LOCAL_IDENTITY_DEFAULTS.caFile),
    onRuntimeOutput: (line) => console.log(`[app] ${line}`),
  });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  printWelcome(stack);
  followProgress(stack.runtime.apiBaseUrl, (await stack.runtime.now()).toISOString());
  try {
    if (flags.demo) await runSampleOrder(stack, root);
  } catch (error) {
    console.error(`The sample order did not finish: ${error instanceof Error ? error.message : String(error)}`);
    await stop(1);
  }
  if (flags.exit) await stop(0);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const hint = /EADDRINUSE/.test(message) ? '\nA port is already in use: stop the other process, or choose another app port with --port.' : '';
  console.error(`npm start failed: ${message}${hint}`);
  process.exit(1);
});
