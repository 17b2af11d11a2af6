// Turns a Partner Center error into an activity result, or rethrows it. Rethrown = worth retrying soon (transient,
// malformed response, anything unexpected): the Durable retry policy does that. Throttling and refusals are values.

import { PartnerCenterError, PartnerCenterThrottledError, PartnerCenterTransientError } from '../../shared/partner-center';
import type { PartnerCenterFailure, Rejected, Throttled } from './contracts';

export function failureOf(error: PartnerCenterError): PartnerCenterFailure {
  const failure: PartnerCenterFailure = { operation: error.operation, description: error.description ?? error.message };
  if (error.status !== undefined) failure.status = error.status;
  if (error.code !== undefined) failure.code = String(error.code);
  return failure;
}

/** Throttled or rejected, or throws when the failure should be retried by the Durable retry policy. */
export function throttledOrRejected(error: unknown): Throttled | Rejected {
  if (error instanceof PartnerCenterThrottledError) return { kind: 'throttled', retryAfterSeconds: error.retryAfterSeconds };
  if (error instanceof PartnerCenterError && !(error instanceof PartnerCenterTransientError)) {
    return { kind: 'rejected', error: failureOf(error) };
  }
  throw error;
}

/** Partner Center's code, as a string whatever its wire type (number in practice, string in the docs). */
export const codeOf = (error: PartnerCenterError) => (error.code === undefined ? undefined : String(error.code));
