// The Partner Center app secret rotated in Key Vault and the old one revoked at Entra ID while an order is in flight:
// the token the app holds is refused, the old secret no longer buys a new one, and the app re-reads Key Vault once and
// carries on. Its own stack, because the app must not hold a valid token from an earlier order: the first test leaves
// it with none (every token request refused), the second relies on that.
import { orderInstanceId } from '../../shared/orders';
import { validOrder } from '../fixtures/orders/requests';
import { customerIdFor, postJson, resultsFor, runOrderOverHttp, simulatorCalls, waitFor, useE2eStack } from './stack';


const stack = useE2eStack({}, { resetSimulatorAfterEach: false });

it('fails an order, with a readable reason and no stack trace, while Entra ID refuses the secret Key Vault holds', async () => {
  const customerId = customerIdFor('secret-revoked');
  const { keyVault, entraId } = stack.identity;
  const clientId = stack.settings.PARTNER_CENTER_CLIENT_ID;
  entraId.controls.setClientSecrets(clientId, ['a-secret-the-vault-does-not-hold']);
  try {
    const { final, results, outcome } = await runOrderOverHttp(stack, validOrder({ orderId: 'SO-ROT-0', customerId }));

    expect(final.runtimeStatus).toBe('Completed');
    expect(results.map((m) => m.subject)).toEqual(['failed']);
    expect(outcome).toMatchObject({ status: 'failed', cartId: null, orders: [] });
    // A stable reason and a short message: the authority URL, the app id and the secret's name stay in the logs.
    expect(outcome.errors).toEqual([{ source: 'workflow', reason: 'credentialsRefused', message: "Entra ID refused the app's Partner Center credentials (AADSTS7000215)" }]);
    const published = JSON.stringify(outcome);
    for (const detail of [clientId, stack.settings.PARTNER_CENTER_SECRET_NAME, stack.settings.KEY_VAULT_URL, 'https://']) expect(published).not.toContain(detail);
    // A refusal is not retried: one token request, refused after one Key Vault re-read (plus the first read).
    expect(entraId.controls.tokenRequests(clientId)).toEqual({ issued: 0, rejected: 1, total: 1 });
    expect(keyVault.controls.reads(stack.settings.PARTNER_CENTER_SECRET_NAME)).toBe(2);
    expect(simulatorCalls(stack, customerId)).toEqual([]);
  } finally {
    entraId.controls.setClientSecrets(clientId, [stack.clientSecret]);
  }
}, 60_000);

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

  const readsBefore = keyVault.controls.reads(secretName);
  const tokenLogBefore = entraId.controls.requestLog().length;
  const tokenOutcomes = () => entraId.controls.requestLog().slice(tokenLogBefore).map((r) => r.outcome);

  expect((await postJson(`${stack.runtime.apiBaseUrl}/orders`, order)).status).toBe(202);
  await waitFor('the first cart request to reach the simulator', () => (simulatorCalls(stack, customerId, 'POST', /\/carts$/).length === 1 ? true : undefined));
  // The app read its (cached) secret and got a token with it, before the rotation.
  expect(keyVault.controls.reads(secretName)).toBe(readsBefore);
  expect(tokenOutcomes()).toEqual(['issued']);

  keyVault.controls.setSecret(secretName, rotatedSecret);
  entraId.controls.setClientSecrets(clientId, [rotatedSecret]);

  const final = await stack.runtime.waitForInstance(orderInstanceId(order.orderId), { timeoutMs: 30_000 });
  expect(final.runtimeStatus).toBe('Completed');
  expect(resultsFor(stack, order.orderId).map((m) => m.subject)).toEqual(['submitted', 'completed']);

  // Refused token → old secret refused by Entra ID → one re-read of Key Vault → new token → the same request again.
  const carts = simulatorCalls(stack, customerId, 'POST', /\/carts$/);
  expect(carts.map((c) => c.status)).toEqual([401, 201]);
  expect(carts[1].requestId).toBe(carts[0].requestId);
  expect(keyVault.controls.reads(secretName)).toBe(readsBefore + 1);
  expect(tokenOutcomes()).toEqual(['issued', 'invalid_client', 'issued']);
  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 1 });

  const logs = stack.output.join('\n');
  expect(logs).not.toContain(stack.clientSecret);
  expect(logs).not.toContain(rotatedSecret);
}, 60_000);
