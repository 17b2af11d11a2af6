// What a handler returns, and the service's error bodies. Handlers never touch the socket: the server pipeline
// (server.ts) adds the MS-* headers, stores POST responses for MS-RequestId replay and may drop the socket instead.
import type { PartnerCenterErrorBody } from '../../shared/partner-center/models';

export interface SimResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The service's documented limit on `description` (reference §4.1). */
const MAX_DESCRIPTION = 1024;

/** Partner Center's error body `{code, description, data, source}` with a numeric code, as in the service's examples. */
export function errorResponse(status: number, code: number, description: string, source = 'PartnerApiServiceControllers'): SimResponse {
  const body: PartnerCenterErrorBody = { code, description: description.slice(0, MAX_DESCRIPTION), data: [], source };
  return { status, body };
}

/** The throttling answer has its own body shape (reference §4.2), not the error body above. */
export function throttledResponse(retryAfterSeconds: number): SimResponse {
  return {
    status: 429,
    body: { statusCode: 429, message: `Rate limit is exceeded. Try again in ${retryAfterSeconds} seconds.` },
    headers: { 'Retry-After': String(retryAfterSeconds) },
  };
}

export const json = (status: number, body: unknown): SimResponse => ({ status, body });

/** Keeps request-controlled text short inside descriptions. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
