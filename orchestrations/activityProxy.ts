// Calls activities from the orchestration through a proxy typed by the activities' own signatures
// (activities/index.ts), so a name, an input or a result cannot drift from the activity, and decodes each result at
// this boundary: whatever comes back is an ActivityResult, or becomes an `activityFailed` one.

import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import type { RetryPolicy } from '../shared/config';
import type { OrderActivities } from './activities';
import type { ActivityResult } from './activities/activityResult';

export type Step<T> = Generator<Task, T, unknown>;

/** A scheduled activity: the Durable task, with the activity's name and result type. */
export interface ActivityTask<T> {
  readonly name: string;
  readonly task: Task;
  /** Type only: the value a successful result carries. */
  readonly valueType?: T;
}

type Proxied<A> = {
  [K in keyof A]: A[K] extends (input: infer I) => Promise<ActivityResult<infer T>> ? (input: I) => ActivityTask<T> : never;
};
export type OrderActivityProxy = Proxied<OrderActivities>;

const retryOptions = (policy: RetryPolicy): df.RetryOptions => {
  const options = new df.RetryOptions(policy.firstRetryMs, policy.maxAttempts);
  options.backoffCoefficient = policy.backoffCoefficient;
  options.maxRetryIntervalInMilliseconds = policy.maxRetryMs;
  return options;
};

/** Each activity under its name, scheduled with the host's retry policy for unexpected failures. */
export function orderActivities(context: OrchestrationContext, retryPolicyFor: (name: keyof OrderActivities) => RetryPolicy): OrderActivityProxy {
  return new Proxy({} as OrderActivityProxy, {
    get: (_target, name: string) => (input: unknown) => ({
      name,
      task: context.df.callActivityWithRetry(name, retryOptions(retryPolicyFor(name as keyof OrderActivities)), input),
    }),
  });
}

/** Waits for the activity; a failure that outlived the host's retries comes back as `activityFailed`. */
export function* resultOf<T>(context: OrchestrationContext, activity: ActivityTask<T>): Step<ActivityResult<T>> {
  let raw: unknown;
  try {
    raw = yield activity.task;
  } catch (error) {
    // The SDK's error text carries the exception's details (stack, server paths): logs only.
    if (!context.df.isReplaying) context.warn(`Activity ${activity.name} failed after its retries: ${error instanceof Error ? error.message : String(error)}`);
    return { ok: false, failure: { reason: 'activityFailed', message: `the ${activity.name} step failed unexpectedly; the app's logs have the error` } };
  }
  if (isActivityResult(raw)) return raw as ActivityResult<T>;
  return { ok: false, failure: { reason: 'activityFailed', message: `the ${activity.name} step returned a result of the wrong shape` } };
}

function isActivityResult(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const result = value as { ok?: unknown; value?: unknown; failure?: { reason?: unknown; message?: unknown } };
  if (result.ok === true) return 'value' in result;
  return result.ok === false && typeof result.failure?.reason === 'string' && typeof result.failure.message === 'string';
}
