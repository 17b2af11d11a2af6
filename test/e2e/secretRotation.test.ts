// The Partner Center app secret rotated in Key Vault and the old one revoked at Entra ID while an order is in flight:
// the token the app holds is refused, the old secret no longer buys a new one, and the app re-reads Key Vault once and
// carries on. Its own stack, because the app must not hold a token from an earlier order.
import { orderInstanceId } from '../../shared/orders';
import { validOrder } from '../fixtures/orders/requests';
import { customerIdFor, postJson, resultsFor, simulatorCalls, startE2eStack, waitFor, type E2eStack } from './stack';

let stack: E2eStack;

beforeAll(async () => {
  stack = await startE2eStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

it('completes an order when the secret is rotated and the old one revoked mid-flight, with exactly one Key Vault re-read', async () => {
  const customerId = customerIdFor('secret-rotation');
  const order = validOrder({ orderId: 'SO-ROT-1', customerId });
  const { keyVault, entraId } = stack.identity;
  const clientId = stack.settings.PARTNER_CENTER_CLIENT_ID;
  const secretName = stack.settings.PARTNER_CENTER_SECRET_NAME;
  const rotatedSecret = 'rotated-local-partner-center-secret';
  // The first token the app gets has already expired by its `exp` claim (its expires_in looks normal, so the app
  // caches it): Partner Center refuses it. Its first call is held at the simulator long enough to rotate meanwhile.
  entraId.controls.overrideNextTokens({ expiresInSeconds: -600 });
  stack.simulator.controls.setKnobs({ faults: [{ kind: 'latency', method: 'POST', path: '/carts$', count: 1, latencyMs: 1000 }] });

  expect((await postJson(`${stack.runtime.apiBaseUrl}/orders`, order)).status).toBe(202);
  await waitFor('the first cart request to reach the simulator', () => (simulatorCalls(stack, customerId, 'POST', /\/carts$/).length === 1 ? true : undefined));
  expect(keyVault.controls.reads(secretName)).toBe(1);
  expect(entraId.controls.tokenRequests(clientId)).toEqual({ issued: 1, rejected: 0, total: 1 });

  keyVault.controls.setSecret(secretName, rotatedSecret);
  entraId.controls.setClientSecrets(clientId, [rotatedSecret]);

  const final = await stack.runtime.waitForInstance(orderInstanceId(order.orderId), { timeoutMs: 30_000 });
  expect(final.runtimeStatus).toBe('Completed');
  expect(resultsFor(stack, order.orderId).map((m) => m.subject)).toEqual(['submitted', 'completed']);

  // Refused token → old secret refused by Entra ID → one re-read of Key Vault → new token → the same request again.
  const carts = simulatorCalls(stack, customerId, 'POST', /\/carts$/);
  expect(carts.map((c) => c.status)).toEqual([401, 201]);
  expect(carts[1].requestId).toBe(carts[0].requestId);
  expect(keyVault.controls.reads(secretName)).toBe(2);
  expect(entraId.controls.tokenRequests(clientId)).toEqual({ issued: 2, rejected: 1, total: 3 });
  expect(entraId.controls.requestLog().map((r) => r.outcome)).toEqual(['issued', 'invalid_client', 'issued']);
  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 1 });

  const logs = stack.output.join('\n');
  expect(logs).not.toContain(stack.clientSecret);
  expect(logs).not.toContain(rotatedSecret);
}, 60_000);
