// GET /api/health on the whole app in the local runtime: what it reports when every dependency is there, and when the
// secret is missing from Key Vault, Entra ID refuses the secret, or the results topic does not exist. The endpoint is
// protected by a function key, and no answer carries the secret, a token or a stand-in URL.
import { LOCAL_IDENTITY_DEFAULTS } from '../../local/identity/localDefaults';
import type { HealthReport } from '../../shared/health';
import { useE2eStack } from './stack';

const FUNCTION_KEY = 'e2e-function-key-for-health';

async function health(stack: ReturnType<typeof useE2eStack>, key: string | null = FUNCTION_KEY): Promise<{ status: number; text: string; body: HealthReport }> {
  const response = await fetch(`${stack.runtime.apiBaseUrl}/health`, { headers: key ? { 'x-functions-key': key } : {} });
  const text = await response.text();
  return { status: response.status, text, body: text.startsWith('{') ? (JSON.parse(text) as HealthReport) : (undefined as unknown as HealthReport) };
}

const check = (report: HealthReport, name: string) => report.checks.find((c) => c.name === name);

/** Nothing an answer may carry: the secret, a token, the stand-ins' URLs, the connection string. */
function expectNothingSecret(stack: ReturnType<typeof useE2eStack>, text: string): void {
  expect(text).not.toContain(stack.clientSecret);
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./); // a JWT
  expect(text).not.toContain(stack.identity.keyVault.vaultUrl);
  expect(text).not.toContain(stack.identity.entraId.authorityHost);
  expect(text).not.toContain('127.0.0.1');
  expect(text).not.toContain('SharedAccessKey');
  expect(text).not.toContain(FUNCTION_KEY);
}

describe('health endpoint, every dependency in place', () => {
  const stack = useE2eStack({ keys: { function: FUNCTION_KEY, master: 'e2e-master-key-for-health' } });

  it('is protected like the rest of the API', async () => {
    const noKey = await health(stack, null);
    const wrongKey = await health(stack, 'not-the-key');

    expect(noKey.status).toBe(401);
    expect(wrongKey.status).toBe(401);
    expect(noKey.text).not.toContain('"checks"');
  });

  it('reports Entra ID refusing the secret, then healthy once the app registration takes it again', async () => {
    // The app has asked for no token yet; Entra ID now knows only another secret of the app registration.
    stack.identity.entraId.controls.setClientSecrets(LOCAL_IDENTITY_DEFAULTS.clientId, ['a-secret-the-vault-does-not-hold']);

    const refused = await health(stack);

    expect(refused.status).toBe(503);
    expect(refused.body.status).toBe('unhealthy');
    expect(check(refused.body, 'keyVault')).toEqual({ name: 'keyVault', status: 'ok' });
    expect(check(refused.body, 'entraId')).toEqual({
      name: 'entraId',
      status: 'failed',
      reason: 'AADSTS7000215',
      explanation: expect.stringContaining('Entra ID refused the client secret'),
    });
    expect(check(refused.body, 'entraId')!.explanation).toContain('PARTNER_CENTER_CLIENT_ID');
    expect(check(refused.body, 'resultsTopic')).toEqual({ name: 'resultsTopic', status: 'ok' });
    expect(check(refused.body, 'durableBackend')).toEqual({ name: 'durableBackend', status: 'ok' });
    expectNothingSecret(stack, refused.text);

    stack.identity.entraId.controls.setClientSecrets(LOCAL_IDENTITY_DEFAULTS.clientId, [stack.clientSecret]);
    const healthy = await health(stack);

    expect(healthy.status).toBe(200);
    expect(healthy.body).toEqual({
      status: 'healthy',
      secretSource: 'keyVault',
      checks: [
        { name: 'keyVault', status: 'ok' },
        { name: 'entraId', status: 'ok' },
        { name: 'resultsTopic', status: 'ok' },
        { name: 'durableBackend', status: 'ok' },
      ],
    });
    expect(healthy.text).not.toContain(stack.clientSecret);
    // The check sent nothing to the results topic.
    expect(stack.broker.inspect.messages('order-results/Subscriptions/erp')).toEqual([]);
  });
});

describe('health endpoint, secret missing from Key Vault and results topic missing', () => {
  const stack = useE2eStack({ settings: { PARTNER_CENTER_SECRET_NAME: 'no-such-secret', RESULTS_TOPIC: 'no-such-topic' } });

  it('names each missing dependency and what to fix', async () => {
    const report = await health(stack, null);

    expect(report.status).toBe(503);
    expect(report.body.status).toBe('unhealthy');
    expect(report.body.checks).toEqual([
      { name: 'keyVault', status: 'failed', reason: 'SecretNotFound', explanation: expect.stringContaining('PARTNER_CENTER_SECRET_NAME') },
      { name: 'entraId', status: 'skipped', explanation: 'No secret to present to Entra ID: fix Key Vault first.' },
      { name: 'resultsTopic', status: 'failed', reason: 'MessagingEntityNotFound', explanation: expect.stringContaining('RESULTS_TOPIC') },
      { name: 'durableBackend', status: 'ok' },
    ]);
    expectNothingSecret(stack, report.text);
    expect(report.text).not.toContain('no-such-secret');
    // Entra ID was never asked: there was no secret to present.
    expect(stack.identity.entraId.controls.tokenRequests(LOCAL_IDENTITY_DEFAULTS.clientId).total).toBe(0);
  });
});
