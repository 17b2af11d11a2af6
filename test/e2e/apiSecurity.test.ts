// The orders API tried as an attacker holding an ordinary function key would try it, over the whole local stack with
// keys enforced: every attempt of issue 11, with the answers it must now get, and what already held up.
import http from 'node:http';
import { orderInstanceId } from '../../shared/orders';
import { validOrder } from '../fixtures/orders/requests';
import { customerIdFor, resultsFor, simulatorCalls, useE2eStack, waitFor, ERP_SUBSCRIPTION, fetchAnswer, type Answer } from './stack';
import { loadWorkflowPolicy } from '../../shared/config';

const KEYS = { master: 'e2e-master-key-7f3a9c', function: 'e2e-function-key-51d2be' };
const stack = useE2eStack({ keys: KEYS });

/** A call to the app as the ERP makes it: with the function key, unless told otherwise. */
async function call(method: string, path: string, options: { body?: string | Buffer; key?: string | null; headers?: Record<string, string> } = {}): Promise<Answer> {
  const key = options.key === undefined ? KEYS.function : options.key;
  const headers: Record<string, string> = { ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(key ? { 'x-functions-key': key } : {}), ...options.headers };
  return fetchAnswer(path.startsWith('http') ? path : `${stack.runtime.baseUrl}${path}`, { method, headers, body: options.body });
}
const postOrder = (order: unknown, key?: string | null) => call('POST', '/api/orders', { body: typeof order === 'string' ? order : JSON.stringify(order), key });

/** Nothing in a response may lead to the Durable management API or carry a key. */
function expectNoManagementLinks(answer: Answer): void {
  const everything = `${answer.text}\n${[...answer.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n')}`;
  expect(everything).not.toMatch(/code=/i);
  expect(everything).not.toContain('/runtime/webhooks');
  expect(everything).not.toContain('durabletask');
  expect(everything).not.toContain(KEYS.master);
  expect(everything).not.toContain(KEYS.function);
}

async function instanceCount(): Promise<number> {
  return (await stack.runtime.stats()).instances;
}

async function sendToQueue(messages: { body: unknown; messageId: string }[]): Promise<void> {
  const sender = stack.serviceBus.createSender('orders');
  try {
    for (let i = 0; i < messages.length; i += 100) {
      await sender.sendMessages(messages.slice(i, i + 100).map((m) => ({ ...m, contentType: 'application/json' })));
    }
  } finally {
    await sender.close();
  }
}

const rejectionOf = (messageId: string) =>
  waitFor(`the rejection of ${messageId}`, () => stack.broker.inspect.messages(ERP_SUBSCRIPTION).find((m) => m.messageId === `rejected:${messageId}`));

/** A request with a Host header of the caller's choosing (fetch does not let a caller set Host). */
function rawPost(path: string, host: string, body: string): Promise<{ status: number; location?: string; body: string }> {
  const { port } = new URL(stack.runtime.baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: Number(port), path, method: 'POST', headers: { host, 'content-type': 'application/json', 'x-functions-key': KEYS.function } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('who may call (held up, must keep holding)', () => {
  it('every route needs a key, and a wrong key is refused without being echoed', async () => {
    for (const [method, path] of [['POST', '/api/orders'], ['GET', '/api/orders/SO-SEC-0'], ['DELETE', '/api/orders/SO-SEC-0']]) {
      const none = await call(method, path, { key: null, body: method === 'POST' ? JSON.stringify(validOrder({ orderId: 'SO-SEC-0' })) : undefined });
      expect([method, path, none.status]).toEqual([method, path, 401]);
      const wrong = await call(method, path, { key: 'not-the-key' });
      expect(wrong.status).toBe(401);
      expect(wrong.text).not.toContain('not-the-key');
    }
    expect(await instanceCount()).toBe(0);
  });

  it('answers no CORS: no Access-Control-Allow-Origin, and no preflight is granted', async () => {
    const get = await call('GET', '/api/orders/SO-SEC-0', { headers: { Origin: 'https://evil.example' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await call('OPTIONS', '/api/orders', { headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('no management URL or system key in any response', () => {
  it('the 202 and the duplicate 200 carry only the order\'s own /api/orders/{orderId} URLs', async () => {
    const order = validOrder({ orderId: 'SO-SEC-1', customerId: customerIdFor('sec-links') });
    const accepted = await postOrder(order);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ orderId: 'SO-SEC-1', instanceId: 'order-SO-SEC-1', statusUrl: '/api/orders/SO-SEC-1', cancelUrl: '/api/orders/SO-SEC-1' });
    expect(accepted.headers.get('location')).toBe('/api/orders/SO-SEC-1');
    expectNoManagementLinks(accepted);

    const duplicate = await postOrder(order);
    expect(duplicate.status).toBe(200);
    expect(duplicate.body).toMatchObject({ alreadyExists: true, statusUrl: '/api/orders/SO-SEC-1', cancelUrl: '/api/orders/SO-SEC-1' });
    expectNoManagementLinks(duplicate);

    await stack.runtime.waitForInstance('order-SO-SEC-1', { timeoutMs: 30_000 });
    const view = await call('GET', '/api/orders/SO-SEC-1');
    expect(view.body).toMatchObject({ orderId: 'SO-SEC-1', outcome: 'completed' });
    expectNoManagementLinks(view);
    const cancel = await call('DELETE', '/api/orders/SO-SEC-1');
    expect(cancel.status).toBe(409);
    expectNoManagementLinks(cancel);
  }, 60_000);

  it('with a function key, the Durable API cannot list, start, terminate or purge; only the system (master) key can', async () => {
    const order = validOrder({ orderId: 'SO-SEC-2', customerId: customerIdFor('sec-management') });
    expect((await postOrder(order)).status).toBe(202);
    await stack.runtime.waitForInstance('order-SO-SEC-2', { timeoutMs: 30_000 });
    const webhook = '/runtime/webhooks/durabletask';
    const attempts: [string, string][] = [
      ['GET', `${webhook}/instances?showInput=true`],
      ['GET', `${webhook}/instances/order-SO-SEC-2?showInput=true`],
      ['POST', `${webhook}/orchestrators/processOrder/order-SO-SEC-2-again`],
      ['POST', `${webhook}/instances/order-SO-SEC-2/terminate?reason=x`],
      ['DELETE', `${webhook}/instances/order-SO-SEC-2`],
      ['DELETE', `${webhook}/instances?createdTimeFrom=2000-01-01T00:00:00Z`],
      ['POST', `${webhook}/instances/order-SO-SEC-2/raiseEvent/cancel`],
    ];
    for (const [method, path] of attempts) {
      for (const code of [`code=${KEYS.function}`, '']) {
        const answer = await call(method, `${path}${path.includes('?') ? '&' : '?'}${code}`, { key: null, body: method === 'POST' ? '{}' : undefined });
        expect([method, path, code, answer.status]).toEqual([method, path, code, 401]);
      }
      const withHeader = await call(method, path, { body: method === 'POST' ? '{}' : undefined });
      expect([method, path, withHeader.status]).toEqual([method, path, 401]);
    }
    // The durable client's keyless RPC API is not on the app's port at all.
    expect((await call('GET', '/durabletask/instances/')).status).toBe(404);
    expect((await call('DELETE', '/durabletask/instances/order-SO-SEC-2')).status).toBe(404);
    expect((await call('POST', '/durabletask/orchestrators/processOrder', { body: '{}' })).status).toBe(404);

    // The order is still there, finished once, bought once; re-posting it buys nothing.
    expect((await call('GET', '/api/orders/SO-SEC-2')).body).toMatchObject({ outcome: 'completed' });
    expect((await postOrder(order)).status).toBe(200);
    await stack.runtime.runUntilIdle();
    expect(stack.simulator.controls.counts(order.customerId)).toMatchObject({ carts: 1, checkouts: 1 });
    expect(await instanceCount()).toBeGreaterThan(0);
    // Operators, with the system key, still have the Durable API.
    expect((await call('GET', `${webhook}/instances/order-SO-SEC-2`, { key: KEYS.master })).status).toBe(200);
  }, 60_000);

  it('an order whose history an operator purged, posted again, buys nothing: its order id stays claimed', async () => {
    const order = validOrder({ orderId: 'SO-SEC-PURGED', customerId: customerIdFor('sec-purged') });
    expect((await postOrder(order)).status).toBe(202);
    await stack.runtime.waitForInstance('order-SO-SEC-PURGED', { timeoutMs: 30_000 });
    expect(stack.simulator.controls.counts(order.customerId)).toMatchObject({ carts: 1, checkouts: 1 });
    // The operator purges the order's history with the system key, and Partner Center forgets the request ids too.
    expect((await call('DELETE', '/runtime/webhooks/durabletask/instances/order-SO-SEC-PURGED', { key: KEYS.master })).status).toBe(200);
    stack.simulator.controls.forgetRequestIds();
    expect((await call('GET', '/api/orders/SO-SEC-PURGED')).status).toBe(404);

    // Posted again: the starter finds no instance and starts one, but the order id's claim is the first start's.
    expect((await postOrder(order)).status).toBe(202);
    const again = await stack.runtime.waitForInstance('order-SO-SEC-PURGED', { timeoutMs: 30_000 });
    expect(again.runtimeStatus).toBe('Completed');
    expect(again.output).toMatchObject({ kind: 'duplicateStart', orderId: 'SO-SEC-PURGED' });
    expect(stack.simulator.controls.counts(order.customerId)).toMatchObject({ carts: 1, checkouts: 1 });
    const view = await call('GET', '/api/orders/SO-SEC-PURGED');
    expect(view.body).toMatchObject({ stage: 'finished', outcome: null, lastError: expect.stringMatching(/^order SO-SEC-PURGED was already started at .+; this start bought nothing$/) });
    // One outcome for the order, from the start that bought it.
    const outcomes = resultsFor(stack, 'SO-SEC-PURGED').filter((m) => m.subject !== 'submitted');
    expect(outcomes.map((m) => m.subject)).toEqual(['completed']);
  }, 60_000);

  it('even an operator starting processOrder directly with ".." as the customer id cannot put it in a Partner Center URL', async () => {
    const customerId = '..';
    const input = { request: { ...validOrder({ orderId: 'SO-SEC-DOTS' }), customerId }, receivedAt: new Date().toISOString(), policy: loadWorkflowPolicy({}) };
    const started = await call('POST', '/runtime/webhooks/durabletask/orchestrators/processOrder/order-SO-SEC-DOTS', { key: KEYS.master, body: JSON.stringify(input) });
    expect(started.status).toBe(202);
    const final = await stack.runtime.waitForInstance('order-SO-SEC-DOTS', { timeoutMs: 30_000 });
    expect(final.output).toMatchObject({
      status: 'failed',
      errors: [{ source: 'partnerCenter', reason: 'refused', operation: 'createCart', description: 'customerId must be a GUID (got ".."); the call was not sent' }],
    });
    // Every call that reached Partner Center addressed a customer by GUID; ".." never resolved into another path.
    expect(stack.simulator.controls.requestLog().filter((r) => !/^\/v1\/customers\/[0-9a-f-]{36}\//.test(r.path))).toEqual([]);
    expect(stack.simulator.controls.requestLog().filter((r) => r.path.includes('..'))).toEqual([]);
  }, 60_000);
});

describe('one order id, one purchase', () => {
  it('an id with a lone surrogate is refused (400, orderId named) and nothing starts or is bought', async () => {
    const before = await instanceCount();
    const customerId = customerIdFor('sec-surrogate');
    const body = JSON.stringify(validOrder({ orderId: 'ID-\ud800', customerId }));
    expect(body).toContain('\\ud800');
    const answer = await postOrder(body);
    expect(answer).toMatchObject({ status: 400, body: { errors: [{ field: 'orderId', message: expect.stringMatching(/lone surrogate/) }] } });
    await stack.runtime.runUntilIdle();
    expect(await instanceCount()).toBe(before);
    expect(simulatorCalls(stack, customerId)).toEqual([]);
  });

  it('lookalike ids: case variants and NFD are the same order (200), padded and zero-width ids are refused; one cart', async () => {
    const customerId = customerIdFor('sec-lookalikes');
    expect((await postOrder(validOrder({ orderId: 'ID-CASE-1', customerId }))).status).toBe(202);
    expect((await postOrder(validOrder({ orderId: 'CAF\u00c9-1', customerId }))).status).toBe(202);
    for (const orderId of ['id-case-1', 'Id-Case-1', 'CAFE\u0301-1', 'caf\u00e9-1']) {
      const same = await postOrder(validOrder({ orderId, customerId }));
      expect([orderId, same.status, same.body.alreadyExists]).toEqual([orderId, 200, true]);
    }
    for (const orderId of ['ID-CASE-1 ', ' ID-CASE-1', 'ID-\u200bCASE-1', 'ID-CASE-1\u00a0', 'ID-\u2060CASE-1', 'ID-\ufeffCASE-1']) {
      const refused = await postOrder(validOrder({ orderId, customerId }));
      expect([JSON.stringify(orderId), refused.status, refused.body.errors?.[0]?.field]).toEqual([JSON.stringify(orderId), 400, 'orderId']);
    }
    await stack.runtime.waitForInstance(orderInstanceId('ID-CASE-1'), { timeoutMs: 30_000 });
    await stack.runtime.waitForInstance(orderInstanceId('CAF\u00c9-1'), { timeoutMs: 30_000 });
    await stack.runtime.runUntilIdle();
    expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 2, checkouts: 2 });
    expect((await call('GET', '/api/orders/id-case-1')).body).toMatchObject({ instanceId: 'order-ID-CASE-1', outcome: 'completed' });
  }, 60_000);

  it('two different invalid-UTF-8 ids cannot collide as U+FFFD: both refused (400, body named), nothing started', async () => {
    const before = await instanceCount();
    const customerId = customerIdFor('sec-utf8');
    const template = JSON.stringify(validOrder({ orderId: 'ID-@', customerId }));
    for (const bad of [[0xff], [0xc3, 0x28]]) {
      const [head, tail] = template.split('@');
      const bytes = Buffer.concat([Buffer.from(head), Buffer.from(bad), Buffer.from(tail)]);
      const answer = await call('POST', '/api/orders', { body: bytes });
      expect(answer).toMatchObject({ status: 400, body: { errors: [{ field: '(body)', message: expect.stringMatching(/UTF-8/) }] } });
    }
    // U+FFFD sent as text (what a lossy decoder upstream would produce) is refused too.
    expect((await postOrder(validOrder({ orderId: 'ID-\ufffd', customerId }))).body.errors[0]).toMatchObject({ field: 'orderId' });
    expect(await instanceCount()).toBe(before);
    expect(simulatorCalls(stack, customerId)).toEqual([]);
  });

  it('30 concurrent POSTs of one id make one instance and one cart (held up)', async () => {
    const order = validOrder({ orderId: 'SO-SEC-RACE', customerId: customerIdFor('sec-race') });
    const answers = await Promise.all(Array.from({ length: 30 }, () => postOrder(order)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(29);
    await stack.runtime.waitForInstance('order-SO-SEC-RACE', { timeoutMs: 30_000 });
    await stack.runtime.runUntilIdle();
    expect(stack.simulator.controls.counts(order.customerId)).toMatchObject({ carts: 1, checkouts: 1 });
  }, 60_000);

  it('control, separator and bidi characters in ids are refused and never written raw into the logs', async () => {
    const customerId = customerIdFor('sec-logs');
    const ids = ['SO-\u0085-1', 'SO-\u2028-1', 'SO-\u202e1-OS', 'SO-\r\nFAKE LOG LINE'];
    for (const orderId of ids) {
      const answer = await postOrder(validOrder({ orderId, customerId }));
      expect(answer).toMatchObject({ status: 400, body: { errors: [{ field: 'orderId' }] } });
    }
    await sendToQueue(ids.map((orderId, i) => ({ body: validOrder({ orderId, customerId }), messageId: `sec-log-${i}` })));
    for (let i = 0; i < ids.length; i++) {
      const rejection = await rejectionOf(`sec-log-${i}`);
      expect(rejection.body).toMatchObject({ kind: 'rejection', claimedOrderExists: false });
      expect((rejection.body as { claimedOrderId: string }).claimedOrderId).not.toMatch(/[\u0085\u2028\u202e\r\n]/);
    }
    await waitFor('the rejections to be logged', () => (stack.output.some((l) => l.includes('sec-log-3')) ? true : undefined));
    expect(stack.output.filter((line) => /[\u0085\u2028\u2029\u202e]/.test(line))).toEqual([]);
    expect(stack.output.filter((line) => line.startsWith('FAKE LOG LINE'))).toEqual([]);
    expect(stack.output.join('\n')).toContain('SO-\\u{202E}1-OS');
  });
});

describe('limits', () => {
  it('a 10 MB provisioningContext and a 300 KB body get 413 before anything starts', async () => {
    const before = await instanceCount();
    const customerId = customerIdFor('sec-large');
    for (const size of [10 * 1024 * 1024, 300 * 1024]) {
      const order = validOrder({ orderId: `SO-SEC-BIG-${size}`, customerId });
      const big = { ...order, lineItems: [{ ...order.lineItems[0], provisioningContext: { blob: 'x'.repeat(size) } }] };
      const answer = await postOrder(big);
      expect(answer).toMatchObject({ status: 413, body: { errors: [{ field: '(body)' }] } });
      expect((await call('GET', `/api/orders/SO-SEC-BIG-${size}`)).status).toBe(404);
    }
    expect(await instanceCount()).toBe(before);
    expect(simulatorCalls(stack, customerId)).toEqual([]);
  }, 60_000);

  it('provisioningContext is bounded in keys, depth and value length, with the field named', async () => {
    const customerId = customerIdFor('sec-context');
    const order = validOrder({ orderId: 'SO-SEC-CTX', customerId });
    const withContext = (provisioningContext: unknown) => ({ ...order, lineItems: [{ ...order.lineItems[0], provisioningContext }] });
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    expect((await postOrder(withContext(many))).body.errors).toEqual([{ field: 'lineItems[0].provisioningContext', message: 'must have at most 20 keys (got 21)' }]);
    expect((await postOrder(withContext({ scope: { deeper: { still: 'x' } } }))).body.errors).toEqual([
      { field: 'lineItems[0].provisioningContext.scope', message: expect.stringMatching(/one level deep/) },
    ]);
    expect((await postOrder(withContext({ scope: 'x'.repeat(2000) }))).body.errors).toEqual([
      { field: 'lineItems[0].provisioningContext.scope', message: 'must be at most 1024 characters (got 2000)' },
    ]);
    expect((await call('GET', '/api/orders/SO-SEC-CTX')).status).toBe(404);
  });

  it('__proto__ keys and deep nesting are refused with the field named (held up)', async () => {
    const order = validOrder({ orderId: 'SO-SEC-PROTO', customerId: customerIdFor('sec-proto') });
    const proto = await postOrder(JSON.stringify(order).replace('{', '{"__proto__":{"isAdmin":true},'));
    expect(proto).toMatchObject({ status: 400, body: { errors: [{ field: '__proto__', message: expect.stringMatching(/not a known field/) }] } });
    const deep = await postOrder(JSON.stringify({ ...order, lineItems: [{ ...order.lineItems[0], provisioningContext: JSON.parse(`${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`) }] }));
    expect(deep).toMatchObject({ status: 400, body: { errors: [{ field: 'lineItems[0].provisioningContext.a' }] } });
    expect((await call('GET', '/api/orders/SO-SEC-PROTO')).status).toBe(404);
  });
});

describe('a rejection is about a message, not an order', () => {
  it('a malformed message claiming a completed order\'s id is rejected as a message; the order keeps its one outcome', async () => {
    const customerId = customerIdFor('sec-claimed');
    const order = validOrder({ orderId: 'SO-SEC-DONE', customerId });
    expect((await postOrder(order)).status).toBe(202);
    await stack.runtime.waitForInstance('order-SO-SEC-DONE', { timeoutMs: 30_000 });
    await stack.runtime.runUntilIdle();
    expect(resultsFor(stack, order.orderId).map((m) => m.subject)).toEqual(['submitted', 'completed']);

    await sendToQueue([
      { body: { orderId: 'so-sec-done', customerId: '../../x\r\nInjected: 1', lineItems: 'none' }, messageId: 'sec-claim-1' },
      { body: { ...order, lineItems: [] }, messageId: 'sec-claim-2' },
    ]);
    for (const messageId of ['sec-claim-1', 'sec-claim-2']) {
      const rejection = await rejectionOf(messageId);
      expect(rejection.subject).toBe('rejected');
      expect(rejection.correlationId).toBe(messageId);
      expect(rejection.applicationProperties).not.toHaveProperty('orderId');
      expect(rejection.body).toMatchObject({ kind: 'rejection', messageId, claimedOrderExists: true, claimedInstanceId: 'order-SO-SEC-DONE' });
      expect(rejection.body).not.toHaveProperty('orderId');
      expect(rejection.body).not.toHaveProperty('status');
    }
    const first = (await rejectionOf('sec-claim-1')).body as { customerId: unknown };
    expect(first.customerId).toBeNull();
    expect(JSON.stringify(first)).not.toMatch(/\.\.\/|Injected/);
    expect(((await rejectionOf('sec-claim-2')).body as { customerId: unknown }).customerId).toBe(customerId);

    // What the ERP correlates by order id is unchanged: completed, and nothing after it.
    expect(resultsFor(stack, order.orderId).map((m) => m.subject)).toEqual(['submitted', 'completed']);
    expect((await call('GET', '/api/orders/SO-SEC-DONE')).body).toMatchObject({ outcome: 'completed', runtimeStatus: 'Completed' });
    expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 1 });
  }, 60_000);

  it('1,024 malformed queue messages give 1,024 rejections and nothing is dead-lettered (held up)', async () => {
    const messages = Array.from({ length: 1024 }, (_, i) => ({ body: i % 2 === 0 ? { orderId: `BAD-${i}` } : `{"orderId": ${i}`, messageId: `sec-flood-${i}` }));
    await sendToQueue(messages);
    const rejections = await waitFor(
      '1,024 rejections',
      () => {
        const found = stack.broker.inspect.messages(ERP_SUBSCRIPTION).filter((m) => String(m.messageId).startsWith('rejected:sec-flood-'));
        return found.length >= 1024 ? found : undefined;
      },
      90_000,
    );
    expect(new Set(rejections.map((m) => m.messageId)).size).toBe(1024);
    expect(rejections.every((m) => (m.body as { kind: string }).kind === 'rejection')).toBe(true);
    await waitFor('the orders queue to be empty', () => {
      const counts = stack.broker.inspect.counts('orders');
      return counts.active + counts.locked === 0 ? true : undefined;
    });
    expect(stack.broker.inspect.deadLetters('orders')).toEqual([]);
  }, 120_000);
});

describe('Location and secrets', () => {
  it('Location and status URLs are built from the route, never from the Host header', async () => {
    const answer = await rawPost('/api/orders', 'evil.example', JSON.stringify(validOrder({ orderId: 'SO-SEC-HOST', customerId: customerIdFor('sec-host') })));
    expect(answer.status).toBe(202);
    expect(answer.location).toBe('/api/orders/SO-SEC-HOST');
    expect(answer.body).not.toContain('evil');
    await stack.runtime.waitForInstance('order-SO-SEC-HOST', { timeoutMs: 30_000 });
  }, 60_000);

  it('no secret, key or token in log lines, topic messages or status views (held up)', async () => {
    await stack.runtime.runUntilIdle();
    const secrets = [stack.clientSecret, KEYS.master, KEYS.function];
    const tokenish = /\beyJ[A-Za-z0-9_-]{10,}\.|Bearer\s+[A-Za-z0-9]/;
    const logs = stack.output.join('\n');
    const topic = JSON.stringify(stack.broker.inspect.messages(ERP_SUBSCRIPTION));
    const view = (await call('GET', '/api/orders/SO-SEC-1')).text;
    for (const [where, text] of [['logs', logs], ['topic', topic], ['view', view]] as const) {
      for (const secret of secrets) expect([where, text.includes(secret)]).toEqual([where, false]);
      expect([where, tokenish.test(text)]).toEqual([where, false]);
    }
  });
});
