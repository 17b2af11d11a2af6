// One call for the app's start-up: the secret source (which announces Key Vault or local-secret mode) and the token
// provider on top of it. Call it once per process and share the result: that is what keeps one credential and one
// token cache per process.

import type { ClientSecretCredentialOptions } from '@azure/identity';
import type { AppConfig } from '../config';
import type { PartnerCenterTokenProvider } from '../partner-center/tokenProvider';
import type { CredentialLogger } from './logger';
import { createPartnerCenterTokenProvider } from './partnerCenterTokenProvider';
import { createSecretSource, type SecretSource, type SecretSourceOptions } from './secretSource';

export interface PartnerCenterCredentialsOptions {
  secretSource?: Omit<SecretSourceOptions, 'logger'>;
  credentialOptions?: ClientSecretCredentialOptions;
  logger?: CredentialLogger;
  /** Clock for token expiry (tests). */
  now?: () => number;
}

export function createPartnerCenterCredentials(
  config: AppConfig,
  options: PartnerCenterCredentialsOptions = {},
): { secretSource: SecretSource; tokenProvider: PartnerCenterTokenProvider } {
  const secretSource = createSecretSource(config, { ...options.secretSource, logger: options.logger });
  const tokenProvider = createPartnerCenterTokenProvider({
    config,
    secretSource,
    credentialOptions: options.credentialOptions,
    logger: options.logger,
    now: options.now,
  });
  return { secretSource, tokenProvider };
}
