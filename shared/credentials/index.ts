// Partner Center app credentials: the secret (Key Vault or local setting) and the token provider built on it.
export { createSecretSource, type SecretSource, type SecretSourceOptions } from './secretSource';
export { createPartnerCenterTokenProvider, PARTNER_CENTER_SCOPE, type PartnerCenterTokenProviderOptions } from './partnerCenterTokenProvider';
export { CredentialError, CredentialRejectedError, CredentialUnavailableError, type CredentialEndpoint } from './errors';
export { consoleCredentialLogger, type CredentialLogger } from './logger';
export { createPartnerCenterCredentials, type PartnerCenterCredentialsOptions } from './partnerCenterCredentials';
