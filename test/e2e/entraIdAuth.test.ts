// API_AUTH=entraId over the whole local stack: the runtime's App Service authentication validates the Entra ID
// stand-in's tokens and passes the principal; the functions check its app roles. The ERP identity (Orders.Submit +
// Orders.Read) submits and reads but may not cancel; the operator (+ Orders.Cancel) may. Callers get their tokens the
// way an ERP would, with @azure/identity's client-credentials flow against the stand-in.
import { ClientSecretCredential } from '@azure/identity';
import { API_ROLES } from '../../functions/apiAuth';
import { LOCAL_IDENTITY_DEFAULTS } from '../../local/identity';
import { EASY_AUTH_401_BODY } from '../../local/runtime/http/easyAuth';
import { orderInstanceId } from '../../shared/orders';
import { validOrder } from '../fixtures/orders/requests';
import { customerIdFor, simulatorCalls, useE2eStack, waitFor, fetchAnswer, type Answer } from './stack';

const stack = useE2eStack({ apiAuth: 'entraId' });
const { api } = LOCAL_IDENTITY_DEFAULTS;
type Caller = keyof typeof api.callers;

/** A fresh credential each time, so a token override of the stand-in applies to this very token (no MSAL cache). */
async function tokenFor(caller: Caller): Promise<string> {
  const { clientId, secret } = api.callers[caller];
  const credential = new ClientSecretCredential(LOCAL_IDENTITY_DEFAULTS.tenantId, clientId, secret, {
    authorityHost: stack.identity.entraId.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: stack.identity.caCertPem },
  });
  return (await credential.getToken(`${api.audience}/.default`)).token;
}

async function call(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = {
    ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
    ...options.headers,
  };
  return fetchAnswer(`${stack.runtime.apiBaseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
}

const instances = async () => (await stack.runtime.stats()).instances;

/** What App Service would write for a principal holding `roles` (a forgery when a caller sends it). */
const forgedPrincipal = (roles: string[]) =>
  Buffer.from(JSON.stringify({ auth_typ: 'aad', claims: roles.map((val) => ({ typ: 'roles', val })), name_typ: 'name', role_typ: 'roles' })).toString('base64');

function expectEasyAuth401(answer: Answer): void {
  expect(answer.status).toBe(401);
  expect(answer.text).toBe(EASY_AUTH_401_BODY);
  expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="/);
}

it('the stand-in issues each caller its app roles for the API audience', async () => {
  const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
  expect(claims(await tokenFor('erp'))).toMatchObject({ aud: api.audience, roles: [API_ROLES.submit, API_ROLES.read] });
  expect(claims(await tokenFor('operator'))).toMatchObject({ aud: api.audience, roles: [API_ROLES.submit, API_ROLES.read, API_ROLES.cancel] });
});

it('without a token: 401 from App Service authentication on every route, and nothing starts', async () => {
  const before = await instances();
  expectEasyAuth401(await call('POST', '/orders', { body: validOrder({ orderId: 'SO-ENTRA-ANON' }) }));
  expectEasyAuth401(await call('GET', '/orders/SO-ENTRA-ANON'));
  expectEasyAuth401(await call('GET', '/orders'));
  expectEasyAuth401(await call('GET', '/health'));
  expectEasyAuth401(await call('DELETE', '/orders/SO-ENTRA-ANON'));
  // A function key is no way in either: the functions are anonymous to the host, Easy Auth is the gate.
  expectEasyAuth401(await call('GET', '/orders', { headers: { 'x-functions-key': 'any-key' } }));
  expect(await instances()).toBe(before);
});

it('the ERP identity submits and reads, and gets 403 naming Orders.Cancel on DELETE; the operator cancels', async () => {
  const customerId = customerIdFor('entra-erp-then-operator');
  // Cart creation is held at the simulator, so the cancel deterministically arrives while the order can be cancelled.
  stack.simulator.controls.setKnobs({ faults: [{ kind: 'latency', method: 'POST', path: '/carts$', count: 1, latencyMs: 1500 }] });
  const order = validOrder({ orderId: 'SO-ENTRA-1', customerId });
  const erp = await tokenFor('erp');

  const submitted = await call('POST', '/orders', { token: erp, body: order });
  expect(submitted.status).toBe(202);
  expect(submitted.body).toMatchObject({ orderId: order.orderId, instanceId: orderInstanceId(order.orderId) });
  await waitFor('the cart request to reach the simulator', () => (simulatorCalls(stack, customerId, 'POST', /\/carts$/).length === 1 ? true : undefined));

  const status = await call('GET', `/orders/${order.orderId}`, { token: erp });
  expect(status.status).toBe(200);
  expect(status.body).toMatchObject({ orderId: order.orderId, stage: 'creatingCart' });
  const list = await call('GET', `/orders?orderIdPrefix=SO-ENTRA-1`, { token: erp });
  expect(list.status).toBe(200);
  expect(list.body.orders.map((o: { orderId: string }) => o.orderId)).toEqual([order.orderId]);

  const refused = await call('DELETE', `/orders/${order.orderId}`, { token: erp });
  expect(refused.status).toBe(403);
  expect(refused.body).toEqual({ error: "the caller does not hold the app role Orders.Cancel, which this operation requires; ask for it to be assigned to the caller's identity" });
  // A principal header of the caller's own making does not lend it the role: App Service's own replaces it.
  const forged = await call('DELETE', `/orders/${order.orderId}`, { token: erp, headers: { 'X-MS-CLIENT-PRINCIPAL': forgedPrincipal([API_ROLES.cancel]) } });
  expect(forged.status).toBe(403);

  const cancelled = await call('DELETE', `/orders/${order.orderId}`, { token: await tokenFor('operator') });
  expect(cancelled.status).toBe(202);
  expect(cancelled.body).toMatchObject({ orderId: order.orderId, cancelRequested: true });
  const final = await stack.runtime.waitForInstance(orderInstanceId(order.orderId), { timeoutMs: 30_000 });
  expect(final.runtimeStatus).toBe('Completed');
  expect((await call('GET', `/orders/${order.orderId}`, { token: erp })).body).toMatchObject({ outcome: 'cancelled' });
  expect(simulatorCalls(stack, customerId, 'POST', /\/checkout$/)).toHaveLength(0);
});

it('a forged X-MS-CLIENT-PRINCIPAL without a token is not a principal: 401, nothing starts', async () => {
  const before = await instances();
  const forged = forgedPrincipal([API_ROLES.submit, API_ROLES.read, API_ROLES.cancel]);
  expectEasyAuth401(await call('POST', '/orders', { body: validOrder({ orderId: 'SO-ENTRA-FORGED' }), headers: { 'x-ms-client-principal': forged, 'x-ms-client-principal-idp': 'aad' } }));
  expect(await instances()).toBe(before);
});

it('an expired token, a token for another audience, another issuer or a bad signature: 401, and nothing starts', async () => {
  const before = await instances();
  const order = validOrder({ orderId: 'SO-ENTRA-BADTOKEN' });
  stack.identity.entraId.controls.overrideNextTokens({ expiresInSeconds: -600 });
  expectEasyAuth401(await call('POST', '/orders', { token: await tokenFor('operator'), body: order }));
  stack.identity.entraId.controls.overrideNextTokens({ audience: 'api://another-api' });
  expectEasyAuth401(await call('POST', '/orders', { token: await tokenFor('operator'), body: order }));

  const good = await tokenFor('operator');
  const [header, payload, signature] = good.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  const tampered = (changes: Record<string, unknown>) => `${header}.${Buffer.from(JSON.stringify({ ...claims, ...changes })).toString('base64url')}.${signature}`;
  expectEasyAuth401(await call('POST', '/orders', { token: tampered({ roles: [API_ROLES.cancel, 'Orders.Admin'] }), body: order }));
  expectEasyAuth401(await call('POST', '/orders', { token: `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`, body: order }));
  expect(await instances()).toBe(before);
  // Why each was refused is in the runtime log, never in the answer.
  expect(stack.output.join('\n')).toContain('App Service authentication refused POST /api/orders: the token has expired');
  expect(stack.output.join('\n')).toContain('is not among the allowed audiences');
  expect(stack.output.join('\n')).toContain('the token signature is invalid');
});

it('a token without any app role of the API authenticates but is refused by every function: 403 naming the role', async () => {
  // An app registration the API knows nothing of gets a valid token with no roles claim (nothing assigned).
  const stranger = { clientId: '5f0c3a2d-9b8e-4c71-a6d4-0e2f4b6c8a91', secret: 'local-only-stranger-secret' };
  stack.identity.entraId.controls.registerClient({ clientId: stranger.clientId, secrets: [stranger.secret] });
  const credential = new ClientSecretCredential(LOCAL_IDENTITY_DEFAULTS.tenantId, stranger.clientId, stranger.secret, {
    authorityHost: stack.identity.entraId.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: stack.identity.caCertPem },
  });
  const token = (await credential.getToken(`${api.audience}/.default`)).token;
  const before = await instances();
  const submit = await call('POST', '/orders', { token, body: validOrder({ orderId: 'SO-ENTRA-NOROLE' }) });
  expect(submit.status).toBe(403);
  expect(submit.body.error).toContain('app role Orders.Submit');
  const read = await call('GET', '/orders/SO-ENTRA-NOROLE', { token });
  expect(read.status).toBe(403);
  expect(read.body.error).toContain('app role Orders.Read');
  expect(await instances()).toBe(before);
});
