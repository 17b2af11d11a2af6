// Shared set-up for the credential suites: the identity stand-ins, settings pointing at them (read through loadConfig),
// the process environment DefaultAzureCredential needs, and a log capture that the tests search for secrets/tokens.

import { AzureLogger, setLogLevel } from '@azure/logger';
import { createServer } from 'node:net';
import type { SeedSecret } from '../../../local/identity/keyVaultServer';
import { startIdentityStandIns, type IdentityStandIns, type IdentityStandInsOptions } from '../../../local/identity/standIns';
import { loadConfig, type AppConfig } from '../../../shared/config';
import type { CredentialLogger, SecretSourceOptions } from '../../../shared/credentials';

export const CLIENT_ID = '3f2b8c1e-7d4a-4e6b-9a0c-5b1d2e3f4a5b';
export const SECRET_NAME = 'partner-center-client-secret';
// Distinctive values, so a search of the captured logs cannot miss them.
export const FIRST_SECRET = 'first-Secret~Value.0001_zQx';
export const SECOND_SECRET = 'second-Secret~Value.0002_kWp';

export interface CredentialRig {
  standIns: IdentityStandIns;
  tlsOptions: { ca: string };
  /** Settings for loadConfig (Key Vault mode); `overrides` replace or (with undefined) remove entries. */
  settings(overrides?: Record<string, string | undefined>): Record<string, string | undefined>;
  config(overrides?: Record<string, string | undefined>): AppConfig;
  /** SecretSource options that trust the per-run CA and do not retry (tests assert counts, not waits). */
  secretSourceOptions(): SecretSourceOptions;
  logger: CredentialLogger;
  /** Everything logged so far: ours and the Azure SDKs' (AzureLogger at info level). */
  logs(): string[];
  stop(): Promise<void>;
}

const MANAGED_IDENTITY_VARIABLES = ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'AZURE_TOKEN_CREDENTIALS'];
// Variables that would make DefaultAzureCredential pick another credential on a developer's machine.
const FOREIGN_VARIABLES = ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_FEDERATED_TOKEN_FILE', 'MSI_ENDPOINT', 'IMDS_ENDPOINT'];

export const DISABLED_SECRET_NAME = 'disabled-placeholder';

export async function startCredentialRig(
  options: { secret?: string } & Pick<IdentityStandInsOptions, 'keyVaultRbac' | 'userAssignedIdentities'> = {},
): Promise<CredentialRig> {
  const secret = options.secret ?? FIRST_SECRET;
  // Beside the app secret, a secret seeded disabled, as infra/app/keyvault.bicep creates its placeholder.
  const seeded: Record<string, string | SeedSecret> = { [SECRET_NAME]: secret, [DISABLED_SECRET_NAME]: { value: 'placeholder', enabled: false } };
  const standIns = await startIdentityStandIns({
    clients: [{ clientId: CLIENT_ID, secrets: [secret] }],
    secrets: seeded,
    keyVaultRbac: options.keyVaultRbac,
    userAssignedIdentities: options.userAssignedIdentities,
  });
  // msal-node fixes the managed identity source and endpoint process-wide on the first request, so each test file
  // starts one set of stand-ins and keeps it (jest gives every file a fresh module registry).
  const saved = new Map<string, string | undefined>();
  for (const name of [...MANAGED_IDENTITY_VARIABLES, ...FOREIGN_VARIABLES]) saved.set(name, process.env[name]);
  for (const name of FOREIGN_VARIABLES) delete process.env[name];
  Object.assign(process.env, standIns.environment());

  const lines: string[] = [];
  const logger: CredentialLogger = { info: (m) => void lines.push(`info: ${m}`), warn: (m) => void lines.push(`warn: ${m}`) };
  const previousLog = AzureLogger.log;
  setLogLevel('info');
  AzureLogger.log = (...args: unknown[]) => void lines.push(`sdk: ${args.map(String).join(' ')}`);

  const tlsOptions = { ca: standIns.caCertPem };
  const settings = (overrides: Record<string, string | undefined> = {}) => {
    const base: Record<string, string | undefined> = {
      PARTNER_CENTER_TENANT_ID: standIns.tenantId,
      PARTNER_CENTER_CLIENT_ID: CLIENT_ID,
      AZURE_AUTHORITY_HOST: standIns.entraId.authorityHost,
      KEY_VAULT_URL: standIns.keyVault.vaultUrl,
      PARTNER_CENTER_SECRET_NAME: SECRET_NAME,
      ServiceBusConnection: 'Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true',
    };
    return { ...base, ...overrides };
  };
  return {
    standIns,
    tlsOptions,
    settings,
    config: (overrides) => loadConfig(settings(overrides)),
    secretSourceOptions: () => ({
      credentialOptions: { tlsOptions, retryOptions: { maxRetries: 0 } },
      keyVaultClientOptions: { tlsOptions, retryOptions: { maxRetries: 0 } },
      logger,
    }),
    logger,
    logs: () => [...lines],
    stop: async () => {
      AzureLogger.log = previousLog;
      setLogLevel('warning');
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await standIns.stop();
    },
  };
}

/** Everything that must never contain a secret or token: log lines and thrown errors, inspected in depth. */
export function expectNoneContain(haystacks: readonly string[], needles: readonly string[]): void {
  for (const needle of needles) {
    const hits = haystacks.filter((h) => h.includes(needle));
    expect({ needle: `${needle.slice(0, 6)}…`, hits: hits.length }).toEqual({ needle: `${needle.slice(0, 6)}…`, hits: 0 });
  }
}

/** Port that was just free: start and stop a server on it. Nothing listens there afterwards. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
