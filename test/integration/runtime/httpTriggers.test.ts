import type { ChildRuntimeHandle } from '../../../local/runtime';
import http from 'node:http';
import { startFixtureRuntime } from './runtimeFixture';

/** A GET with a Host header and request target of our choosing (fetch does not let a caller set Host). */
function rawGet(port: number, target: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, method: 'GET', headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP triggers without keys (as func start: authLevel not enforced)', () => {
  let runtime: ChildRuntimeHandle;
  beforeAll(async () => {
    runtime = await startFixtureRuntime();
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  test('route parameters (optional too), query and response headers reach and leave the handler', async () => {
    const named = await fetch(`${runtime.apiBaseUrl}/hello/Grace?q=search`);
    expect(named.status).toBe(200);
    expect(named.headers.get('x-fixture')).toBe('hello');
    expect(await named.json()).toEqual({ hello: 'Grace', query: 'search', method: 'GET', origin: runtime.baseUrl });
    const unnamed = await fetch(`${runtime.apiBaseUrl}/hello`);
    expect(await unnamed.json()).toEqual({ hello: 'world', query: null, method: 'GET', origin: runtime.baseUrl });
    expect(runtime.apiBaseUrl).toBe(`${runtime.baseUrl}/api`);
  });

  test('an int constraint only matches digits; a JSON body is read; methods are enforced', async () => {
    const put = await fetch(`${runtime.apiBaseUrl}/items/42`, { method: 'PUT', body: JSON.stringify({ qty: 3 }), headers: { 'content-type': 'application/json' } });
    expect(put.status).toBe(201);
    expect(await put.json()).toEqual({ id: 42, body: { qty: 3 } });
    expect((await fetch(`${runtime.apiBaseUrl}/items/abc`)).status).toBe(404);
    const wrongMethod = await fetch(`${runtime.apiBaseUrl}/items/42`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(((await wrongMethod.json()) as { error: string }).error).toContain('GET, PUT');
  });

  test('unknown routes are 404 and a throwing handler is a 500 that names the function', async () => {
    const missing = await fetch(`${runtime.apiBaseUrl}/nope`);
    expect(missing.status).toBe(404);
    const explode = await fetch(`${runtime.apiBaseUrl}/explode`);
    expect(explode.status).toBe(500);
    expect(((await explode.json()) as { error: string }).error).toContain("Function 'Explode' failed");
    // The server keeps serving after the failure.
    expect((await fetch(`${runtime.apiBaseUrl}/hello/again`)).status).toBe(200);
  });

  test('the request URL the app sees is on the runtime\'s own address, whatever Host or request target the caller sent', async () => {
    const port = new URL(runtime.baseUrl).port;
    for (const target of ['/api/hello/host', 'http://evil.example/api/hello/host', '//evil.example/api/hello/host']) {
      const answer = await rawGet(Number(port), target, 'evil.example');
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ origin: runtime.baseUrl });
      expect(answer.body).not.toContain('evil');
    }
  });

  test('the durable client\'s keyless RPC API is not served on the app\'s port, only on its own loopback listener', async () => {
    expect((await fetch(`${runtime.baseUrl}/durabletask/instances/`)).status).toBe(404);
    expect(new URL(runtime.rpcBaseUrl).port).not.toBe(new URL(runtime.baseUrl).port);
    expect(new URL(runtime.rpcBaseUrl).hostname).toBe('127.0.0.1');
  });

  test('function-level routes answer without a key when no key is configured', async () => {
    const secret = await fetch(`${runtime.apiBaseUrl}/secret`);
    expect(secret.status).toBe(200);
    expect(await secret.text()).toBe('function-level secret');
  });
});

describe('HTTP triggers with keys configured', () => {
  let runtime: ChildRuntimeHandle;
  const keys = { master: 'master-key-for-tests', function: 'function-key-for-tests' };
  beforeAll(async () => {
    runtime = await startFixtureRuntime({ keys });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  test('authLevel function needs the function or master key (code or x-functions-key); anonymous needs none', async () => {
    expect((await fetch(`${runtime.apiBaseUrl}/secret`)).status).toBe(401);
    expect((await fetch(`${runtime.apiBaseUrl}/secret?code=wrong`)).status).toBe(401);
    expect((await fetch(`${runtime.apiBaseUrl}/secret?code=${keys.function}`)).status).toBe(200);
    expect((await fetch(`${runtime.apiBaseUrl}/secret`, { headers: { 'x-functions-key': keys.master } })).status).toBe(200);
    expect((await fetch(`${runtime.apiBaseUrl}/hello/anon`)).status).toBe(200);
  });

  test('authLevel admin and the Durable webhooks need the master key; the refusal never echoes a key', async () => {
    const refused = await fetch(`${runtime.apiBaseUrl}/admin-only?code=${keys.function}`);
    expect(refused.status).toBe(401);
    const text = await refused.text();
    expect(text).not.toContain(keys.function);
    expect(text).not.toContain(keys.master);
    expect((await fetch(`${runtime.apiBaseUrl}/admin-only?code=${keys.master}`)).status).toBe(200);
    expect((await fetch(`${runtime.durableApiUrl}/instances/`)).status).toBe(401);
    expect((await fetch(`${runtime.durableApiUrl}/instances/?code=${keys.master}`)).status).toBe(200);
  });

  test('the check-status URLs an HTTP starter returns carry the key and work as given', async () => {
    const response = await fetch(`${runtime.apiBaseUrl}/orchestrators/Chaining/keyed-1`, { method: 'POST', body: JSON.stringify('keys') });
    expect(response.status).toBe(202);
    const payload = (await response.json()) as { statusQueryGetUri: string };
    expect(payload.statusQueryGetUri).toContain(`code=${keys.master}`);
    await runtime.waitForInstance('keyed-1');
    const status = await fetch(payload.statusQueryGetUri);
    expect(status.status).toBe(200);
    expect(((await status.json()) as { runtimeStatus: string }).runtimeStatus).toBe('Completed');
  });
});
