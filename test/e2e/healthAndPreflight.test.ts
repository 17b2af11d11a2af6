// GET /api/health and the preflight (`npm run preflight`) on the whole app in the local runtime: what they report when
// every dependency is there, and when the secret is disabled or outside the app's Key Vault role, Entra ID refuses the
// secret, or the results topic does not exist. The endpoint is protected by a function key, and no answer carries the
// secret, a token or a stand-in URL. The preflight runs in-process against the app's real HTTP API.
import { createServer, type AddressInfo } from 'node:net';
import { LOCAL_IDENTITY_DEFAULTS } from '../../local/identity/localDefaults';
import type { HealthReport } from '../../shared/health';
import { runPreflight } from '../../tools/preflight/preflight';
import { customerIdFor, useE2eStack } from './stack';

async function preflight(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const code = await runPreflight(argv, { env, print: (line) => void lines.push(line) });
  return { code, output: lines.join('\n') };
}

/** The preflight's output after its first line, which repeats the --url it was given. */
const afterHeader = (output: string) => output.split('\n').slice(1).join('\n');

/** The app's URL as --url takes it: the origin the API is served on. */
const appUrl = (stack: ReturnType<typeof useE2eStack>) => new URL(stack.runtime.apiBaseUrl).origin;

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
    const preflighted = await preflight(['--url', appUrl(stack), '--key', FUNCTION_KEY]);
    expect(preflighted.code).toBe(1);
    expect(preflighted.output).toContain('✗ Entra ID (a token for Partner Center): AADSTS7000215. Entra ID refused the client secret');
    expect(preflighted.output).toContain('Not ready (1 problem):');
    expectNothingSecret(stack, afterHeader(preflighted.output));

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

  it('reports a disabled secret version as SecretDisabled with its fix, not as a missing role', async () => {
    const { controls } = stack.identity.keyVault;
    const latest = controls.versions(LOCAL_IDENTITY_DEFAULTS.secretName).at(-1)!;
    controls.setEnabled(LOCAL_IDENTITY_DEFAULTS.secretName, latest, false);
    try {
      const report = await health(stack);

      expect(report.status).toBe(503);
      expect(check(report.body, 'keyVault')).toEqual({
        name: 'keyVault',
        status: 'failed',
        reason: 'SecretDisabled',
        explanation: expect.stringContaining('is disabled'),
      });
      expect(check(report.body, 'keyVault')!.explanation).toContain('store the Partner Center client secret as a new version (README, Deploy step 3), or enable that version');
      expect(check(report.body, 'keyVault')!.explanation).not.toContain('Key Vault Secrets User');
      expect(check(report.body, 'entraId')).toEqual({ name: 'entraId', status: 'skipped', explanation: 'No secret to present to Entra ID: fix Key Vault first.' });
      expectNothingSecret(stack, report.text);
      const preflighted = await preflight(['--url', appUrl(stack), '--key', FUNCTION_KEY]);
      expect(preflighted.code).toBe(1);
      expect(preflighted.output).toContain('✗ Key Vault (the Partner Center app secret): SecretDisabled. The secret named by PARTNER_CENTER_SECRET_NAME');
    } finally {
      controls.setEnabled(LOCAL_IDENTITY_DEFAULTS.secretName, latest, true);
    }
    expect(check((await health(stack)).body, 'keyVault')).toEqual({ name: 'keyVault', status: 'ok' });
  });

  it('preflight: explains a missing or wrong function key', async () => {
    const noKey = await preflight(['--url', appUrl(stack)]);
    const wrongKey = await preflight(['--url', appUrl(stack), '--key', 'not-the-key']);

    expect(noKey.code).toBe(1);
    expect(noKey.output).toContain('refused a call without a function key (HTTP 401)');
    expect(noKey.output).toContain('az functionapp keys list');
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.output).toContain('refused the function key given (HTTP 401)');
  });

  it('preflight: ready, and one order to a customer followed to its outcome', async () => {
    const customerId = customerIdFor('preflight-order');

    const result = await preflight(['--url', appUrl(stack), '--sandbox-customer', customerId, '--poll-seconds', '0.05', '--timeout-minutes', '1'], { FUNCTION_KEY });

    expect(result.output).toContain('✓ The app answers and its settings loaded.');
    expect(result.output).toContain('✓ Entra ID (a token for Partner Center)');
    expect(result.output).toMatch(/✓ Order PREFLIGHT-\d{14}-[0-9a-f]{6} completed: 1 Partner Center order\(s\), completed\./);
    expect(result.output).toContain('Ready: the app reaches everything it needs.');
    expect(result.code).toBe(0);
    // Bought once, for that customer.
    expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 1, orders: 1 });
    expect(result.output).not.toContain(stack.clientSecret);
  });
});

// The local stack gives the app's identity Key Vault Secrets User on its one secret, as the Bicep does; so, as in Azure,
// a name that is not that secret is refused by access control (403 ForbiddenByRbac) before Key Vault looks it up.
describe('health endpoint, secret name outside the app\'s role and results topic missing', () => {
  const stack = useE2eStack({ settings: { PARTNER_CENTER_SECRET_NAME: 'no-such-secret', RESULTS_TOPIC: 'no-such-topic' } });

  it('names each missing dependency and what to fix', async () => {
    const report = await health(stack, null);

    expect(report.status).toBe(503);
    expect(report.body.status).toBe('unhealthy');
    expect(report.body.checks).toEqual([
      { name: 'keyVault', status: 'failed', reason: 'ForbiddenByRbac', explanation: expect.stringContaining('check PARTNER_CENTER_SECRET_NAME first') },
      { name: 'entraId', status: 'skipped', explanation: 'No secret to present to Entra ID: fix Key Vault first.' },
      { name: 'resultsTopic', status: 'failed', reason: 'MessagingEntityNotFound', explanation: expect.stringContaining('RESULTS_TOPIC') },
      { name: 'durableBackend', status: 'ok' },
    ]);
    expectNothingSecret(stack, report.text);
    expect(report.text).not.toContain('no-such-secret');
    // Refused by the role check, never looked up.
    expect(stack.identity.keyVault.controls.forbiddenRequests()).toBeGreaterThanOrEqual(1);
    expect(stack.identity.keyVault.controls.reads('no-such-secret')).toBe(0);
    // Entra ID was never asked: there was no secret to present.
    expect(stack.identity.entraId.controls.tokenRequests(LOCAL_IDENTITY_DEFAULTS.clientId).total).toBe(0);
  });

  it('preflight: lists each missing dependency with its fix and exits non-zero, sending no order', async () => {
    const customerId = customerIdFor('preflight-not-ready');

    const result = await preflight(['--url', appUrl(stack), '--sandbox-customer', customerId]);

    expect(result.code).toBe(1);
    expect(result.output).toContain('✓ The app answers and its settings loaded.');
    expect(result.output).toContain("✗ Key Vault (the Partner Center app secret): ForbiddenByRbac. Key Vault's access control refused the app's identity: it needs the Key Vault Secrets User role on the secret named by PARTNER_CENTER_SECRET_NAME.");
    expect(result.output).toContain('– Entra ID (a token for Partner Center): skipped. No secret to present to Entra ID: fix Key Vault first.');
    expect(result.output).toContain('✗ Service Bus (send on the results topic): MessagingEntityNotFound. The topic named by RESULTS_TOPIC does not exist');
    expect(result.output).toContain('✓ Durable backend');
    expect(result.output).toContain('Not ready (2 problems):');
    expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 0 });
    expectNothingSecret(stack, afterHeader(result.output));
  });
});

describe('preflight: usage', () => {
  it.each([
    [[], '--url is required'],
    [['--url', 'http://app.example.com'], '--url must use https'],
    [['--url', 'https://app.example.com', '--sandbox-customer', 'contoso'], '--sandbox-customer must be the customer'],
    [['--url', 'https://app.example.com', '--verbose', 'x'], "Unknown option '--verbose'"],
  ])('%j is refused with exit code 2', async (argv, message) => {
    const result = await preflight(argv);
    expect(result.code).toBe(2);
    expect(result.output).toContain(message);
  });

  it('explains an app that does not answer', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const result = await preflight(['--url', `http://127.0.0.1:${port}`]);

    expect(result.code).toBe(1);
    expect(result.output).toContain('✗ The app does not answer (ECONNREFUSED).');
    expect(result.output).toContain('azd env get-value AZURE_FUNCTION_URL');
  });
});
