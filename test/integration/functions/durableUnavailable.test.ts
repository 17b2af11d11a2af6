// The order API when the Durable backend cannot answer: 503 naming the dependency, with Retry-After, never a bare 500
// and never the URL (it can hold the Durable system key) or the backend's exception text.
//
// Why not the local runtime: its Durable HTTP API has no way to be made to fail (local/runtime has no failure
// injection), and stopping it would take the function host down with it. So the handlers run here with the real
// durable-functions client and the real instance query, built from the binding value the local runtime hands the app
// (durableClientBindingValue), over real sockets to a loopback server that answers as the extension does when its
// storage fails (an unhandled exception: 500 with the exception in the body; 503 while the host restarts), and to a
// port where nothing listens.
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
const EXCEPTION = 'Microsoft.WindowsAzure.Storage.StorageException: Server encountered an internal error at tablestorage';

let failing: Server;
let answer = { status: 500, body: JSON.stringify({ Message: 'An error has occurred.', ExceptionMessage: EXCEPTION }) };
const requests: string[] = [];
let failingPort: number;
let closedPort: number;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  failing = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(answer.body);
  });
  failingPort = await listen(failing);
  // A port that was free a moment ago and is closed again: connecting is refused.
  const probe = createServer();
  closedPort = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(async () => {
  await new Promise((resolve) => failing.close(resolve));
});
beforeEach(() => {
  requests.length = 0;
  answer = { status: 500, body: JSON.stringify({ Message: 'An error has occurred.', ExceptionMessage: EXCEPTION }) };
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
  for (const secret of [SYSTEM_KEY, EXCEPTION, 'StorageException', `${port}`, '127.0.0.1', 'durabletask']) expect(answer.text).not.toContain(secret);
}

const BASE = 'https://orders.example.net';
const forOrder = (method: string, orderId: string) => new HttpRequest({ method, url: `${BASE}/api/orders/${orderId}`, params: { orderId } });

describe.each([
  ['answers 500 (its storage failing)', () => failingPort, () => undefined],
  ['answers 503 (the host restarting)', () => failingPort, () => void (answer = { status: 503, body: '' })],
  ['cannot be reached at all', () => closedPort, () => undefined],
])('when the Durable backend %s', (_label, port, arrange) => {
  beforeEach(() => arrange());

  test('GET /api/orders (the instance query) answers 503 with Retry-After', async () => {
    const list = createOrdersListHandler(() => createInstancePageQuery(bindingFor(port())));
    expectServiceUnavailable(await read(list(new HttpRequest({ method: 'GET', url: `${BASE}/api/orders?outcome=failed` }), context())), port());
    if (port() === failingPort) expect(requests).toEqual([expect.stringMatching(/^GET \/durabletask\/instances\/\?runtimeStatus=/)]);
  });

  test('GET /api/orders/{orderId} (getStatus of the SDK client) answers 503 with Retry-After', async () => {
    const client = new SdkDurableClient(bindingFor(port()));
    const get = createOrderStatusHandler(() => client);
    expectServiceUnavailable(await read(get(forOrder('GET', 'SO-10001'), context())), port());
    if (port() === failingPort) expect(requests).toEqual([expect.stringMatching(/^GET \/durabletask\/instances\/order-SO-10001/)]);
  });

  test('DELETE /api/orders/{orderId} and POST /api/orders answer 503 too, and nothing is started', async () => {
    const client = new SdkDurableClient(bindingFor(port()));
    expectServiceUnavailable(await read(createOrderCancelHandler(() => client)(forOrder('DELETE', 'SO-10001'), context())), port());
    const start = createOrdersHttpStartHandler({ getClient: () => client, policy: loadWorkflowPolicy({}), now: () => new Date() });
    const post = new HttpRequest({ method: 'POST', url: `${BASE}/api/orders`, body: { string: JSON.stringify(validOrder()) } });
    expectServiceUnavailable(await read(start(post, context())), port());
    expect(requests.filter((r) => r.startsWith('POST'))).toEqual([]);
  });
});

test('the log says why, without the system key', async () => {
  logs.length = 0;
  await read(createOrderStatusHandler(() => new SdkDurableClient(bindingFor(failingPort)))(forOrder('GET', 'SO-10001'), context()));
  expect(logs.some((l) => /the Durable backend is unavailable .*answered 503/.test(l))).toBe(true);
  expect(logs.join('\n')).not.toContain(SYSTEM_KEY);
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
