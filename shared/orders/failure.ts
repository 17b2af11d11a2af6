// One vocabulary for everything that can go wrong on the way to Partner Center, from the client to the outcome.
// Activities turn an error into a Failure once (describeFailure); the orchestration decides on its `reason`; the
// outcome and the status carry the reason and a short message. Endpoint URLs, app ids, secret names and exception
// details never enter a Failure: they stay in the logs.

import { CredentialRejectedError, CredentialUnavailableError } from '../credentials/errors';
import { PartnerCenterError, PartnerCenterResponseShapeError, PartnerCenterThrottledError, type PartnerCenterReason } from '../partner-center';

export type FailureReason =
  | PartnerCenterReason
  /** Key Vault or Entra ID could not be reached: wait and try again. */
  | 'credentialsUnavailable'
  /** Key Vault or Entra ID refused the app (secret missing, revoked or expired, no access). */
  | 'credentialsRefused'
  /** An activity threw something unexpected and the host's retries ran out. */
  | 'activityFailed';

export interface Failure {
  reason: FailureReason;
  /** Short, for the ERP and the status API. */
  message: string;
  /** The Partner Center operation, HTTP status and error code, when Partner Center answered. */
  operation?: string;
  status?: number;
  code?: string;
  /** For `throttled`: how long Partner Center asked to wait. */
  retryAfterSeconds?: number;
}

const CREDENTIAL_SERVICE = { keyVault: 'Key Vault', entraId: 'Entra ID' } as const;

/** The Failure an error stands for, or undefined for an error nobody expected (then the activity rethrows it). */
export function describeFailure(error: unknown): Failure | undefined {
  if (error instanceof PartnerCenterError) {
    const failure: Failure = { reason: error.reason, operation: error.operation, message: partnerCenterMessage(error) };
    if (error.status !== undefined) failure.status = error.status;
    if (error.code !== undefined) failure.code = String(error.code);
    if (error instanceof PartnerCenterThrottledError) failure.retryAfterSeconds = error.retryAfterSeconds;
    return failure;
  }
  if (error instanceof PartnerCenterResponseShapeError) {
    return { reason: 'unavailable', message: "Partner Center's answer could not be read" };
  }
  if (error instanceof CredentialUnavailableError) {
    return { reason: 'credentialsUnavailable', message: `${CREDENTIAL_SERVICE[error.endpoint]} could not be reached to get a Partner Center token` };
  }
  if (error instanceof CredentialRejectedError) {
    // The short reason (an AADSTS code, SecretNotFound, HTTP 403) helps an operator; the URL and names stay in logs.
    return { reason: 'credentialsRefused', message: `${CREDENTIAL_SERVICE[error.endpoint]} refused the app's Partner Center credentials (${error.reason})` };
  }
  return undefined;
}

function partnerCenterMessage(error: PartnerCenterError): string {
  if (error.reason === 'throttled') return 'Partner Center throttled the call';
  if (error.reason === 'unavailable') return error.status === undefined ? 'Partner Center could not be reached' : `Partner Center was unavailable (HTTP ${error.status})`;
  return error.description ?? `Partner Center answered HTTP ${error.status ?? 'error'}`;
}
