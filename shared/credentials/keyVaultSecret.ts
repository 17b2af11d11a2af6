// One read of the app secret from Key Vault with SecretClient, its failures turned into typed, secret-free errors.

import type { TokenCredential } from '@azure/identity';
import { SecretClient, type SecretClientOptions } from '@azure/keyvault-secrets';
import { isLoopbackHost, SecretValue } from '../config';

import { CredentialRejectedError, CredentialUnavailableError } from './errors';
import { networkFailureOf } from './networkFailure';

export interface KeyVaultSecretSettings {
  vaultUrl: string;
  secretName: string;
  secretVersion?: string;
}

const DEFAULT_RETRY = { maxRetries: 2, retryDelayInMs: 500, maxRetryDelayInMs: 4_000 };

/** Returns a function that reads the secret once per call, through one SecretClient. */
export function createKeyVaultSecretReader(
  settings: KeyVaultSecretSettings,
  credential: TokenCredential,
  clientOptions: SecretClientOptions = {},
): () => Promise<SecretValue> {
  const client = new SecretClient(settings.vaultUrl, credential, {
    retryOptions: DEFAULT_RETRY,
    ...clientOptions,
    // The challenge names resource vault.azure.net, which a loopback stand-in's host can never match.
    disableChallengeResourceVerification: clientOptions.disableChallengeResourceVerification ?? isLoopbackHost(new URL(settings.vaultUrl).hostname),
  });
  return async () => {
    try {
      const secret = await client.getSecret(settings.secretName, settings.secretVersion ? { version: settings.secretVersion } : {});
      if (!secret.value) throw keyVaultRejected(settings, 'EmptySecret', 'the secret has no value');
      return new SecretValue(secret.value);
    } catch (error) {
      throw toKeyVaultError(settings, error);
    }
  };
}

const what = (s: KeyVaultSecretSettings) => `secret "${s.secretName}"${s.secretVersion ? ` version ${s.secretVersion}` : ''}`;

function keyVaultRejected(s: KeyVaultSecretSettings, reason: string, why: string): CredentialRejectedError {
  return new CredentialRejectedError(`Key Vault ${s.vaultUrl} refused to return ${what(s)}: ${why}`, {
    endpoint: 'keyVault',
    endpointUrl: s.vaultUrl,
    reason,
  });
}

function keyVaultUnavailable(s: KeyVaultSecretSettings, reason: string, why: string): CredentialUnavailableError {
  return new CredentialUnavailableError(`Key Vault ${s.vaultUrl} could not be read (${what(s)}): ${why}`, {
    endpoint: 'keyVault',
    endpointUrl: s.vaultUrl,
    reason,
  });
}

/** First line of an SDK message, trimmed; SDK messages carry no secrets but can be long. */
const firstLine = (text: string) => text.split('\n')[0]!.slice(0, 300);

/**
 * DefaultAzureCredential reports every credential it tried; the managed identity one is what matters in Azure and
 * with the local stand-ins, so it is named first and the rest is left out.
 */
function credentialFailureSummary(message: string): string {
  const parts = message.split(/\s*(?:CredentialUnavailableError|AuthenticationError): /).map((p) => p.replace(/\s+/g, ' ').trim());
  const managedIdentity = parts.find((p) => p.startsWith('ManagedIdentityCredential'));
  return (managedIdentity ?? parts.find((p) => p.length > 0) ?? message).slice(0, 300);
}

/**
 * Key Vault's inner error code (SecretDisabled, ForbiddenByRbac…): SecretClient puts the parsed error body on the
 * RestError as `details.error.innerError` (keyvault-secrets api/operations.js + models.js keyVaultErrorDeserializer).
 */
function innerErrorCode(error: unknown): string | undefined {
  const code = (error as { details?: { error?: { innerError?: { code?: unknown } } } }).details?.error?.innerError?.code;
  return typeof code === 'string' ? code : undefined;
}

function toKeyVaultError(s: KeyVaultSecretSettings, error: unknown): Error {
  if (error instanceof CredentialRejectedError) return error;
  const e = error as { name?: string; statusCode?: number; code?: string; message?: string };
  const message = typeof e.message === 'string' ? e.message : String(error);
  if (typeof e.statusCode === 'number') {
    const status = e.statusCode;
    const detail = `HTTP ${status}${e.code ? ` ${e.code}` : ''}: ${firstLine(message)}`;
    if (status === 408 || status === 429 || status >= 500) return keyVaultUnavailable(s, `HTTP ${status}`, detail);
    const inner = status === 403 ? innerErrorCode(error) : undefined;
    if (inner === 'SecretDisabled') {
      // Not a role problem: the version exists but is disabled (the deployment's placeholder, or a disabled rotation).
      return keyVaultRejected(s, 'SecretDisabled', `${detail} (enable that version, or store the value as a new version)`);
    }
    if (inner === 'ForbiddenByRbac') {
      // Key Vault checks the role before looking the secret up, so this is also the answer for a name that does not
      // exist when the role is scoped to one secret (as the Bicep scopes it).
      return keyVaultRejected(
        s,
        'ForbiddenByRbac',
        `HTTP 403 ForbiddenByRbac: the app's identity has no role that lets it read this secret (grant it "Key Vault Secrets User" on the secret or the vault, and check the secret name)`,
      );
    }
    if (status === 401 || status === 403) {
      return keyVaultRejected(s, `HTTP ${status}`, `${detail} (grant the app's identity the "Key Vault Secrets User" role)`);
    }
    return keyVaultRejected(s, e.code ?? `HTTP ${status}`, detail);
  }
  const network = networkFailureOf(error);
  if (network) return keyVaultUnavailable(s, network.code, network.description);
  if (/No User Assigned or Delegated Managed Identity found/.test(message)) {
    // App Service's managed identity endpoint: the identity asked for (AZURE_CLIENT_ID) is not attached to the app.
    return keyVaultUnavailable(
      s,
      'ManagedIdentityNotFound',
      'no token for Key Vault: the managed identity named by AZURE_CLIENT_ID is not assigned to this app (the identity endpoint answered 400 "No User Assigned or Delegated Managed Identity found")',
    );
  }
  if (e.name === 'AggregateAuthenticationError' || e.name === 'CredentialUnavailableError' || e.name === 'AuthenticationError') {
    // DefaultAzureCredential could not get a token for Key Vault (managed identity endpoint down, no developer login).
    return keyVaultUnavailable(s, 'NoKeyVaultToken', `no token for Key Vault: ${credentialFailureSummary(message)}`);
  }
  return keyVaultUnavailable(s, e.code ?? e.name ?? 'Error', firstLine(message));
}
