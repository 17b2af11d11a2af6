// `npm run order -- <file.json> [--http] [--watch]`: sends one order as the ERP would (a message on the orders queue,
// or POST /api/orders with --http), then with --watch prints each stage as the status API shows it and exits with a
// code for the outcome (0 completed; see OUTCOME_EXIT_CODES). Settings come from the environment, the same names as
// the app's, so it works against `npm start` with none set and against a deployed app with managed identity / az login.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DefaultAzureCredential } from '@azure/identity';
import { ServiceBusClient } from '@azure/service-bus';
import type { OrderView } from '../../functions/orderView';
import { validateOrderRequest } from '../../shared/orders';
import { ERROR_EXIT_CODE, OUTCOME_EXIT_CODES, progressLines, REJECTED_EXIT_CODE } from './progress';

const HELP = `Usage: npm run order -- <order.json> [--http] [--watch] [--timeout SECONDS]

Sends the order to the "orders" queue as the ERP does (or with --http to POST /api/orders) and, with --watch,
prints each stage and exits with the outcome: 0 completed, 2 partiallyCompleted, 3 failed, 4 cancelled,
5 timedOut, 6 unknown, 7 rejected (invalid order), 1 anything else (unreachable app, watch timed out).

Environment (all optional against \`npm start\`):
  ORDERS_API_URL      the app's API root (default http://127.0.0.1:7071/api)
  ORDERS_API_KEY      a function key for the API (in Azure)
  ServiceBusConnection                           a connection string (default: the local broker's)
  ServiceBusConnection__fullyQualifiedNamespace  <namespace>.servicebus.windows.net: sends with your Azure identity
                                                 (DefaultAzureCredential: az login, managed identity...)
  ORDERS_QUEUE        the queue (default orders)`;

/** The local broker's well-known development connection string (local/service-bus defaults), for `npm start`. */
const LOCAL_BROKER = 'Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true';

const say = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)}  ${line}`);

function api(env: NodeJS.ProcessEnv) {
  const base = (env.ORDERS_API_URL || 'http://127.0.0.1:7071/api').replace(/\/+$/, '');
  const headers: Record<string, string> = env.ORDERS_API_KEY ? { 'x-functions-key': env.ORDERS_API_KEY } : {};
  return {
    base,
    async send(method: string, path: string, body?: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
      const response = await fetch(`${base}${path}`, { method, headers: { ...headers, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: kept as text */
      }
      return { status: response.status, body: parsed };
    },
  };
}

function serviceBusClient(env: NodeJS.ProcessEnv): ServiceBusClient {
  if (env.ServiceBusConnection__fullyQualifiedNamespace) return new ServiceBusClient(env.ServiceBusConnection__fullyQualifiedNamespace, new DefaultAzureCredential());
  return new ServiceBusClient(env.ServiceBusConnection || LOCAL_BROKER);
}

async function watch(client: ReturnType<typeof api>, orderId: string, timeoutMs: number, startedByQueue: boolean): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let previous: OrderView | undefined;
  let notFoundSince = Date.now();
  for (;;) {
    const { status, body } = await client.send('GET', `/orders/${encodeURIComponent(orderId)}`);
    if (status === 200) {
      const view = body as OrderView;
      for (const line of progressLines(previous, view)) say(line);
      previous = view;
      if (view.outcome && view.runtimeStatus === 'Completed') return OUTCOME_EXIT_CODES[view.outcome] ?? ERROR_EXIT_CODE;
      if (['Failed', 'Terminated', 'Canceled'].includes(view.runtimeStatus)) return ERROR_EXIT_CODE;
    } else if (status === 404) {
      // A queue message is started when the app's trigger takes it; one it refuses never starts an order.
      if (!startedByQueue || Date.now() - notFoundSince > 60_000) {
        say(`no order ${orderId} at ${client.base}: ${startedByQueue ? 'the app may have rejected the message (see the rejection on the results topic)' : 'not found'}`);
        return startedByQueue ? REJECTED_EXIT_CODE : ERROR_EXIT_CODE;
      }
    } else {
      say(`GET /orders/${orderId} answered ${status}: ${JSON.stringify(body)}`);
      return ERROR_EXIT_CODE;
    }
    if (Date.now() > deadline) {
      say(`still ${previous?.stage ?? 'not started'} after ${timeoutMs / 1000} s; stopped watching (the order goes on)`);
      return ERROR_EXIT_CODE;
    }
    if (status !== 404) notFoundSince = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export async function runOrderCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { http: { type: 'boolean' }, watch: { type: 'boolean' }, timeout: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help || positionals.length !== 1) {
    console.log(HELP);
    return values.help ? 0 : ERROR_EXIT_CODE;
  }
  const timeoutMs = Number(values.timeout ?? 600) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    console.error(`--timeout must be a number of seconds, got ${JSON.stringify(values.timeout)}`);
    return ERROR_EXIT_CODE;
  }
  const text = readFileSync(positionals[0], 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    console.error(`${positionals[0]} is not JSON: ${(error as Error).message}`);
    return REJECTED_EXIT_CODE;
  }
  // The app validates the same way; checking first names every problem without sending anything.
  const validation = validateOrderRequest(raw);
  if (!validation.ok) {
    say(`rejected: ${validation.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
    return REJECTED_EXIT_CODE;
  }
  const { orderId } = validation.request;
  const client = api(env);

  if (values.http) {
    const answer = await client.send('POST', '/orders', text);
    if (answer.status === 400 || answer.status === 413) {
      say(`rejected (${answer.status}): ${JSON.stringify(answer.body.errors ?? answer.body)}`);
      return REJECTED_EXIT_CODE;
    }
    if (answer.status === 200 && answer.body?.alreadyExists) say(`order ${orderId} exists already; nothing started`);
    else if (answer.status === 202) say(`queued: order ${orderId} accepted over HTTP (instance ${answer.body.instanceId})`);
    else {
      say(`POST /orders answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return ERROR_EXIT_CODE;
    }
  } else {
    const queue = env.ORDERS_QUEUE || 'orders';
    const serviceBus = serviceBusClient(env);
    try {
      const sender = serviceBus.createSender(queue);
      await sender.sendMessages({ body: raw, contentType: 'application/json', messageId: `order-cli-${orderId}-${Date.now()}` });
      await sender.close();
    } finally {
      await serviceBus.close();
    }
    say(`queued: order ${orderId} sent to the "${queue}" queue`);
  }
  if (!values.watch) return 0;
  return watch(client, orderId, timeoutMs, !values.http);
}

if (require.main === module) {
  runOrderCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`order: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(ERROR_EXIT_CODE);
    },
  );
}
