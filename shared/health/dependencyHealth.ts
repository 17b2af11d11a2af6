// Which of the app's dependencies it can reach right now: Key Vault (the Partner Center app secret), Entra ID (a
// Partner Center token), Service Bus (a send link on the results topic) and the Durable backend. Each failure is
// reported as a short reason code and a plain fix that names the setting or role to look at. Nothing here ever carries
// a secret, a token, a vault or namespace URL, or an SDK message: those can hold request details.

import { CredentialError } from '../credentials/errors';
import type { SecretSource } from '../credentials/secretSource';
import type { PartnerCenterTokenProvider } from '../partner-center/tokenProvider';

export type DependencyName = 'keyVault' | 'entraId' | 'resultsTopic' | 'durableBackend';

export interface DependencyCheck {
  name: DependencyName;
  status: 'ok' | 'failed' | 'skipped';
  /** A short code: SecretNotFound, HTTP 403, AADSTS7000215, MessagingEntityNotFound, Timeout… */
  reason?: string;
  /** What to change, naming the setting or role; for a skipped check, why it was skipped. */
  explanation?: string;
}

export interface HealthReport {
  status: 'healthy' | 'unhealthy';
  /** How the secret is found: Key Vault, or the local-secret setting (not for Azure). */
  secretSource: 'keyVault' | 'local';
  checks: DependencyCheck[];
}

export interface DependencyHealthDeps {
  secretSource: Pick<SecretSource, 'mode' | 'reread'>;
  tokenProvider: Pick<PartnerCenterTokenProvider, 'getToken'>;
  /** Opens (or reuses) the send link on the results topic without sending anything. */
  probeResultsTopic: () => Promise<void>;
  /** Asks the Durable backend about an instance that does not exist; resolves when it answered. */
  probeDurableBackend: () => Promise<void>;
  /** Per-check time limit (default 15 s), so one hung dependency cannot hang the answer. */
  timeoutMs?: number;
}

class CheckTimeout extends Error {}

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new CheckTimeout()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

const ok = (name: DependencyName): DependencyCheck => ({ name, status: 'ok' });
const failed = (name: DependencyName, reason: string, explanation: string): DependencyCheck => ({ name, status: 'failed', reason, explanation });
const timedOut = (name: DependencyName, what: string, ms: number) => failed(name, 'Timeout', `${what} did not answer within ${ms / 1000} s.`);

function keyVaultFailure(error: unknown, ms: number): DependencyCheck {
  if (error instanceof CheckTimeout) return timedOut('keyVault', 'Key Vault', ms);
  if (!(error instanceof CredentialError)) return failed('keyVault', 'Error', 'Reading the secret from Key Vault failed unexpectedly; see the app log.');
  const reason = error.reason;
  if (reason === 'SecretNotFound') {
    return failed('keyVault', reason, 'The vault has no secret named by PARTNER_CENTER_SECRET_NAME (or not the version PARTNER_CENTER_SECRET_VERSION pins): store the Partner Center client secret there (README, Deploy step 3).');
  }
  if (reason === 'SecretDisabled') {
    return failed('keyVault', reason, 'The secret named by PARTNER_CENTER_SECRET_NAME (or the version PARTNER_CENTER_SECRET_VERSION pins) is disabled, as the deployment leaves its placeholder: store the Partner Center client secret as a new version (README, Deploy step 3), or enable that version.');
  }
  if (reason === 'ForbiddenByRbac') {
    return failed('keyVault', reason, "Key Vault's access control refused the app's identity: it needs the Key Vault Secrets User role on the secret named by PARTNER_CENTER_SECRET_NAME. With the role scoped to one secret (as the deployment does), a name other than that secret's is refused this way too, so check PARTNER_CENTER_SECRET_NAME first, then the role and AZURE_CLIENT_ID.");
  }
  if (reason === 'HTTP 401' || reason === 'HTTP 403') {
    return failed('keyVault', reason, "The app's identity may not read secrets in the vault: give it the Key Vault Secrets User role on the vault named by KEY_VAULT_URL (and check AZURE_CLIENT_ID names that identity).");
  }
  if (reason === 'ManagedIdentityNotFound') {
    return failed('keyVault', reason, "The function app has no managed identity with the client id in AZURE_CLIENT_ID: set AZURE_CLIENT_ID to the client id of the user-assigned identity attached to the app (azd env get-value AZURE_MANAGED_IDENTITY_CLIENT_ID after a deployment), or leave it empty to use the app's system-assigned identity.");
  }
  if (reason === 'NoKeyVaultToken') {
    return failed('keyVault', reason, 'The app got no managed identity token for Key Vault: check that AZURE_CLIENT_ID is the client id of the identity assigned to the function app.');
  }
  if (reason === 'EmptySecret') return failed('keyVault', reason, 'The secret named by PARTNER_CENTER_SECRET_NAME is empty: store the client secret value in it.');
  return error.retryable
    ? failed('keyVault', reason, 'Key Vault could not be reached: check KEY_VAULT_URL and the vault\'s network rules.')
    : failed('keyVault', reason, 'Key Vault refused to return the secret named by PARTNER_CENTER_SECRET_NAME.');
}

function entraFailure(error: unknown, ms: number): DependencyCheck {
  if (error instanceof CheckTimeout) return timedOut('entraId', 'Entra ID', ms);
  if (!(error instanceof CredentialError)) return failed('entraId', 'Error', 'Getting a Partner Center token failed unexpectedly; see the app log.');
  const reason = error.reason;
  if (reason === 'AADSTS7000215' || reason === 'AADSTS7000222' || reason === 'invalid_client') {
    return failed('entraId', reason, 'Entra ID refused the client secret (wrong, expired or revoked): store the current secret of the app registration PARTNER_CENTER_CLIENT_ID in Key Vault; the app picks it up without a restart.');
  }
  if (reason === 'AADSTS700016') {
    return failed('entraId', reason, 'Entra ID does not know the app PARTNER_CENTER_CLIENT_ID in the tenant PARTNER_CENTER_TENANT_ID: check both ids.');
  }
  if (reason === 'AADSTS90002' || reason === 'AADSTS900023') {
    return failed('entraId', reason, 'Entra ID does not know the tenant PARTNER_CENTER_TENANT_ID: check the partner tenant id.');
  }
  return error.retryable
    ? failed('entraId', reason, 'Entra ID could not be reached: check AZURE_AUTHORITY_HOST and outbound network access.')
    : failed('entraId', reason, 'Entra ID refused the token request for Partner Center: check PARTNER_CENTER_TENANT_ID, PARTNER_CENTER_CLIENT_ID and the app registration.');
}

/** Service Bus errors carry a `code` (ServiceBusError) or an AMQP `code`/`name`; only those are read. */
function serviceBusFailure(error: unknown, ms: number): DependencyCheck {
  if (error instanceof CheckTimeout) return timedOut('resultsTopic', 'Service Bus', ms);
  const e = error as { code?: unknown; name?: unknown };
  const code = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'Error';
  if (code === 'MessagingEntityNotFound') {
    return failed('resultsTopic', code, 'The topic named by RESULTS_TOPIC does not exist in the Service Bus namespace: create it (the Bicep does) or fix RESULTS_TOPIC.');
  }
  if (code === 'UnauthorizedAccess') {
    return failed('resultsTopic', code, "The app's identity may not send to the results topic: give it Azure Service Bus Data Sender on the topic named by RESULTS_TOPIC.");
  }
  if (code === 'CredentialUnavailableError' || code === 'AuthenticationError' || code === 'AggregateAuthenticationError') {
    return failed('resultsTopic', code, 'The app got no managed identity token for Service Bus: check AZURE_CLIENT_ID and ServiceBusConnection__fullyQualifiedNamespace.');
  }
  return failed('resultsTopic', code, 'Service Bus could not be reached: check ServiceBusConnection__fullyQualifiedNamespace (or ServiceBusConnection locally) and network access.');
}

function durableFailure(error: unknown, ms: number): DependencyCheck {
  if (error instanceof CheckTimeout) return timedOut('durableBackend', 'The Durable backend', ms);
  // The Durable client's errors quote request URLs that carry the system key: only the status code is kept.
  const status = error instanceof Error ? /\bHTTP (\d{3})\b/.exec(error.message)?.[1] : undefined;
  return failed(
    'durableBackend',
    status ? `HTTP ${status}` : 'Unreachable',
    'The Durable backend did not answer: check the task hub storage (AzureWebJobsStorage__* and its roles) or, with the Durable Task Scheduler, DURABLE_TASK_SCHEDULER_CONNECTION_STRING and the Durable Task Data Contributor role.',
  );
}

export async function checkDependencies(deps: DependencyHealthDeps): Promise<HealthReport> {
  const ms = deps.timeoutMs ?? 15_000;

  // The secret is read afresh (Key Vault's latest version, as a rotation would be picked up), then a token asked for.
  let keyVault: DependencyCheck;
  let entraId: DependencyCheck;
  if (deps.secretSource.mode === 'local') {
    keyVault = { name: 'keyVault', status: 'skipped', explanation: 'Local-secret mode: KEY_VAULT_URL is not set, so the secret comes from PARTNER_CENTER_CLIENT_SECRET. Set KEY_VAULT_URL in Azure.' };
  } else {
    keyVault = await within(ms, deps.secretSource.reread()).then(
      () => ok('keyVault'),
      (error: unknown) => keyVaultFailure(error, ms),
    );
  }
  if (keyVault.status === 'failed') {
    entraId = { name: 'entraId', status: 'skipped', explanation: 'No secret to present to Entra ID: fix Key Vault first.' };
  } else {
    entraId = await within(ms, deps.tokenProvider.getToken()).then(
      () => ok('entraId'),
      (error: unknown) => entraFailure(error, ms),
    );
  }

  const [resultsTopic, durableBackend] = await Promise.all([
    within(ms, deps.probeResultsTopic()).then(
      () => ok('resultsTopic'),
      (error: unknown) => serviceBusFailure(error, ms),
    ),
    within(ms, deps.probeDurableBackend()).then(
      () => ok('durableBackend'),
      (error: unknown) => durableFailure(error, ms),
    ),
  ]);

  const checks = [keyVault, entraId, resultsTopic, durableBackend];
  return { status: checks.some((c) => c.status === 'failed') ? 'unhealthy' : 'healthy', secretSource: deps.secretSource.mode, checks };
}
