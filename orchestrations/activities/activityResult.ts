// What every order activity returns: a value, or a Failure the orchestration decides on (wait, recover, give up).
// Known failures come back as values so the orchestration can wait on durable timers; only the unexpected is thrown,
// for the host's retry policy.

import { describeFailure, type Failure } from '../../shared/orders';

export type ActivityResult<T> = { ok: true; value: T } | { ok: false; failure: Failure };

export const succeeded = <T>(value: T): ActivityResult<T> => ({ ok: true, value });

/** The failure an error stands for, as a result; an unexpected error is rethrown so the host retries the activity. */
export function failedWith(error: unknown, log: (message: string) => void): { ok: false; failure: Failure } {
  const failure = describeFailure(error);
  if (failure === undefined) throw error;
  // The whole error (endpoint URLs, request ids) goes to the logs; the result carries only the short failure.
  log(`${failure.reason}: ${error instanceof Error ? error.message : String(error)}`);
  return { ok: false, failure };
}
