// Where the Partner Center app secret comes from: Key Vault (normal) or a local setting (local-secret mode).
// The value is cached; `reread()` fetches it again, once for all concurrent callers, when Entra ID refused it.

import { DefaultAzureCredential, type DefaultAzureCredentialClientIdOptions, type TokenCredential } from '@azure/identity';
import type { SecretClientOptions } from '@azure/keyvault-secrets';
import type { AppConfig, SecretValue } from '../config';
import { createKeyVaultSecretReader } from './keyVaultSecret';
import { consoleCredentialLogger, type CredentialLogger } from './logger';

export interface SecretSource {
  readonly mode: 'keyVault' | 'local';
  /** Where the secret comes from (vault URL and secret name, or the setting name); never the value. */
  readonly description: string;
  /** The cached secret, read on first use. */
  getSecret(): Promise<SecretValue>;
  /** Reads the secret again (latest version unless one is pinned); concurrent callers share one read. */
  reread(): Promise<SecretValue>;
}

export interface SecretSourceOptions {
  /** Token credential for Key Vault; DefaultAzureCredential (managed identity in Azure, developer login locally) by default. */
  credential?: TokenCredential;
  /** Options for that DefaultAzureCredential, e.g. tlsOptions to trust a local CA, retryOptions. */
  credentialOptions?: DefaultAzureCredentialClientIdOptions;
  /** SecretClient options (tlsOptions, retryOptions); challenge resource verification is relaxed only for loopback vaults. */
  keyVaultClientOptions?: SecretClientOptions;
  logger?: CredentialLogger;
}

function cachedReader(read: () => Promise<SecretValue>): Pick<SecretSource, 'getSecret' | 'reread'> {
  let current: Promise<SecretValue> | undefined;
  let inFlight: Promise<SecretValue> | undefined;
  const reread = () => {
    inFlight ??= read().finally(() => {
      inFlight = undefined;
    });
    // A failed read is not cached: the next caller tries again.
    current = inFlight.catch((error: unknown) => {
      current = undefined;
      throw error;
    });
    return current;
  };
  return { getSecret: () => current ?? reread(), reread };
}

export function createSecretSource(config: Pick<AppConfig, 'credentials'>, options: SecretSourceOptions = {}): SecretSource {
  const logger = options.logger ?? consoleCredentialLogger;
  const settings = config.credentials.secret;
  if (settings.mode === 'local') {
    const description = 'the PARTNER_CENTER_CLIENT_SECRET setting';
    logger.warn(`Local-secret mode: the Partner Center client secret comes from ${description} because KEY_VAULT_URL is not set. Use Key Vault in Azure.`);
    const secret = settings.clientSecret;
    return { mode: 'local', description, getSecret: async () => secret, reread: async () => secret };
  }
  const credential = options.credential ?? new DefaultAzureCredential(options.credentialOptions);
  const version = settings.secretVersion ? ` version ${settings.secretVersion}` : ' (latest version)';
  const description = `secret "${settings.secretName}"${version} in Key Vault ${settings.vaultUrl}`;
  logger.info(`The Partner Center client secret comes from ${description}.`);
  const reader = cachedReader(createKeyVaultSecretReader(settings, credential, options.keyVaultClientOptions));
  return { mode: 'keyVault', description, ...reader };
}
