// The service's routes. Paths match case-insensitively; the customer id must be a GUID like the service demands.
import { uploadAttachment } from './attachmentHandler';
import { checkoutCart } from './checkoutHandler';
import { createCart, getCart, updateCart } from './cartHandlers';
import { getOrder, getProvisioningStatus, listOrders } from './orderHandlers';
import { errorResponse, quote, type SimResponse } from './responses';
import type { ServiceHandler } from './serviceContext';

interface Route {
  /** The operation's name in counts and reports (the Partner Center client uses the same names). */
  operation: string;
  method: string;
  pattern: RegExp;
  params: string[];
  handler: ServiceHandler;
}

const CUSTOMER = '/v1/customers/([^/]+)';
const route = (operation: string, method: string, path: string, params: string[], handler: ServiceHandler): Route => ({
  operation,
  method,
  pattern: new RegExp(`^${CUSTOMER}${path}/?$`, 'i'),
  params: ['customerId', ...params],
  handler,
});

const ROUTES: Route[] = [
  route('createCart', 'POST', '/carts', [], createCart),
  route('getCart', 'GET', '/carts/([^/]+)', ['cartId'], getCart),
  route('updateCart', 'PUT', '/carts/([^/]+)', ['cartId'], updateCart),
  route('checkout', 'POST', '/carts/([^/]+)/checkout', ['cartId'], checkoutCart),
  route('listOrders', 'GET', '/orders', [], listOrders),
  route('getOrder', 'GET', '/orders/([^/]+)', ['orderId'], getOrder),
  route('getProvisioningStatus', 'GET', '/orders/([^/]+)/provisioningstatus', ['orderId'], getProvisioningStatus),
  route('uploadAttachment', 'POST', '/orders/([^/]+)/attachment', ['orderId'], uploadAttachment),
];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type RouteMatch = { handler: ServiceHandler; params: Record<string, string> } | { response: SimResponse };

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The operation a request is for ('unknown' when no route matches), and the customer id of its path. */
export function operationOf(method: string, path: string): { operation: string; customerId?: string } {
  const hit = ROUTES.find((r) => r.method === method && r.pattern.test(path));
  const customer = /^\/v1\/customers\/([^/]+)/i.exec(path);
  return { operation: hit?.operation ?? 'unknown', customerId: customer ? decode(customer[1]) : undefined };
}

export function matchRoute(method: string, path: string): RouteMatch {
  const candidates = ROUTES.map((r) => ({ r, m: r.pattern.exec(path) })).filter((c) => c.m);
  if (candidates.length === 0)
    return { response: errorResponse(404, 404, `Resource not found: no Partner Center endpoint matches ${method} ${quote(path)} (this simulator serves /v1/customers/{customerId}/carts… and /orders…).`, 'PartnerFD') };
  const hit = candidates.find((c) => c.r.method === method);
  if (!hit) {
    const allowed = candidates.map((c) => c.r.method).join(', ');
    return { response: { ...errorResponse(405, 405, `Method ${method} is not allowed on ${quote(path)}; allowed: ${allowed}.`, 'PartnerFD'), headers: { Allow: allowed } } };
  }
  const params = Object.fromEntries(hit.r.params.map((name, i) => [name, decode(hit.m![i + 1])]));
  if (!GUID.test(params.customerId)) return { response: errorResponse(400, 2000, `Customer Id must be a GUID, got ${quote(params.customerId)}.`) };
  return { handler: hit.r.handler, params };
}
