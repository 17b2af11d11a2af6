// The per-execution context of processOrder and the few orchestration primitives its steps share: calling an
// activity with the retry policy, waiting on a durable timer (optionally racing the cancel event) and reporting
// custom status. Only context.df is used here; nothing reads the clock, the environment or the network.

import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import type { OrderCustomStatus, ProcessOrderInput } from './contracts';
import { resolvePolicy, type ActivityRetryPolicy, type WorkflowPolicy } from './policy';
import { addSeconds, isoOf } from './time';

export type Step<T> = Generator<Task, T, unknown>;

export interface OrderRun {
  df: OrchestrationContext['df'];
  input: ProcessOrderInput;
  policy: WorkflowPolicy;
  instanceId: string;
  status: OrderCustomStatus;
  /** This execution's first instant (the instance's own clock, unlike the starter's receivedAt). */
  startedAt: Date;
  /** Merges a change into the custom status and publishes it to the Durable status API. */
  report(change: Partial<OrderCustomStatus>): void;
  now(): Date;
}

export function startRun(context: OrchestrationContext): OrderRun {
  const input = context.df.getInput<ProcessOrderInput>();
  const resume = input.resume;
  const run: OrderRun = {
    df: context.df,
    input,
    policy: resolvePolicy(input.policy),
    instanceId: context.df.instanceId,
    startedAt: context.df.currentUtcDateTime,
    status: {
      stage: resume ? 'waitingForOrders' : 'creatingCart',
      orderId: input.request.orderId,
      cartId: resume?.cartId ?? null,
      cartExpiresAt: null,
      orders: resume ? resume.orders.map(({ id, status }) => ({ id, status })) : [],
      attempts: { cart: resume?.cartAttempts ?? 0, checkout: resume?.checkoutAttempts ?? 0, polls: resume?.pollCount ?? 0 },
      lastError: resume?.lastError ?? null,
      nextCheckAt: null,
      outcome: null,
    },
    report(change) {
      run.status = { ...run.status, ...change };
      context.df.setCustomStatus(run.status);
    },
    now: () => context.df.currentUtcDateTime,
  };
  context.df.setCustomStatus(run.status);
  return run;
}

export type ActivityCall<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Why an activity failed, fit for the outcome and the status API. The SDK builds the error as
 * `Error("<Reason> \n <Details>")`, where Details is the serialized exception with its stack trace and the server's
 * file paths: only the reason is kept.
 */
export function activityFailureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const detailsAt = message.indexOf(' \n ');
  return detailsAt >= 0 ? message.slice(0, detailsAt).trimEnd() : message;
}

function retryOptions(policy: ActivityRetryPolicy): df.RetryOptions {
  const options = new df.RetryOptions(policy.firstRetryMs, policy.maxAttempts);
  options.backoffCoefficient = policy.backoffCoefficient;
  options.maxRetryIntervalInMilliseconds = policy.maxRetryMs;
  return options;
}

/** Schedules an activity under the retry policy (transient failures are retried by the host). */
export function activityTask(run: OrderRun, name: string, input: unknown, policy = run.policy.activityRetry): Task {
  return run.df.callActivityWithRetry(name, retryOptions(policy), input);
}

/** Runs an activity; a failure that outlived every retry comes back as a value the step can decide on. */
export function* callActivity<T>(run: OrderRun, name: string, input: unknown, policy = run.policy.activityRetry): Step<ActivityCall<T>> {
  try {
    return { ok: true, value: (yield activityTask(run, name, input, policy)) as T };
  } catch (error) {
    return { ok: false, error: activityFailureReason(error) };
  }
}

export const CANCELLED = Symbol('cancelled');

/** Waits for `task` unless the cancel event comes first. A failed task is rethrown to the caller. */
export function* unlessCancelled<T>(run: OrderRun, task: Task, cancel: Task | undefined): Step<T | typeof CANCELLED> {
  if (cancel === undefined) return (yield task) as T;
  const winner = (yield run.df.Task.any([task, cancel])) as Task;
  if (winner === cancel) {
    // A durable timer left pending would keep the instance Running until it fires.
    if ('cancel' in task && typeof task.cancel === 'function') task.cancel();
    return CANCELLED;
  }
  if (winner.isFaulted) throw winner.result;
  return winner.result as T;
}

/** Waits `seconds` on a durable timer (no compute is billed meanwhile), or until cancelled when `cancel` is given. */
export function* waitSeconds(run: OrderRun, seconds: number, cancel?: Task): Step<'elapsed' | typeof CANCELLED> {
  const fireAt = addSeconds(run.now(), seconds);
  run.report({ nextCheckAt: isoOf(fireAt) });
  const result = yield* unlessCancelled<unknown>(run, run.df.createTimer(fireAt), cancel);
  run.report({ nextCheckAt: null });
  return result === CANCELLED ? CANCELLED : 'elapsed';
}

/** Like callActivity, but the cancel event may win the race. */
export function* callActivityUnlessCancelled<T>(run: OrderRun, name: string, input: unknown, cancel: Task): Step<ActivityCall<T> | typeof CANCELLED> {
  try {
    const result = yield* unlessCancelled<T>(run, activityTask(run, name, input), cancel);
    return result === CANCELLED ? CANCELLED : { ok: true, value: result };
  } catch (error) {
    return { ok: false, error: activityFailureReason(error) };
  }
}
