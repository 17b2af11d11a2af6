// Typed credential failures. `retryable` tells the workflow what to do: an unreachable Key Vault or Entra ID is worth
// retrying later; a refused secret or app is not. Messages name the endpoint and the reason, never a secret or token,
// and no SDK error object is attached (those can carry request details).

export type CredentialEndpoint = 'keyVault' | 'entraId';

export interface CredentialErrorDetails {
  /** Which service failed. */
  endpoint: CredentialEndpoint;
  /** The URL that failed: the vault URL or the authority (host + tenant). */
  endpointUrl: string;
  /** Short machine-friendly reason, e.g. ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN, AADSTS7000215, SecretNotFound, HTTP 503. */
  reason: string;
}

export abstract class CredentialError extends Error {
  abstract readonly retryable: boolean;
  readonly endpoint: CredentialEndpoint;
  readonly endpointUrl: string;
  readonly reason: string;

  constructor(message: string, details: CredentialErrorDetails) {
    super(message);
    this.name = new.target.name;
    this.endpoint = details.endpoint;
    this.endpointUrl = details.endpointUrl;
    this.reason = details.reason;
  }
}

/** Key Vault or Entra ID could not be reached or answered with a transient failure: retry later. */
export class CredentialUnavailableError extends CredentialError {
  readonly retryable = true;
}

/** Key Vault or Entra ID refused (unknown app, secret still invalid after one re-read, missing secret, no access). */
export class CredentialRejectedError extends CredentialError {
  readonly retryable = false;
}
