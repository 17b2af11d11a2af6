// One ERP order id, one orchestration instance: find it, or start it exactly once.
//
// The extension offers no setting that refuses a start over a *finished* instance: overridableExistingInstanceStates
// is NonRunningStates (the default; the backend refuses a start while an instance with the id is Pending, Running,
// ContinuedAsNew or Suspended) or AnyState, which refuses nothing and would let a start overwrite a running order
// (OverridableStates.cs, ToDedupeStatuses). So the check comes first: NonRunningStates alone would let startNew
// overwrite a Completed/Failed instance, i.e. buy again. A start racing another start for the same id is refused by
// the backend ("already exists"); the second look at the status turns that refusal into a duplicate, not a failure.
// What the look cannot close (a start whose look found nothing while another start of the same id ran to completion in
// between, and an id whose history an operator purged) the order-id claim does: processOrder's first step claims the
// id with this start's random id, and a start that finds the claim taken buys nothing (orchestrations/orderClaim.ts).

import { randomUUID } from 'node:crypto';
import type { DurableClient, DurableOrchestrationStatus } from 'durable-functions';
import { PROCESS_ORDER, type ProcessOrderInput } from '../orchestrations';
import type { WorkflowPolicy } from '../shared/config';
import { compareOrderRequests, orderInstanceId, type OrderRequest, type RequestMatch } from '../shared/orders';
import { InstanceQueryError } from './orderInstanceQuery';

/** The part of the Durable client the triggers use (no management URLs: they carry the system key). */
export type OrderInstances = Pick<DurableClient, 'getStatus' | 'startNew' | 'raiseEvent'>;

export type StartOutcome =
  | { kind: 'started'; instanceId: string }
  | { kind: 'duplicate'; instanceId: string; existing: DurableOrchestrationStatus };

/** The instance, or undefined when the backend has none with that id (the JS client reports that as an HTTP 404 error). */
export async function findInstance(client: OrderInstances, instanceId: string, showInput = false): Promise<DurableOrchestrationStatus | undefined> {
  try {
    return await client.getStatus(instanceId, { showInput });
  } catch (error) {
    if (error instanceof Error && /HTTP 404\b/.test(error.message)) return undefined;
    throw error;
  }
}

export interface StartDeps {
  policy: WorkflowPolicy;
  now: () => Date;
}

/**
 * Whether a duplicate is the request its instance runs (a redelivery, an ERP retry) or a different request reusing the
 * order id, compared with the request in the instance's input (read with showInput by startOrderOnce).
 */
export function duplicateMatch(existing: DurableOrchestrationStatus, request: OrderRequest): RequestMatch {
  return compareOrderRequests((existing.input as Partial<ProcessOrderInput> | null | undefined)?.request, request);
}

/** The words a refusal of a different request uses: which instance holds the id, since when, and that nothing started. */
export function orderIdInUse(existing: DurableOrchestrationStatus, match: RequestMatch): string {
  const created = new Date(existing.createdTime);
  const since = Number.isNaN(created.getTime()) ? 'an earlier time' : created.toISOString();
  const why =
    match.kind === 'different'
      ? `already used by a different request (its ${match.fields.join(', ')} differ${match.fields.length === 1 ? 's' : ''})`
      : 'already used by an order whose request could not be read back to compare';
  return `${why} (instance ${existing.instanceId} started at ${since}); nothing was started`;
}

export async function startOrderOnce(client: OrderInstances, request: OrderRequest, deps: StartDeps): Promise<StartOutcome> {
  const instanceId = orderInstanceId(request.orderId);
  // With its input: a duplicate is compared with the request its instance runs (duplicateMatch).
  const existing = await findInstance(client, instanceId, true);
  if (existing) return { kind: 'duplicate', instanceId, existing };
  // startId: the order-id claim (orchestrations/orderClaim.ts) lets only one start of this id ever buy.
  const input: ProcessOrderInput = { request, receivedAt: deps.now().toISOString(), policy: deps.policy, startId: randomUUID() };
  try {
    await client.startNew(PROCESS_ORDER, { instanceId, input });
  } catch (error) {
    const raced = await findInstance(client, instanceId, true);
    if (raced) return { kind: 'duplicate', instanceId, existing: raced };
    throw error;
  }
  return { kind: 'started', instanceId };
}

/** Socket-level failures (Node's and undici's codes): nothing answered, or the connection broke. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Whether an error of the Durable client or the instance query means the Durable backend could not answer (down,
 * restarting, its storage failing): a 5xx or 429 from the extension's HTTP API (InstanceQueryError; the SDK's
 * "unexpected status code: 5xx" error, DurableClient.createGenericError), or no connection at all. Anything else is a
 * bug of ours and stays a 500.
 */
export function isDurableBackendUnavailable(error: unknown): boolean {
  if (error instanceof InstanceQueryError) return error.status >= 500 || error.status === 429;
  return unreachable(error, 0);
}

/** Read by shape, not instanceof: fetch's errors come from undici, whose Error may be another realm's. */
function unreachable(error: unknown, depth: number): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { message, code, cause, errors } = error as { message?: unknown; code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof message === 'string' && /unexpected status code: (5\d\d|429)\b/.test(message)) return true;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  // AggregateError: every address tried (IPv4 and IPv6) refused.
  if (Array.isArray(errors) && errors.some((e) => unreachable(e, depth + 1))) return true;
  return unreachable(cause, depth + 1);
}
