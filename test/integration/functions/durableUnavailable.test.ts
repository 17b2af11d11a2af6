// The order API when the Durable backend cannot be reached at all: the connection is refused, as while the host that
// serves the durable client's RPC endpoint is down. 503 naming the dependency, with Retry-After, never a bare 500 and
// never the URL (it can hold the Durable system key).
//
// The answers the backend gives while it runs but fails (500 with the storage exception, 503, 429, a reset
// connection) are tested through the whole stack in test/e2e/durableOutage.test.ts with the local runtime's
// failDurableApi. A refused connection is the one failure the runtime cannot produce while it keeps serving the app,
// so here the handlers run with the real durable-functions client and the real instance query, built from the binding
// value the local runtime hands the app (durableClientBindingValue), against a port where nothing listens.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import { durableClientBindingValue } from '../../../local/runtime/durable/clientBinding';
import { createOrderCancelHandler } from '../../../functions/orderCancelHttp';
import { createOrderStatusHandler } from '../../../functions/orderStatusHttp';
import { createOrdersHttpStartHandler } from '../../../functions/ordersHttpStart';
import { createOrdersListHandler } from '../../../functions/ordersListHttp';
import { createInstancePageQuery } from '../../../functions/orderInstanceQuery';
import { isDurableBackendUnavailable } from '../../../functions/orderInstances';
import { loadWorkflowPolicy } from '../../../shared/config';
import { validOrder } from '../../fixtures/orders/requests';

// The SDK's client class, constructed as getClient does from the binding value (getClient itself needs a registered trigger).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DurableClient: SdkDurableClient } = require('durable-functions/lib/src/durableClient/DurableClient') as { DurableClient: new (data: unknown) => DurableClient };

const SYSTEM_KEY = 'durable-system-key-that-must-not-leak';

let closedPort: number;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  // A port that was free a moment ago and is closed again: connecting is refused.
  const probe = createServer();
  closedPort = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
});

const bindingFor = (port: number) =>
  durableClientBindingValue({
    webhookBaseUrl: `http://127.0.0.1:${port}/runtime/webhooks/durabletask`,
    rpcBaseUrl: `http://127.0.0.1:${port}/durabletask/`,
    taskHubName: 'orders',
    connectionName: 'Storage',
    systemKey: SYSTEM_KEY,
  });

const logs: string[] = [];
const context = () => new InvocationContext({ invocationId: 'inv-1', functionName: 'test', logHandler: (_level, ...args) => logs.push(args.join(' ')) });

async function read(response: Promise<unknown>) {
  const r = (await response) as HttpResponse;
  const text = await r.text();
  return { status: r.status, retryAfter: r.headers.get('retry-after'), text, body: JSON.parse(text) as Record<string, unknown> };
}

function expectServiceUnavailable(answer: { status: number; retryAfter: string | null; text: string; body: Record<string, unknown> }, port: number) {
  expect(answer.status).toBe(503);
  expect(answer.retryAfter).toBe('30');
  expect(answer.body).toEqual({ error: 'the order store (the Durable backend) is unavailable; try again later', dependency: 'durableBackend' });
  for (const secret of [SYSTEM_KEY, 'ECONNREFUSED', `${port}`, '127.0.0.1', 'durabletask']) expect(answer.text).not.toContain(secret);
}

const BASE = 'https://orders.example.net';
const forOrder = (method: string, orderId: string) => new HttpRequest({ method, url: `${BASE}/api/orders/${orderId}`, params: { orderId } });

describe('when the Durable backend cannot be reached at all (connection refused)', () => {
  test('GET /api/orders (the instance query) answers 503 with Retry-After', async () => {
    const list = createOrdersListHandler(() => createInstancePageQuery(bindingFor(closedPort)));
    expectServiceUnavailable(await read(list(new HttpRequest({ method: 'GET', url: `${BASE}/api/orders?outcome=failed` }), context())), closedPort);
  });

  test('GET /api/orders/{orderId} (getStatus of the SDK client) answers 503 with Retry-After', async () => {
    const get = createOrderStatusHandler(() => new SdkDurableClient(bindingFor(closedPort)));
    expectServiceUnavailable(await read(get(forOrder('GET', 'SO-10001'), context())), closedPort);
  });

  test('DELETE /api/orders/{orderId} and POST /api/orders answer 503 too', async () => {
    const client = new SdkDurableClient(bindingFor(closedPort));
    expectServiceUnavailable(await read(createOrderCancelHandler(() => client)(forOrder('DELETE', 'SO-10001'), context())), closedPort);
    const start = createOrdersHttpStartHandler({ getClient: () => client, policy: loadWorkflowPolicy({}), now: () => new Date() });
    const post = new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, body: { string: JSON.stringify(validOrder()) } });
    expectServiceUnavailable(await read(start(post, context())), closedPort);
  });

  test('the log says why, without the system key', async () => {
    logs.length = 0;
    await read(createOrderStatusHandler(() => new SdkDurableClient(bindingFor(closedPort)))(forOrder('GET', 'SO-10001'), context()));
    expect(logs.some((l) => /the Durable backend is unavailable .*answered 503/.test(l))).toBe(true);
    expect(logs.join('\n')).not.toContain(SYSTEM_KEY);
  });
});

describe('isDurableBackendUnavailable', () => {
  test('a 4xx other than 429, or an error of our own, is not an outage (it stays a 500)', () => {
    expect(isDurableBackendUnavailable(new Error('The operation failed with an unexpected status code: 400. Details: {}'))).toBe(false);
    expect(isDurableBackendUnavailable(new TypeError("Cannot read properties of undefined (reading 'stage')"))).toBe(false);
    expect(isDurableBackendUnavailable(new Error('The operation failed with an unexpected status code: 429. Details: {}'))).toBe(true);
  });

  test('a bug in a handler is not hidden behind a 503', async () => {
    const broken = createOrderStatusHandler(() => {
      throw new TypeError('not a Durable failure');
    });
    await expect(broken(forOrder('GET', 'SO-10001'), context())).rejects.toThrow('not a Durable failure');
  });
});
