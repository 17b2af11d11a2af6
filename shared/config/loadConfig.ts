// The app's settings, read and validated once at start-up. Nothing else in the app reads process.env.

import type { SecretValue } from './secretValue';
import { SettingReader, type Env } from './settingReader';
import type { WorkflowPolicy } from './workflowPolicy';

export type SecretSourceSettings =
  | { mode: 'keyVault'; vaultUrl: string; secretName: string; secretVersion?: string }
  | { mode: 'local'; clientSecret: SecretValue };

export type ServiceBusConnectionSettings =
  | { kind: 'connectionString'; connectionString: SecretValue }
  | { kind: 'managedIdentity'; fullyQualifiedNamespace: string };

export interface AppConfig {
  partnerCenter: {
    baseUrl: string;
    tenantId: string;
    clientId: string;
    applicationName: string;
    timeoutMs: number;
    maxTransientRetries: number;
  };
  credentials: {
    authorityHost: string;
    secret: SecretSourceSettings;
  };
  serviceBus: {
    /** App setting prefix the Functions trigger binding names in `connection`. */
    connectionSetting: 'ServiceBusConnection';
    connection: ServiceBusConnectionSettings;
    ordersQueue: string;
    resultsTopic: string;
  };
  /** The whole workflow policy: it travels in every order's orchestration input. */
  workflow: WorkflowPolicy;
  /** Who may call the HTTP API (functions/apiAuth.ts). */
  api: { auth: ApiAuthMode };
}

export type ApiAuthMode = 'functionKeys' | 'entraId';

export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid settings (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `- ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const SECRET_VERSION = /^[0-9a-f]{32}$/i;
// Service Bus entity names: letters, digits, '.', '-', '_', '/'; start and end with a letter or digit.
const ENTITY_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,258}[A-Za-z0-9])?$/;
const NAMESPACE_HOST = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::\d{1,5})?$/;
const HEADER_VALUE = /^[\x20-\x7e]{1,100}$/;
const API_AUTH_MODE = /^(functionKeys|entraId)$/;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function readSecretSource(r: SettingReader): SecretSourceSettings | undefined {
  const vaultUrl = r.url('KEY_VAULT_URL', { httpOnLoopback: false, allowPath: false });
  const secretName = r.matching('PARTNER_CENTER_SECRET_NAME', SECRET_NAME);
  const secretVersion = r.matching('PARTNER_CENTER_SECRET_VERSION', SECRET_VERSION)?.toLowerCase();
  const keyVaultConfigured = r.isSet('KEY_VAULT_URL');
  if (keyVaultConfigured) {
    if (r.isSet('PARTNER_CENTER_CLIENT_SECRET')) {
      r.problem('PARTNER_CENTER_CLIENT_SECRET', 'must not be set when KEY_VAULT_URL is set: the secret is read from Key Vault');
    }
    return vaultUrl && secretName ? { mode: 'keyVault', vaultUrl, secretName, ...(secretVersion ? { secretVersion } : {}) } : undefined;
  }
  if (r.isSet('PARTNER_CENTER_SECRET_VERSION')) {
    r.problem('PARTNER_CENTER_SECRET_VERSION', 'is only meaningful with KEY_VAULT_URL: set KEY_VAULT_URL or remove it');
  }
  const clientSecret = r.secret('PARTNER_CENTER_CLIENT_SECRET');
  if (!clientSecret) return r.missing('PARTNER_CENTER_CLIENT_SECRET', 'when KEY_VAULT_URL is not set (local-secret mode)');
  return { mode: 'local', clientSecret };
}

function checkConnectionString(r: SettingReader, value: SecretValue): boolean {
  const parts = new Map<string, string>();
  for (const part of value.reveal().split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const endpoint = parts.get('endpoint') ?? '';
  const hasKey = (parts.has('sharedaccesskeyname') && parts.has('sharedaccesskey')) || parts.has('sharedaccesssignature');
  if (!/^sb:\/\/[^/;]+\/?$/i.test(endpoint) || !hasKey) {
    r.invalid('ServiceBusConnection', '');
    return false;
  }
  return true;
}

function readServiceBusConnection(r: SettingReader): ServiceBusConnectionSettings | undefined {
  const connectionString = r.secret('ServiceBusConnection');
  const namespace = r.raw('ServiceBusConnection__fullyQualifiedNamespace');
  if (connectionString && namespace) {
    return r.problem('ServiceBusConnection', 'and ServiceBusConnection__fullyQualifiedNamespace are both set: set exactly one');
  }
  if (connectionString) return checkConnectionString(r, connectionString) ? { kind: 'connectionString', connectionString } : undefined;
  if (namespace) {
    const host = r.matching('ServiceBusConnection__fullyQualifiedNamespace', NAMESPACE_HOST);
    return host ? { kind: 'managedIdentity', fullyQualifiedNamespace: host } : undefined;
  }
  return r.problem(
    'ServiceBusConnection',
    'or ServiceBusConnection__fullyQualifiedNamespace is required: expected a connection string, or a namespace host such as <namespace>.servicebus.windows.net',
  );
}

/** Reads every app setting once; throws one ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): AppConfig {
  const r = new SettingReader(env);
  const baseUrl = r.url('PARTNER_CENTER_BASE_URL', { httpOnLoopback: true, allowPath: true });
  const tenantId = r.guid('PARTNER_CENTER_TENANT_ID');
  const clientId = r.guid('PARTNER_CENTER_CLIENT_ID');
  const applicationName = r.matching('PARTNER_CENTER_APPLICATION_NAME', HEADER_VALUE);
  const timeoutMs = r.integer('PARTNER_CENTER_TIMEOUT_MS', 1_000, 300_000);
  const maxTransientRetries = r.integer('PARTNER_CENTER_MAX_TRANSIENT_RETRIES', 0, 10);
  const authorityHost = r.url('AZURE_AUTHORITY_HOST', { httpOnLoopback: false, allowPath: false });
  const secret = readSecretSource(r);
  const connection = readServiceBusConnection(r);
  const ordersQueue = r.matching('ORDERS_QUEUE', ENTITY_NAME);
  const resultsTopic = r.matching('RESULTS_TOPIC', ENTITY_NAME);
  const workflow = readWorkflowPolicy(r);
  const apiAuth = r.matching('API_AUTH', API_AUTH_MODE) as ApiAuthMode | undefined;

  if (r.problems.length > 0) throw new ConfigError(r.problems);
  // Every value below is defined: each undefined was recorded as a problem above.
  return {
    partnerCenter: {
      baseUrl: baseUrl!,
      tenantId: tenantId!,
      clientId: clientId!,
      applicationName: applicationName!,
      timeoutMs: timeoutMs!,
      maxTransientRetries: maxTransientRetries!,
    },
    credentials: { authorityHost: authorityHost!, secret: secret! },
    serviceBus: { connectionSetting: 'ServiceBusConnection', connection: connection!, ordersQueue: ordersQueue!, resultsTopic: resultsTopic! },
    workflow: workflow!,
    api: { auth: apiAuth! },
  };
}

/** Only the workflow policy from its settings (defaults for whatever is unset); throws one ConfigError. */
export function loadWorkflowPolicy(env: Env = process.env): WorkflowPolicy {
  const r = new SettingReader(env);
  const policy = readWorkflowPolicy(r);
  if (policy === undefined) throw new ConfigError(r.problems);
  return policy;
}

/** Backoff of host retries doubles per attempt. */
const RETRY_BACKOFF_COEFFICIENT = 2;

/** The workflow policy from its settings, each duration converted once to milliseconds; undefined after a problem. */
function readWorkflowPolicy(r: SettingReader): WorkflowPolicy | undefined {
  const before = r.problems.length;
  // Read in the settings table's order, so problems are listed as the table lists the settings.
  const orderDeadlineMs = r.durationMs('ORDER_POLL_DEADLINE', MINUTE, 90 * DAY);
  const pollInitialMs = r.durationMs('ORDER_POLL_INITIAL_INTERVAL', 1_000, DAY);
  const pollMaxMs = r.durationMs('ORDER_POLL_MAX_INTERVAL', 1_000, DAY);
  const humanWaitPollMs = r.durationMs('ORDER_POLL_HUMAN_WAIT_INTERVAL', MINUTE, DAY);
  const pollsPerExecution = r.integer('ORDER_POLLS_PER_EXECUTION', 1, 1000);
  const cartExpiryMarginMs = r.durationMs('CART_EXPIRY_MARGIN', 0, HOUR);
  const cartMaxRecreations = r.integer('CART_MAX_RECREATIONS', 0, 10);
  const checkoutMaxAttempts = r.integer('CHECKOUT_MAX_ATTEMPTS', 1, 50);
  const cartBusyRetryMs = r.durationMs('CHECKOUT_BUSY_RETRY_INTERVAL', 1_000, HOUR);
  const recoveryRetryMs = r.durationMs('ORDER_RECOVERY_RETRY_INTERVAL', 1_000, HOUR);
  const recoveryWindowMs = r.durationMs('ORDER_RECOVERY_WINDOW', MINUTE, DAY);
  const outageRetryInitialMs = r.durationMs('OUTAGE_RETRY_INITIAL_INTERVAL', 1_000, HOUR);
  const outageRetryMaxMs = r.durationMs('OUTAGE_RETRY_MAX_INTERVAL', 1_000, DAY);
  const retryJitterMs = r.durationMs('RETRY_JITTER', 0, 5 * MINUTE);
  const budgetPerMinute = r.integer('PARTNER_CENTER_BUDGET_PER_MINUTE', 0, 10_000);
  const budgetBurst = r.integer('PARTNER_CENTER_BUDGET_BURST', 1, 500);
  const activityFirstRetryMs = r.durationMs('ACTIVITY_RETRY_FIRST_INTERVAL', 1_000, 10 * MINUTE);
  const activityMaxRetryMs = r.durationMs('ACTIVITY_RETRY_MAX_INTERVAL', 1_000, HOUR);
  const activityMaxAttempts = r.integer('ACTIVITY_RETRY_MAX_ATTEMPTS', 1, 20);
  const publishMaxRetryMs = r.durationMs('PUBLISH_RETRY_MAX_INTERVAL', 1_000, HOUR);
  const publishMaxAttempts = r.integer('PUBLISH_RETRY_MAX_ATTEMPTS', 1, 50);
  const policy = {
    cartExpiryMarginMs,
    cartMaxRecreations,
    checkoutMaxAttempts,
    cartBusyRetryMs,
    recoveryRetryMs,
    recoveryWindowMs,
    pollInitialMs,
    pollMaxMs,
    humanWaitPollMs,
    orderDeadlineMs,
    pollsPerExecution,
    outageRetryInitialMs,
    outageRetryMaxMs,
    retryJitterMs,
    // One budget per partner tenant: the tenant id keys the entity (its own setting is checked by loadConfig).
    partnerCenterBudget: budgetPerMinute === 0 ? null : { key: (r.raw('PARTNER_CENTER_TENANT_ID') ?? 'default').toLowerCase(), callsPerMinute: budgetPerMinute!, burst: budgetBurst!, reserveAhead: true },
    activityRetry: { firstRetryMs: activityFirstRetryMs, maxAttempts: activityMaxAttempts, backoffCoefficient: RETRY_BACKOFF_COEFFICIENT, maxRetryMs: activityMaxRetryMs },
    publishRetry: { firstRetryMs: activityFirstRetryMs, maxAttempts: publishMaxAttempts, backoffCoefficient: RETRY_BACKOFF_COEFFICIENT, maxRetryMs: publishMaxRetryMs },
  };
  if (pollInitialMs !== undefined && pollMaxMs !== undefined && pollMaxMs < pollInitialMs) {
    r.problem('ORDER_POLL_MAX_INTERVAL', 'must not be shorter than ORDER_POLL_INITIAL_INTERVAL');
  }
  if (outageRetryInitialMs !== undefined && outageRetryMaxMs !== undefined && outageRetryMaxMs < outageRetryInitialMs) {
    r.problem('OUTAGE_RETRY_MAX_INTERVAL', 'must not be shorter than OUTAGE_RETRY_INITIAL_INTERVAL');
  }
  // Every field is defined when no problem was recorded.
  return r.problems.length === before ? (policy as WorkflowPolicy) : undefined;
}
