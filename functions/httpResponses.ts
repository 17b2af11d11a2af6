import { HttpResponse, type HttpRequest } from '@azure/functions';
import type { FieldError } from '../shared/orders';

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new HttpResponse({ status, jsonBody: body, headers: { 'Content-Type': 'application/json', ...headers } });

export const problem = (status: number, message: string, errors?: FieldError[]) => json(status, errors ? { error: message, errors } : { error: message });

/** The friendly status URL of an order, on the origin the caller used. */
export function orderStatusUrl(request: HttpRequest, orderId: string): string {
  return new URL(`/api/orders/${encodeURIComponent(orderId)}`, new URL(request.url).origin).toString();
}

/** The route's orderId, or undefined when it is empty or too long to be one of ours. */
export function routeOrderId(request: HttpRequest): string | undefined {
  const value = request.params.orderId;
  return typeof value === 'string' && value.trim() !== '' && value.length <= 100 ? value : undefined;
}
