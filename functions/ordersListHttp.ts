// GET /api/orders: a page of orders, each in the same view as GET /api/orders/{orderId}, filtered by outcome, stage,
// what the order waits for, customer, created time and ERP order id prefix.
//
// It stays fast with many thousands of instances because the function never scans the task hub:
// - the backend filters what it can: runtimeStatus (derived from the outcome/stage filters), createdTime and the
//   instance-id prefix (an order id prefix maps onto the readable instance ids, see orderInstanceIdPrefix);
// - what only the instance knows (outcome, stage, waitingFor, customer) is checked here, over at most
//   MAX_SCANNED_PER_REQUEST instances per request, read in backend pages of a fixed size;
// - the answer's continuationToken says where the next request resumes (the backend's token of the page, and how many
//   instances of that page were already looked at). A page may therefore hold fewer than pageSize orders, even none,
//   and still carry a continuationToken: the caller follows it until it is null.

import { createHash } from 'node:crypto';
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { DurableOrchestrationStatus } from 'durable-functions';
import { PROCESS_ORDER, STAGES, WAITS, type ProcessOrderInput } from '../orchestrations';
import { OUTCOME_STATUSES, ORDER_INSTANCE_ID_PREFIX, orderIdKey, orderInstanceIdPrefix, type FieldError } from '../shared/orders';
import { answeringDurableOutage, json, problem } from './httpResponses';
import { InstanceQueryError, createInstancePageQuery, type InstancePage, type QueryInstancePage } from './orderInstanceQuery';
import { orderView, type OrderView } from './orderView';
import type { ApiAuthMode } from '../shared/config';
import { API_ROLES, protectHttp } from './apiAuth';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
/** Instances read from the backend per request when the function has to check them itself. */
export const SCAN_PAGE_SIZE = 50;
export const MAX_SCANNED_PER_REQUEST = 500;

/** `queued` is the view's stage of an instance that has not run yet. */
export const LIST_STAGES = ['queued', ...STAGES] as const;
const RUNNING_STATES = ['Pending', 'Running', 'ContinuedAsNew', 'Suspended'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OrdersListFilter {
  outcome?: string[];
  stage?: string[];
  waitingFor?: string[];
  customerId?: string;
  createdFrom?: Date;
  createdTo?: Date;
  orderIdPrefix?: string;
}

export interface OrdersListPage {
  orders: OrderView[];
  continuationToken: string | null;
}

interface Position {
  /** The backend's token of the page to read (null: the first page). */
  backend: string | null;
  /** Instances of that page already looked at. */
  skip: number;
  /** The backend page size this listing reads with (a resumed page must be read the same way). */
  top: number;
}

function listOf(value: string | null, field: string, allowed: readonly string[], errors: FieldError[]): string[] | undefined {
  if (value === null || value === '') return undefined;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = items.filter((item) => !allowed.includes(item));
  if (unknown.length > 0) errors.push({ field, message: `must be one or more of ${allowed.join(', ')}, comma-separated (got ${JSON.stringify(unknown.join(','))})` });
  return items;
}

function dateOf(value: string | null, field: string, errors: FieldError[]): Date | undefined {
  if (value === null || value === '') return undefined;
  const time = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(time)) errors.push({ field, message: `must be an ISO 8601 date or date-time with a time zone, e.g. 2026-03-02T09:00:00Z (got ${JSON.stringify(value.slice(0, 40))})` });
  return new Date(time);
}

/** Parses the query string; every problem names its parameter. */
export function parseListQuery(params: URLSearchParams): { ok: true; filter: OrdersListFilter; pageSize: number; token: string | null } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const filter: OrdersListFilter = {
    outcome: listOf(params.get('outcome'), 'outcome', OUTCOME_STATUSES, errors),
    stage: listOf(params.get('stage'), 'stage', LIST_STAGES, errors),
    waitingFor: listOf(params.get('waitingFor'), 'waitingFor', WAITS, errors),
    createdFrom: dateOf(params.get('createdFrom'), 'createdFrom', errors),
    createdTo: dateOf(params.get('createdTo'), 'createdTo', errors),
  };
  const customerId = params.get('customerId');
  if (customerId) {
    if (GUID.test(customerId)) filter.customerId = customerId.toLowerCase();
    else errors.push({ field: 'customerId', message: 'must be the customer tenant GUID' });
  }
  const prefix = params.get('orderIdPrefix');
  if (prefix) {
    if (prefix.length > 100) errors.push({ field: 'orderIdPrefix', message: 'must be at most 100 characters' });
    else filter.orderIdPrefix = prefix;
  }
  if (filter.createdFrom && filter.createdTo && !errors.length && filter.createdFrom > filter.createdTo) {
    errors.push({ field: 'createdTo', message: 'must not be before createdFrom' });
  }
  const sizeText = params.get('pageSize');
  const pageSize = sizeText === null || sizeText === '' ? DEFAULT_PAGE_SIZE : Number(sizeText);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    errors.push({ field: 'pageSize', message: `must be a whole number from 1 to ${MAX_PAGE_SIZE} (got ${JSON.stringify(sizeText)})` });
  }
  for (const name of params.keys()) {
    if (!['outcome', 'stage', 'waitingFor', 'customerId', 'createdFrom', 'createdTo', 'orderIdPrefix', 'pageSize', 'continuationToken', 'code'].includes(name)) {
      errors.push({ field: name, message: 'is not a filter of this list (outcome, stage, waitingFor, customerId, createdFrom, createdTo, orderIdPrefix, pageSize, continuationToken)' });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, filter, pageSize, token: params.get('continuationToken') || null };
}

/**
 * A token is bound to its filter, so a token from another listing is refused instead of skipping orders silently.
 * A plain digest, not an HMAC: the token is not a security boundary. Every page is read with the filters of the query
 * string (the backend applies runtimeStatus, createdTime and the order instance-id prefix, this function the rest), so
 * a forged token can only move where the caller's own listing resumes, over orders the caller may list anyway; what
 * it carries is checked below before it reaches the backend. An HMAC would add a key to share and rotate for nothing.
 */
function filterDigest(filter: OrdersListFilter): string {
  return createHash('sha256').update(JSON.stringify(filter)).digest('base64url').slice(0, 16);
}

function encodeToken(position: Position, digest: string): string {
  return Buffer.from(JSON.stringify({ b: position.backend, s: position.skip, t: position.top, f: digest }), 'utf8').toString('base64url');
}

/** Longest backend token accepted back (the backends' tokens are short: an offset, or a table's next keys). */
export const MAX_BACKEND_TOKEN_LENGTH = 4096;
/**
 * The backend token travels back as the x-ms-continuation-token header, so it must be a valid header value: printable
 * ASCII without leading or trailing spaces (fetch refuses CR, LF and NUL, and trims spaces, which would change it).
 */
const BACKEND_TOKEN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
const BACKEND_TOKEN_EXPECTED = `its backend position must be printable ASCII of at most ${MAX_BACKEND_TOKEN_LENGTH} characters, as this list issues; start again without it`;

function decodeToken(token: string, digest: string): Position | string {
  try {
    const raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { b?: unknown; s?: unknown; t?: unknown; f?: unknown };
    if (raw.f !== digest) return 'belongs to a listing with other filters; start again without it';
    if (typeof raw.b === 'string' && (raw.b.length > MAX_BACKEND_TOKEN_LENGTH || !BACKEND_TOKEN.test(raw.b))) return `is not a continuation token of this list: ${BACKEND_TOKEN_EXPECTED}`;
    if ((raw.b !== null && typeof raw.b !== 'string') || !Number.isInteger(raw.s) || !Number.isInteger(raw.t)) throw new Error('shape');
    const skip = raw.s as number;
    const top = raw.t as number;
    if (skip < 0 || top < 1 || top > MAX_PAGE_SIZE || skip >= top) throw new Error('range');
    return { backend: raw.b as string | null, skip, top };
  } catch {
    return 'is not a continuation token of this list';
  }
}

/** The runtime statuses an instance can have and still match the filter (undefined: any). */
function runtimeStatusesFor(filter: OrdersListFilter): string[] | undefined {
  if (!filter.outcome && !filter.stage && !filter.waitingFor) return undefined;
  const statuses = new Set<string>();
  // An outcome is in the view once it is published, i.e. when the orchestration has completed with it.
  if (filter.outcome) statuses.add('Completed');
  if (filter.waitingFor) RUNNING_STATES.forEach((s) => statuses.add(s));
  for (const stage of filter.stage ?? []) {
    if (stage === 'finished') statuses.add('Completed');
    else RUNNING_STATES.forEach((s) => statuses.add(s));
  }
  return [...statuses];
}

function requestOf(status: DurableOrchestrationStatus): Partial<ProcessOrderInput['request']> {
  const input = status.input as Partial<ProcessOrderInput> | null | undefined;
  return (typeof input === 'object' && input !== null && typeof input.request === 'object' && input.request !== null ? input.request : {}) as Partial<ProcessOrderInput['request']>;
}

function viewIfMatching(status: DurableOrchestrationStatus, filter: OrdersListFilter, prefixKey: string | null): OrderView | undefined {
  if (status.name !== PROCESS_ORDER) return undefined;
  const request = requestOf(status);
  const custom = status.customStatus as { orderId?: unknown } | null | undefined;
  const orderId = typeof request.orderId === 'string' ? request.orderId : typeof custom?.orderId === 'string' ? custom.orderId : null;
  if (orderId === null) return undefined;
  if (prefixKey !== null && !orderIdKey(orderId).startsWith(prefixKey)) return undefined;
  if (filter.customerId && String(request.customerId ?? '').toLowerCase() !== filter.customerId) return undefined;
  const view = orderView(orderId, status);
  const wantsState = filter.outcome || filter.stage || filter.waitingFor;
  if (wantsState) {
    const matches =
      // An outcome filter finds finished orders; one still being published matches stage publishing / resultsTopic.
      (filter.outcome !== undefined && view.runtimeStatus === 'Completed' && view.outcome !== null && filter.outcome.includes(view.outcome)) ||
      (filter.stage !== undefined && filter.stage.includes(view.stage)) ||
      (filter.waitingFor !== undefined && view.waitingFor !== null && filter.waitingFor.includes(view.waitingFor));
    if (!matches) return undefined;
  }
  return view;
}

/** Reads one page of the listing: bounded backend reads, whatever the filters and however large the task hub. */
export async function listOrders(query: QueryInstancePage, filter: OrdersListFilter, pageSize: number, token: string | null): Promise<OrdersListPage | { error: string }> {
  const digest = filterDigest(filter);
  const prefix = filter.orderIdPrefix ? orderInstanceIdPrefix(filter.orderIdPrefix) : null;
  const checksHere = Boolean(filter.outcome || filter.stage || filter.waitingFor || filter.customerId || (prefix && !prefix.exact));
  let position: Position = { backend: null, skip: 0, top: checksHere ? SCAN_PAGE_SIZE : pageSize };
  if (token) {
    const decoded = decodeToken(token, digest);
    if (typeof decoded === 'string') return { error: decoded };
    position = decoded;
  }
  const prefixKey = filter.orderIdPrefix ? orderIdKey(filter.orderIdPrefix) : null;
  const orders: OrderView[] = [];
  let scanned = 0;
  /** The caller's backend token is in use until the first page has been read with it. */
  let callersToken = position.backend !== null;
  for (;;) {
    let page: InstancePage;
    try {
      page = await query({
        runtimeStatus: runtimeStatusesFor(filter),
        createdTimeFrom: filter.createdFrom,
        createdTimeTo: filter.createdTo,
        instanceIdPrefix: prefix?.instanceIdPrefix ?? ORDER_INSTANCE_ID_PREFIX,
        top: position.top,
        showInput: true,
        continuationToken: position.backend ?? undefined,
      });
    } catch (error) {
      // The backend refuses a position it did not issue with 400; the filters are ours and valid, so the token is why.
      if (callersToken && error instanceof InstanceQueryError && error.status === 400) return { error: `is not a continuation token of this list: the order store did not accept its backend position; start again without it` };
      throw error;
    }
    callersToken = false;
    for (let i = position.skip; i < page.instances.length; i++) {
      scanned++;
      const view = viewIfMatching(page.instances[i], filter, prefixKey);
      if (view) orders.push(view);
      if (orders.length === pageSize) {
        const next: Position | null =
          i + 1 < page.instances.length ? { ...position, skip: i + 1 } : page.continuationToken ? { backend: page.continuationToken, skip: 0, top: position.top } : null;
        return { orders, continuationToken: next ? encodeToken(next, digest) : null };
      }
    }
    if (!page.continuationToken) return { orders, continuationToken: null };
    position = { backend: page.continuationToken, skip: 0, top: position.top };
    if (scanned >= MAX_SCANNED_PER_REQUEST) return { orders, continuationToken: encodeToken(position, digest) };
  }
}

export function createOrdersListHandler(getQuery: (context: InvocationContext) => QueryInstancePage) {
  return answeringDurableOutage('GET /orders', async function ordersListHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    const parsed = parseListQuery(new URL(request.url).searchParams);
    if (!parsed.ok) return problem(400, 'the order list query is not valid', parsed.errors);
    const page = await listOrders(getQuery(context), parsed.filter, parsed.pageSize, parsed.token);
    if ('error' in page) return problem(400, 'the continuationToken is not valid', [{ field: 'continuationToken', message: page.error }]);
    return json(200, page);
  });
}

export function registerOrdersListHttp(auth: ApiAuthMode = 'functionKeys'): void {
  const client = df.input.durableClient();
  app.http('ordersListHttp', {
    route: 'orders',
    methods: ['GET'],
    extraInputs: [client],
    ...protectHttp(auth, API_ROLES.read, createOrdersListHandler((context) => createInstancePageQuery(context.extraInputs.get(client)))),
  });
}
