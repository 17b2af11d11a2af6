import { HttpResponse, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { checkOrderId, type FieldError } from '../shared/orders';
import { isDurableBackendUnavailable } from './orderInstances';

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new HttpResponse({ status, jsonBody: body, headers: { 'Content-Type': 'application/json', ...headers } });

export const problem = (status: number, message: string, errors?: FieldError[]) => json(status, errors ? { error: message, errors } : { error: message });

/** Service Bus standard tier's message limit: an order the queue could not carry is not taken over HTTP either. */
export const MAX_ORDER_BODY_BYTES = 256 * 1024;

/**
 * The order's own status URL (GET for the status, DELETE to cancel), as a path built from the request's route: never
 * from the Host header or any other origin the caller controls. A relative Location is valid HTTP (RFC 9110 §10.2.2).
 * `/api/orders` (POST) and `/api/orders/{id}` (GET, DELETE) both lead to the collection path `/api/orders`.
 */
export function orderStatusUrl(request: HttpRequest, orderId: string): string {
  const path = new URL(request.url).pathname.replace(/\/+$/, '');
  const collection = request.params.orderId === undefined ? path : path.slice(0, path.lastIndexOf('/'));
  return `${collection}/${encodeURIComponent(orderId)}`;
}

/** The route's orderId in its accepted form, or the field error that refuses it (the same rules as the order body). */
export function routeOrderId(request: HttpRequest): { ok: true; orderId: string } | { ok: false; response: HttpResponse } {
  const checked = checkOrderId(request.params.orderId);
  if (checked.ok) return checked;
  return { ok: false, response: problem(400, 'the orderId in the path is not a valid order id', [{ field: 'orderId', message: checked.message }]) };
}

/**
 * The request body as text: refused with 413 above MAX_ORDER_BODY_BYTES (by Content-Length before reading, and by
 * what arrived) and with 400 when it is not UTF-8, so two different invalid byte sequences never decode to one id.
 */
export async function readOrderBody(request: HttpRequest): Promise<{ ok: true; text: string } | { ok: false; response: HttpResponse }> {
  const tooLarge = (size: number) => ({
    ok: false as const,
    response: problem(413, `the request body must be at most ${MAX_ORDER_BODY_BYTES} bytes (got ${size})`, [{ field: '(body)', message: `must be at most ${MAX_ORDER_BODY_BYTES} bytes` }]),
  });
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (Number.isFinite(declared) && declared > MAX_ORDER_BODY_BYTES) return tooLarge(declared);
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_ORDER_BODY_BYTES) return tooLarge(bytes.byteLength);
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, response: problem(400, 'the request body must be a JSON order', [{ field: '(body)', message: 'must be UTF-8 (it contains bytes that are not)' }]) };
  }
}

/** How long a caller waits before asking again while the Durable backend is unavailable. */
export const DURABLE_BACKEND_RETRY_AFTER_SECONDS = 30;

/**
 * 503 naming the dependency (the same name as the health check's), with Retry-After: the order store did not answer,
 * which asking again later can fix. No URL (it may hold the Durable system key), no exception text.
 */
export const durableBackendUnavailable = () =>
  json(503, { error: 'the order store (the Durable backend) is unavailable; try again later', dependency: 'durableBackend' }, { 'Retry-After': String(DURABLE_BACKEND_RETRY_AFTER_SECONDS) });

type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/** The handler, answering 503 instead of a bare 500 when the Durable backend cannot be reached; the log says why. */
export function answeringDurableOutage(what: string, handler: HttpHandler): HttpHandler {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      if (!isDurableBackendUnavailable(error)) throw error;
      context.warn(`${what}: the Durable backend is unavailable (${error instanceof Error ? error.message.slice(0, 200) : String(error)}); answered 503`);
      return durableBackendUnavailable();
    }
  };
}
