// What handlers get: the parsed request, who is calling, and the simulator's state.
import type { Catalog } from './catalog';
import type { SimulatorClock } from './clock';
import type { SimulatorKnobs } from './knobs';
import { errorResponse, type SimResponse } from './responses';
import type { SimulatorStore } from './store';

export interface Caller {
  /** The partner tenant: throttling key and, in jwt mode, the verified `tid` claim. */
  tenantId: string;
  /** Written to carts as lastModifiedUser. */
  userId: string;
}

export interface ServiceRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: string;
  /** The body's bytes (multipart uploads are not text). */
  rawBody: Buffer;
  /** Request headers, names lower-case. */
  headers: Record<string, string | undefined>;
  caller: Caller;
}

export interface SimulatorState {
  store: SimulatorStore;
  catalog: Catalog;
  clock: SimulatorClock;
  knobs(): SimulatorKnobs;
}

export type ServiceHandler = (state: SimulatorState, request: ServiceRequest) => SimResponse | Promise<SimResponse>;

/** JSON.parse with the service's 400 naming the problem instead of an exception. */
export function parseJsonBody(body: string, expected: string): { value: unknown } | { error: SimResponse } {
  if (body.trim() === '') return { error: errorResponse(400, 800002, `Invalid request input: the request body is empty; expected ${expected}.`) };
  try {
    return { value: JSON.parse(body) };
  } catch (err) {
    return { error: errorResponse(400, 800002, `Invalid request input: the request body is not valid JSON (${(err as Error).message}); expected ${expected}.`) };
  }
}

export const iso = (ms: number) => new Date(ms).toISOString();
