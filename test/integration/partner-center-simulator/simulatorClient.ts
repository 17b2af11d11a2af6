// Test helper: talks to the simulator over real loopback HTTP with Node's fetch (no client library under test here).
import { BUILT_IN_CUSTOMERS, startPartnerCenterSimulator, type PartnerCenterSimulator, type PartnerCenterSimulatorOptions } from '../../../local/partner-center-simulator';
import { DOCS_CREATE_CART_LINE_ITEMS } from '../../fixtures/orders/requests';

export const CUSTOMER = '28045616-f6b9-462f-9701-0d89b5e65c44';
export const OTHER_CUSTOMER = 'd6bf25b7-e0a8-4f2d-a31b-97b55cfc774d';

export interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- assertions read arbitrary JSON fields
}

export interface CallOptions {
  token?: string | null;
  requestId?: string;
  correlationId?: string;
  headers?: Record<string, string>;
  /** Raw body text; otherwise `json` is serialised. */
  raw?: string;
}

export function clientFor(sim: PartnerCenterSimulator, customerId = CUSTOMER) {
  const call = async (method: string, path: string, json?: unknown, options: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    const token = options.token === undefined ? 'test-token' : options.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (options.requestId) headers['MS-RequestId'] = options.requestId;
    if (options.correlationId) headers['MS-CorrelationId'] = options.correlationId;
    let body: string | undefined = options.raw;
    if (body === undefined && json !== undefined) body = JSON.stringify(json);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const url = path.startsWith('/_simulator') || path.startsWith('/v1') ? `${sim.url}${path}` : `${sim.url}/v1/customers/${customerId}${path}`;
    const res = await fetch(url, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  return {
    call,
    createCart: (cart: unknown, options?: CallOptions) => call('POST', '/carts', cart, options),
    getCart: (cartId: string, options?: CallOptions) => call('GET', `/carts/${cartId}`, undefined, options),
    updateCart: (cartId: string, cart: unknown, options?: CallOptions) => call('PUT', `/carts/${cartId}`, cart, options),
    checkout: (cartId: string, options?: CallOptions) => call('POST', `/carts/${cartId}/checkout`, undefined, options),
    getOrder: (orderId: string, options?: CallOptions) => call('GET', `/orders/${orderId}`, undefined, options),
    listOrders: (query = '', options?: CallOptions) => call('GET', `/orders${query}`, undefined, options),
    control: (method: string, path: string, json?: unknown) => call(method, `/_simulator${path}`, json, { token: null }),
  };
}

export type SimulatorClient = ReturnType<typeof clientFor>;

/** The partner's customers in these suites: the built-in ones and the two the tests use (unknown GUIDs get 404/60003). */
export const TEST_CUSTOMERS = [...BUILT_IN_CUSTOMERS, CUSTOMER, OTHER_CUSTOMER];

export async function startSimulator(options: PartnerCenterSimulatorOptions = {}) {
  const sim = await startPartnerCenterSimulator({ port: 0, ...options, knobs: { knownCustomers: TEST_CUSTOMERS, ...options.knobs } });
  return { sim, client: clientFor(sim) };
}

export const line = (catalogItemId: string, billingCycle: string, termDuration?: string, extra: Record<string, unknown> = {}) => ({
  catalogItemId,
  quantity: 1,
  billingCycle,
  ...(termDuration ? { termDuration } : {}),
  ...extra,
});

export const NCE_M365_E3 = 'CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5';
export const AZURE_PLAN = 'DZH318Z0BPS6:0001:DZH318Z0BPS6';
export const SAAS = 'DZH318Z0BXWC:0002:DZH318Z0BMRV';

/** The create-cart request of the Partner Center docs (create-a-cart.md): six line items. */
export const DOCS_CART_REQUEST = { lineItems: DOCS_CREATE_CART_LINE_ITEMS };

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
