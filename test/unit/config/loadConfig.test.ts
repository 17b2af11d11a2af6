import { inspect } from 'node:util';
import { ConfigError, loadConfig, SETTINGS } from '../../../shared/config';

const TENANT = '7C1E6F2A-4B3D-4E5F-8A9B-0C1D2E3F4A5B';
const CLIENT = 'd2f1a3b4-5c6d-4e7f-9a8b-1c2d3e4f5a6b';
const SB = 'Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true';

const minimal = (extra: Record<string, string | undefined> = {}) => ({
  PARTNER_CENTER_TENANT_ID: TENANT,
  PARTNER_CENTER_CLIENT_ID: CLIENT,
  KEY_VAULT_URL: 'https://contoso-pc.vault.azure.net',
  ServiceBusConnection__fullyQualifiedNamespace: 'contoso.servicebus.windows.net',
  ...extra,
});

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    // The message lists every problem, one per line.
    for (const problem of configError.problems) expect(configError.message).toContain(`- ${problem}`);
    return configError.problems;
  }
  throw new Error('expected a ConfigError');
}

test('the minimal Azure settings load, with every default applied', () => {
  const config = loadConfig(minimal());
  expect(config).toEqual({
    partnerCenter: {
      baseUrl: 'https://api.partnercenter.microsoft.com',
      tenantId: TENANT.toLowerCase(),
      clientId: CLIENT,
      applicationName: 'pc-order-workflow',
      timeoutMs: 60_000,
      maxTransientRetries: 2,
    },
    credentials: {
      authorityHost: 'https://login.microsoftonline.com',
      secret: { mode: 'keyVault', vaultUrl: 'https://contoso-pc.vault.azure.net', secretName: 'partner-center-client-secret' },
    },
    serviceBus: {
      connectionSetting: 'ServiceBusConnection',
      connection: { kind: 'managedIdentity', fullyQualifiedNamespace: 'contoso.servicebus.windows.net' },
      ordersQueue: 'orders',
      resultsTopic: 'order-results',
    },
    // The whole workflow policy in milliseconds, every default from the settings table.
    workflow: {
      cartExpiryMarginMs: 600_000,
      cartMaxRecreations: 3,
      checkoutMaxAttempts: 6,
      cartBusyRetryMs: 30_000,
      recoveryRetryMs: 120_000,
      recoveryWindowMs: 1_200_000,
      pollInitialMs: 30_000,
      pollMaxMs: 3600_000,
      humanWaitPollMs: 3600_000,
      orderDeadlineMs: 7 * 24 * 3600_000,
      pollsPerExecution: 25,
      outageRetryInitialMs: 30_000,
      outageRetryMaxMs: 900_000,
      retryJitterMs: 5_000,
      partnerCenterBudget: { key: expect.stringMatching(/^[0-9a-f-]{36}$/), callsPerMinute: 480, burst: 10, reserveAhead: true },
      activityRetry: { firstRetryMs: 5_000, maxAttempts: 5, backoffCoefficient: 2, maxRetryMs: 60_000 },
      publishRetry: { firstRetryMs: 5_000, maxAttempts: 10, backoffCoefficient: 2, maxRetryMs: 300_000 },
    },
    api: { auth: 'functionKeys' },
  });
});

test('API_AUTH: functionKeys (the default) or entraId; anything else is named with what is expected', () => {
  expect(loadConfig(minimal({ API_AUTH: 'entraId' })).api).toEqual({ auth: 'entraId' });
  expect(loadConfig(minimal({ API_AUTH: 'functionKeys' })).api).toEqual({ auth: 'functionKeys' });
  expect(problemsOf(minimal({ API_AUTH: 'EasyAuth' }))).toEqual(['API_AUTH must be functionKeys or entraId (got "EasyAuth")']);
});

test('no settings at all: one error listing every missing required setting, each with what is expected', () => {
  expect(problemsOf({})).toEqual([
    'PARTNER_CENTER_TENANT_ID is required: expected a GUID',
    'PARTNER_CENTER_CLIENT_ID is required: expected a GUID',
    'PARTNER_CENTER_CLIENT_SECRET is required when KEY_VAULT_URL is not set (local-secret mode): expected the client secret value (not its id)',
    'ServiceBusConnection or ServiceBusConnection__fullyQualifiedNamespace is required: expected a connection string, or a namespace host such as <namespace>.servicebus.windows.net',
  ]);
});

test('every malformed value is reported at once, naming the setting, the expectation and the value', () => {
  const problems = problemsOf({
    PARTNER_CENTER_BASE_URL: 'http://api.partnercenter.microsoft.com',
    PARTNER_CENTER_TENANT_ID: 'contoso.onmicrosoft.com',
    PARTNER_CENTER_CLIENT_ID: '1234',
    AZURE_AUTHORITY_HOST: 'http://login.microsoftonline.com',
    KEY_VAULT_URL: 'http://contoso.vault.azure.net',
    PARTNER_CENTER_SECRET_NAME: 'bad_name!',
    PARTNER_CENTER_SECRET_VERSION: 'latest',
    ServiceBusConnection__fullyQualifiedNamespace: 'sb://contoso.servicebus.windows.net/',
    ORDERS_QUEUE: '-orders',
    RESULTS_TOPIC: 'results-',
    PARTNER_CENTER_APPLICATION_NAME: 'x'.repeat(101),
    PARTNER_CENTER_TIMEOUT_MS: '10s',
    PARTNER_CENTER_MAX_TRANSIENT_RETRIES: '11',
    ORDER_POLL_DEADLINE: 'P1M',
    ORDER_POLL_INITIAL_INTERVAL: 'PT0S',
    ORDER_POLL_MAX_INTERVAL: 'P2D',
    CART_EXPIRY_MARGIN: '10 minutes',
    CART_MAX_RECREATIONS: '-1',
  });
  expect(problems).toEqual([
    'PARTNER_CENTER_BASE_URL must be an https URL (http is accepted only for a loopback host such as 127.0.0.1) (got "http://api.partnercenter.microsoft.com")',
    'PARTNER_CENTER_TENANT_ID must be a GUID (got "contoso.onmicrosoft.com")',
    'PARTNER_CENTER_CLIENT_ID must be a GUID (got "1234")',
    'PARTNER_CENTER_APPLICATION_NAME must be 1-100 printable ASCII characters (got "' + 'x'.repeat(77) + '...")',
    'PARTNER_CENTER_TIMEOUT_MS must be an integer from 1000 to 300000 (got "10s")',
    'PARTNER_CENTER_MAX_TRANSIENT_RETRIES must be an integer from 0 to 10 (got "11")',
    'AZURE_AUTHORITY_HOST must be an https URL with no path (got "http://login.microsoftonline.com")',
    'KEY_VAULT_URL must be an https URL with no path, e.g. https://<vault>.vault.azure.net (got "http://contoso.vault.azure.net")',
    'PARTNER_CENTER_SECRET_NAME must be 1-127 letters, digits and hyphens (got "bad_name!")',
    'PARTNER_CENTER_SECRET_VERSION must be a 32-character hexadecimal Key Vault secret version (got "latest")',
    'ServiceBusConnection__fullyQualifiedNamespace must be a host name such as <namespace>.servicebus.windows.net (no scheme) (got "sb://contoso.servicebus.windows.net/")',
    'ORDERS_QUEUE must be a Service Bus entity name (got "-orders")',
    'RESULTS_TOPIC must be a Service Bus entity name (got "results-")',
    'ORDER_POLL_DEADLINE must be an ISO 8601 duration from PT1M to P90D, e.g. P7D (got "P1M")',
    'ORDER_POLL_INITIAL_INTERVAL must be an ISO 8601 duration from PT1S to P1D (got "PT0S")',
    'ORDER_POLL_MAX_INTERVAL must be an ISO 8601 duration from PT1S to P1D, not shorter than ORDER_POLL_INITIAL_INTERVAL (got "P2D")',
    'CART_EXPIRY_MARGIN must be an ISO 8601 duration from PT0S to PT1H (got "10 minutes")',
    'CART_MAX_RECREATIONS must be an integer from 0 to 10 (got "-1")',
  ]);
});

test('local-secret mode: the client secret setting is used when no Key Vault is configured', () => {
  const config = loadConfig(minimal({ KEY_VAULT_URL: undefined, PARTNER_CENTER_CLIENT_SECRET: 'local-secret-value' }));
  expect(config.credentials.secret.mode).toBe('local');
  expect(config.credentials.secret.mode === 'local' && config.credentials.secret.clientSecret.reveal()).toBe('local-secret-value');
});

test('an empty value counts as unset (local.settings.json carries "" for unused settings)', () => {
  const config = loadConfig(minimal({ KEY_VAULT_URL: '', PARTNER_CENTER_CLIENT_SECRET: 'local-secret-value', ORDERS_QUEUE: '  ' }));
  expect(config.credentials.secret.mode).toBe('local');
  expect(config.serviceBus.ordersQueue).toBe('orders');
});

test('Key Vault and a local client secret together are refused, without echoing the secret', () => {
  const problems = problemsOf(minimal({ PARTNER_CENTER_CLIENT_SECRET: 'do-not-print-me' }));
  expect(problems).toEqual(['PARTNER_CENTER_CLIENT_SECRET must not be set when KEY_VAULT_URL is set: the secret is read from Key Vault']);
});

test('both Service Bus forms, or a malformed connection string, are refused without echoing the key', () => {
  expect(problemsOf(minimal({ ServiceBusConnection: SB }))).toEqual([
    'ServiceBusConnection and ServiceBusConnection__fullyQualifiedNamespace are both set: set exactly one',
  ]);
  const malformed = 'Endpoint=https://contoso.servicebus.windows.net;SharedAccessKeyName=x;SharedAccessKey=do-not-print-me';
  const problems = problemsOf(minimal({ ServiceBusConnection__fullyQualifiedNamespace: undefined, ServiceBusConnection: malformed }));
  expect(problems).toEqual([
    'ServiceBusConnection must be a Service Bus connection string with Endpoint=sb://… and SharedAccessKeyName/SharedAccessKey or SharedAccessSignature',
  ]);
});

test('a version without a Key Vault is refused', () => {
  expect(problemsOf(minimal({ KEY_VAULT_URL: undefined, PARTNER_CENTER_CLIENT_SECRET: 's', PARTNER_CENTER_SECRET_VERSION: 'a'.repeat(32) }))).toEqual([
    'PARTNER_CENTER_SECRET_VERSION is only meaningful with KEY_VAULT_URL: set KEY_VAULT_URL or remove it',
  ]);
});

test('loopback http is accepted for the Partner Center simulator, https elsewhere; trailing slashes are dropped', () => {
  expect(loadConfig(minimal({ PARTNER_CENTER_BASE_URL: 'http://127.0.0.1:7080/' })).partnerCenter.baseUrl).toBe('http://127.0.0.1:7080');
  expect(loadConfig(minimal({ PARTNER_CENTER_BASE_URL: 'http://localhost:7080' })).partnerCenter.baseUrl).toBe('http://localhost:7080');
  expect(loadConfig(minimal({ PARTNER_CENTER_BASE_URL: 'https://pc.example.com/api/' })).partnerCenter.baseUrl).toBe('https://pc.example.com/api');
  expect(loadConfig(minimal({ KEY_VAULT_URL: 'https://contoso.vault.azure.net/' })).credentials.secret).toMatchObject({ vaultUrl: 'https://contoso.vault.azure.net' });
  expect(problemsOf(minimal({ KEY_VAULT_URL: 'https://contoso.vault.azure.net/secrets/x' }))).toHaveLength(1);
});

test('secret values never appear in the loaded config when it is logged or serialised', () => {
  const config = loadConfig(minimal({ KEY_VAULT_URL: undefined, PARTNER_CENTER_CLIENT_SECRET: 'do-not-print-me', ServiceBusConnection__fullyQualifiedNamespace: undefined, ServiceBusConnection: `${SB}-do-not-print-me-either` }));
  for (const text of [JSON.stringify(config), inspect(config, { depth: 10 }), `${(config.credentials.secret as { clientSecret: unknown }).clientSecret}`]) {
    expect(text).not.toContain('do-not-print-me');
    expect(text).not.toContain('SAS_KEY_VALUE');
  }
  expect(config.serviceBus.connection.kind === 'connectionString' && config.serviceBus.connection.connectionString.reveal()).toBe(`${SB}-do-not-print-me-either`);
});

test('loadConfig reads exactly the app settings listed in SETTINGS, and nothing else', () => {
  const read = new Set<string>();
  const env = new Proxy(minimal({ ServiceBusConnection: undefined, PARTNER_CENTER_SECRET_VERSION: 'a'.repeat(32) }), {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return Reflect.get(target, name);
    },
  });
  loadConfig(env);
  const appSettings = SETTINGS.filter((s) => s.readBy === 'app').map((s) => s.name);
  expect([...read].sort()).toEqual([...appSettings].sort());
});
