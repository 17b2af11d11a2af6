// App-only Partner Center tokens: client credentials for the partner tenant, with the secret from a SecretSource.
//
// - One token at a time, cached until shortly before it expires; concurrent callers share one in-flight request.
// - invalidate(token) (Partner Center answered 401) drops it; the next getToken fetches a new one.
// - A token request refused with invalid_client (secret rotated or revoked) re-reads the secret once and retries once.
// - One ClientSecretCredential per process, replaced only when the secret changes or when it hands back a token we have
//   already dropped: @azure/identity caches tokens inside the credential and offers no way to bypass that cache.

import { ClientSecretCredential, type ClientSecretCredentialOptions } from '@azure/identity';
import type { AppConfig, SecretValue } from '../config';
import { isLoopbackHost } from '../config';
import type { PartnerCenterTokenProvider } from '../partner-center/tokenProvider';
import { CredentialRejectedError } from './errors';
import { consoleCredentialLogger, type CredentialLogger } from './logger';
import type { SecretSource } from './secretSource';
import { classifyTokenRequestFailure, type AuthorityInfo } from './tokenRequestFailure';

export const PARTNER_CENTER_SCOPE = 'https://api.partnercenter.microsoft.com/.default';

export interface PartnerCenterTokenProviderOptions {
  config: { partnerCenter: Pick<AppConfig['partnerCenter'], 'tenantId' | 'clientId'>; credentials: Pick<AppConfig['credentials'], 'authorityHost'> };
  secretSource: SecretSource;
  /** Extra ClientSecretCredential options: tlsOptions to trust a local CA, retryOptions, logging. */
  credentialOptions?: ClientSecretCredentialOptions;
  /** Refresh this long before the token expires (default 2 minutes, inside MSAL's own 5-minute renewal window). */
  refreshMarginMs?: number;
  /** Clock for expiry decisions (tests move it forward instead of waiting). */
  now?: () => number;
  logger?: CredentialLogger;
}

interface CachedToken {
  token: string;
  /** On the provider's clock. */
  expiresAt: number;
}

export function createPartnerCenterTokenProvider(options: PartnerCenterTokenProviderOptions): PartnerCenterTokenProvider {
  const { tenantId, clientId } = options.config.partnerCenter;
  const authorityHost = options.config.credentials.authorityHost;
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginMs ?? 120_000;
  const logger = options.logger ?? consoleCredentialLogger;
  const source = options.secretSource;
  const authority: AuthorityInfo = { authorityHost, tenantId, clientId, ca: options.credentialOptions?.tlsOptions?.ca };

  let cached: CachedToken | undefined;
  /** Tokens we stopped using (expired or refused); a credential that returns one of them is serving its own cache. */
  const dropped = new Set<string>();
  let inFlight: Promise<string> | undefined;
  let credential: { secret: SecretValue; instance: ClientSecretCredential } | undefined;

  function newCredential(secret: SecretValue): ClientSecretCredential {
    const instance = new ClientSecretCredential(tenantId, clientId, secret.reveal(), {
      ...options.credentialOptions,
      authorityHost,
      // Cloud instance discovery only knows the public clouds; a loopback stand-in is its own authority.
      disableInstanceDiscovery: options.credentialOptions?.disableInstanceDiscovery ?? isLoopbackHost(new URL(authorityHost).hostname),
    });
    credential = { secret, instance };
    return instance;
  }

  async function requestToken(secret: SecretValue): Promise<string> {
    const sameSecret = credential?.secret.reveal() === secret.reveal();
    let instance = sameSecret && credential ? credential.instance : newCredential(secret);
    const startedAt = Date.now();
    let result = await instance.getToken(PARTNER_CENTER_SCOPE);
    if (dropped.has(result.token)) {
      instance = newCredential(secret);
      result = await instance.getToken(PARTNER_CENTER_SCOPE);
    }
    // expiresOnTimestamp is wall-clock; keep the lifetime and place it on our clock.
    const lifetimeMs = result.expiresOnTimestamp - startedAt;
    cached = { token: result.token, expiresAt: now() + lifetimeMs };
    dropped.clear();
    logger.info(`Partner Center token acquired for app ${clientId} in tenant ${tenantId}; valid for ${Math.round(lifetimeMs / 1000)} s.`);
    return result.token;
  }

  async function acquire(): Promise<string> {
    const secret = await source.getSecret();
    try {
      return await requestToken(secret);
    } catch (error) {
      const failure = await classifyTokenRequestFailure(error, authority);
      // MSAL remembers a 5xx/429 inside the credential and replays it for a minute; the workflow retries on its own
      // schedule, so the next attempt gets a fresh credential.
      if (failure.kind === 'unavailable') credential = undefined;
      if (failure.kind !== 'secretRejected') throw failure.error;
      logger.warn(`${sentence(failure.error.message)} Re-reading the secret from ${source.description} once.`);
      return retryWithRereadSecret(secret, failure.error);
    }
  }

  async function retryWithRereadSecret(rejected: SecretValue, firstError: CredentialRejectedError): Promise<string> {
    const fresh = await source.reread();
    if (fresh.reveal() === rejected.reveal()) {
      throw new CredentialRejectedError(
        `${sentence(firstError.message)} The secret from ${source.description} is unchanged after one re-read; update it there (rotation) and retry.`,
        firstError,
      );
    }
    try {
      const token = await requestToken(fresh);
      logger.info(`Partner Center token acquired with the re-read secret from ${source.description}.`);
      return token;
    } catch (error) {
      const failure = await classifyTokenRequestFailure(error, authority);
      if (failure.kind === 'unavailable') credential = undefined;
      if (failure.kind !== 'secretRejected') throw failure.error;
      throw new CredentialRejectedError(`${failure.error.message}. The secret was re-read once from ${source.description} and is still refused.`, failure.error);
    }
  }

  return {
    getToken() {
      if (cached && now() < cached.expiresAt - margin) return Promise.resolve(cached.token);
      if (cached) {
        dropped.add(cached.token);
        cached = undefined;
      }
      inFlight ??= acquire().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate(token) {
      if (cached?.token !== token) return;
      logger.warn('Partner Center refused the cached token; the next call fetches a new one.');
      dropped.add(token);
      cached = undefined;
    },
  };
}

/** A message as one sentence ending in a single period, so that messages can be joined without "..". */
function sentence(message: string): string {
  return `${message.replace(/[.\s]+$/, '')}.`;
}
