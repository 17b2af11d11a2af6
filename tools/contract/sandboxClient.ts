// The project's own Partner Center client and credential chain, pointed at the integration sandbox: the same code the
// app runs, with the secret from the environment or from Key Vault (read with the developer's Azure login).

import { loadConfig, SecretValue } from '../../shared/config';
import { createPartnerCenterTokenProvider, createSecretSource, type CredentialLogger } from '../../shared/credentials';
import { createPartnerCenterClient, type PartnerCenterClient } from '../../shared/partner-center';
import type { Env, SandboxSettings } from './settings';

export function createSandboxClient(settings: SandboxSettings, env: Env, logger: CredentialLogger): PartnerCenterClient {
  const secret =
    settings.secret.mode === 'environment'
      ? { mode: 'local' as const, clientSecret: new SecretValue(env.CONTRACT_CLIENT_SECRET!.trim()) }
      : { mode: 'keyVault' as const, vaultUrl: settings.secret.vaultUrl, secretName: settings.secret.secretName };
  const secretSource = createSecretSource({ credentials: { authorityHost: settings.authorityHost, secret } }, { logger });
  const tokenProvider = createPartnerCenterTokenProvider({
    config: { partnerCenter: { tenantId: settings.tenantId, clientId: settings.clientId }, credentials: { authorityHost: settings.authorityHost } },
    secretSource,
    logger,
  });
  // Same timeout and retry defaults as the app (loadConfig's), so the contract sees what the workflow would.
  const defaults = appDefaults();
  return createPartnerCenterClient({
    baseUrl: settings.baseUrl,
    tokenProvider,
    applicationName: 'pc-order-workflow-contract',
    timeoutMs: defaults.timeoutMs,
    maxTransientRetries: defaults.maxTransientRetries,
  });
}

/** The app's Partner Center defaults, read through loadConfig with placeholder ids so they cannot drift. */
export function appDefaults(): { timeoutMs: number; maxTransientRetries: number } {
  const placeholder = '00000000-0000-4000-8000-000000000000';
  const config = loadConfig({
    PARTNER_CENTER_TENANT_ID: placeholder,
    PARTNER_CENTER_CLIENT_ID: placeholder,
    PARTNER_CENTER_CLIENT_SECRET: 'placeholder',
    ServiceBusConnection__fullyQualifiedNamespace: 'placeholder.servicebus.windows.net',
  });
  return { timeoutMs: config.partnerCenter.timeoutMs, maxTransientRetries: config.partnerCenter.maxTransientRetries };
}
