// A typed client for Partner Center's cart and order endpoints, on Node's built-in fetch.
//
// Idempotency is the caller's: every operation takes the MS-RequestId of its logical step, and this client reuses it
// on every retry of that step (quick transient retries and the one retry after a refreshed token), so Partner Center
// can recognise a repeated write. It never sleeps on 429: throttling is returned to the caller as a typed error so a
// durable orchestration can wait on a timer instead of a billed activity.

import type { Cart, CartCheckoutResult, CartLineItemInput, Order, OrderList } from './models';
import {
  PartnerCenterAuthError,
  PartnerCenterBusinessError,
  PartnerCenterInvalidIdError,
  PartnerCenterNotFoundError,
  PartnerCenterThrottledError,
  PartnerCenterTransientError,
  isBusinessRefusal,
  type PartnerCenterErrorDetails,
} from './errors';
import { parseAttachments, parseCart, parseCheckoutResult, parseErrorBody, parseOrder, parseOrderList, parseRetryAfterSeconds } from './parse';
import type { PartnerCenterTokenProvider } from './tokenProvider';

export const DEFAULT_PARTNER_CENTER_BASE_URL = 'https://api.partnercenter.microsoft.com';

/** Ids that travel with one call: the logical step's request id and the order's correlation id. */
export interface RequestContext {
  /** MS-RequestId: one per logical operation, reused on every retry of it. */
  requestId: string;
  /** MS-CorrelationId: stable for one order, so all of its calls can be traced together. */
  correlationId: string;
}

export interface PartnerCenterClientOptions {
  baseUrl?: string;
  tokenProvider: PartnerCenterTokenProvider;
  /** MS-PartnerCenter-Application header. */
  applicationName?: string;
  /** X-Locale header. */
  locale?: string;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  /** Quick retries for transient failures (408, 5xx, reset, timeout) inside one call. */
  maxTransientRetries?: number;
  /** First pause between quick retries; doubles each time. */
  transientRetryDelayMs?: number;
  /** Used when a 429 carries no Retry-After at all. */
  defaultRetryAfterSeconds?: number;
  /** Told about each quick retry. Never receives tokens. */
  onRetry?: (event: { operation: string; attempt: number; reason: string; requestId: string }) => void;
}

export interface ListOrdersOptions {
  billingType?: 'monthly' | 'annual' | 'one_time' | 'none';
}

/** Cart-level fields of a new cart. */
export interface CreateCartOptions {
  /** Sent as the cart's PartnerOnRecordAttestationAccepted only when given: an attestation is the partner's to make. */
  partnerOnRecordAttestationAccepted?: boolean;
}

/** A purchase order for an order waiting in `pending_po_upload` (attaching-purchase-order-and-completing-po-details.md). */
export interface PurchaseOrderUpload {
  /** Required by Partner Center (400/900254 without them): the price agreed with the customer and its currency. */
  customerPrice: string;
  currency: string;
  fxRate?: string;
  isPartOfTender?: boolean;
  tenderLink?: string;
  /** The PO documents (the `pofiles` parts); at least one (400/900252 without). */
  files: { fileName: string; contentType: string; content: Uint8Array }[];
}

/** One stored attachment, as Partner Center lists it after an upload. */
export interface OrderAttachment {
  attachmentId: string;
  fileName: string;
  sizeInKB?: number;
  attachmentType?: string;
}

export interface PartnerCenterClient {
  createCart(customerId: string, lineItems: CartLineItemInput[], ctx: RequestContext, options?: CreateCartOptions): Promise<Cart>;
  getCart(customerId: string, cartId: string, ctx: RequestContext): Promise<Cart>;
  updateCart(customerId: string, cart: Cart, ctx: RequestContext): Promise<Cart>;
  checkout(customerId: string, cartId: string, ctx: RequestContext): Promise<CartCheckoutResult>;
  getOrder(customerId: string, orderId: string, ctx: RequestContext): Promise<Order>;
  listOrders(customerId: string, ctx: RequestContext, options?: ListOrdersOptions): Promise<OrderList>;
  /** POST /customers/{c}/orders/{o}/attachment, multipart/form-data: the order's purchase order. */
  uploadPurchaseOrder(customerId: string, orderId: string, upload: PurchaseOrderUpload, ctx: RequestContext): Promise<OrderAttachment[]>;
}

/**
 * MS-Contract-Version: "Required. Specifies the version of the API requested; generally api-version: v1" (headers.md).
 * Neither SDK sends it and the cart examples omit it, but the headers page is the contract, so it is always sent.
 */
export const PARTNER_CENTER_CONTRACT_VERSION = 'v1';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Partner Center only over https; plain http is allowed for loopback stand-ins such as the local simulator. */
export function validatePartnerCenterBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`Partner Center base URL must be an absolute URL such as ${DEFAULT_PARTNER_CENTER_BASE_URL} (got "${baseUrl}")`);
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new Error(`Partner Center base URL must use https unless the host is loopback (got "${url.origin}")`);
  }
  return url;
}

interface CallSpec {
  operation: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
  /** A multipart body, sent as built (fetch sets the boundary). */
  form?: () => FormData;
  /**
   * False: a timeout or 5xx is thrown at once instead of retried here. For checkout, whose lost answer may hide a
   * purchase: the orchestration reads the cart before anything is tried again, and a quick retry that met a refusal
   * would hide that the first attempt may have gone through.
   */
  quickRetries?: boolean;
}

interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * The ids Partner Center issues and expects in paths (reference partner-center-api.md §1: customer tenant ids and cart
 * ids are GUIDs; order ids are short letters-and-digits tokens such as the new-commerce "a68736758d9c"). Anything else,
 * "." and ".." included, is refused before a URL is built.
 */
const PATH_IDS = {
  customerId: { pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, expected: 'a GUID' },
  cartId: { pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, expected: 'a GUID' },
  orderId: { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, expected: '1 to 128 letters, digits, "-" or "_", starting with a letter or digit' },
} as const;

const TRANSIENT_STATUSES = (status: number) => status === 408 || (status >= 500 && status !== 501 && status !== 505);

export function createPartnerCenterClient(options: PartnerCenterClientOptions): PartnerCenterClient {
  const base = validatePartnerCenterBaseUrl(options.baseUrl ?? DEFAULT_PARTNER_CENTER_BASE_URL);
  const basePath = base.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxTransientRetries = options.maxTransientRetries ?? 2;
  const retryDelayMs = options.transientRetryDelayMs ?? 250;
  const defaultRetryAfter = options.defaultRetryAfterSeconds ?? 30;
  const tokens = options.tokenProvider;

  async function send(spec: CallSpec, ctx: RequestContext, token: string): Promise<RawResponse> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      'MS-RequestId': ctx.requestId,
      'MS-CorrelationId': ctx.correlationId,
      'MS-Contract-Version': PARTNER_CENTER_CONTRACT_VERSION,
      'X-Locale': options.locale ?? 'en-US',
      'MS-PartnerCenter-Application': options.applicationName ?? 'partner-center-order-workflow',
    };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(new URL(basePath + spec.path, base.origin), {
      method: spec.method,
      headers,
      // Checkout is a POST without a body (Content-Length: 0), as documented. A form is rebuilt for every attempt.
      body: spec.form ? spec.form() : spec.body === undefined ? (spec.method === 'GET' ? undefined : '') : JSON.stringify(spec.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON (a proxy's HTML page, say): keep the text so the error can describe it.
      }
    }
    return { status: response.status, headers: response.headers, body };
  }

  function describeNetworkFailure(error: unknown): string {
    // fetch reports a timeout as a DOMException (not always an Error of this realm), either directly or as the cause
    // of its "fetch failed" TypeError; so read names duck-typed.
    type Described = { name?: string; code?: string; message?: string; cause?: Described };
    const failure = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as Described;
    const cause = failure.cause;
    const timedOut = [failure.name, cause?.name].some((n) => n === 'TimeoutError' || n === 'AbortError');
    if (timedOut) return `no answer within ${timeoutMs} ms`;
    const detail = cause?.code ?? cause?.message ?? failure.message;
    return `connection failed (${detail})`;
  }

  function toError(spec: CallSpec, ctx: RequestContext, raw: RawResponse): Error {
    const pcError = parseErrorBody(raw.body);
    const details: PartnerCenterErrorDetails = {
      operation: spec.operation,
      requestId: ctx.requestId,
      correlationId: ctx.correlationId,
      status: raw.status,
      code: pcError?.code,
      description: pcError?.description,
      data: pcError?.data,
      source: pcError?.source,
    };
    const what = pcError
      ? `Partner Center answered ${raw.status} with code ${pcError.code}: ${pcError.description}`
      : `Partner Center answered ${raw.status}`;
    if (raw.status === 429) {
      const seconds = parseRetryAfterSeconds(raw.headers.get('retry-after'), raw.body, Date.now(), defaultRetryAfter);
      return new PartnerCenterThrottledError(`Partner Center throttled the call; retry after ${seconds} s`, seconds, details);
    }
    // Classified by (status, code): a 403/404 can be Partner Center refusing the purchase, not the app or the path.
    if (isBusinessRefusal(raw.status, pcError?.code)) return new PartnerCenterBusinessError(what, details);
    if (raw.status === 401 || raw.status === 403) return new PartnerCenterAuthError(what, details);
    if (raw.status === 404) return new PartnerCenterNotFoundError(what, details);
    if (TRANSIENT_STATUSES(raw.status)) return new PartnerCenterTransientError(what, details);
    return new PartnerCenterBusinessError(what, details);
  }

  async function call(spec: CallSpec, ctx: RequestContext): Promise<unknown> {
    const retries = spec.quickRetries === false ? 0 : maxTransientRetries;
    let refreshedToken = false;
    for (let attempt = 0; ; attempt++) {
      const token = await tokens.getToken();
      let raw: RawResponse;
      try {
        raw = await send(spec, ctx, token);
      } catch (error) {
        const reason = describeNetworkFailure(error);
        if (attempt < retries) {
          await retryPause(spec, ctx, attempt, reason);
          continue;
        }
        throw new PartnerCenterTransientError(`Partner Center call failed: ${reason}`, {
          operation: spec.operation,
          requestId: ctx.requestId,
          correlationId: ctx.correlationId,
          cause: error,
        });
      }
      if (raw.status >= 200 && raw.status < 300) return raw.body;
      if (raw.status === 401 && !refreshedToken) {
        // The token may have been revoked or the secret rotated: drop it once and try again with a fresh one.
        refreshedToken = true;
        tokens.invalidate(token);
        attempt--;
        continue;
      }
      const error = toError(spec, ctx, raw);
      if (error instanceof PartnerCenterTransientError && attempt < retries) {
        await retryPause(spec, ctx, attempt, `status ${raw.status}`);
        continue;
      }
      throw error;
    }
  }

  async function retryPause(spec: CallSpec, ctx: RequestContext, attempt: number, reason: string): Promise<void> {
    options.onRetry?.({ operation: spec.operation, attempt: attempt + 1, reason, requestId: ctx.requestId });
    const delay = retryDelayMs * 2 ** attempt;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  }

  /** A path segment, or the refusal to build one: every id is checked against what Partner Center issues. */
  const segment = (operation: string, ctx: RequestContext, name: keyof typeof PATH_IDS, value: unknown): string => {
    const rule = PATH_IDS[name];
    if (typeof value !== 'string' || !rule.pattern.test(value)) {
      const shown = typeof value === 'string' ? JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : typeof value;
      const description = `${name} must be ${rule.expected} (got ${shown}); the call was not sent`;
      throw new PartnerCenterInvalidIdError(description, {
        operation,
        description,
        requestId: ctx.requestId,
        correlationId: ctx.correlationId,
      });
    }
    return encodeURIComponent(value);
  };
  const customerPath = (operation: string, ctx: RequestContext, customerId: string) => `/v1/customers/${segment(operation, ctx, 'customerId', customerId)}`;
  const cartPath = (operation: string, ctx: RequestContext, customerId: string, cartId: string) =>
    `${customerPath(operation, ctx, customerId)}/carts/${segment(operation, ctx, 'cartId', cartId)}`;

  return {
    async createCart(customerId, lineItems, ctx, cartOptions = {}) {
      const lines = lineItems.map((item, index) => ({ ...item, id: item.id ?? index }));
      const cart: Record<string, unknown> = { lineItems: lines };
      if (cartOptions.partnerOnRecordAttestationAccepted !== undefined) cart.partnerOnRecordAttestationAccepted = cartOptions.partnerOnRecordAttestationAccepted;
      const body = await call({ operation: 'createCart', method: 'POST', path: `${customerPath('createCart', ctx, customerId)}/carts`, body: cart }, ctx);
      return parseCart(body);
    },
    async getCart(customerId, cartId, ctx) {
      const body = await call({ operation: 'getCart', method: 'GET', path: cartPath('getCart', ctx, customerId, cartId) }, ctx);
      return parseCart(body);
    },
    async updateCart(customerId, cart, ctx) {
      const body = await call({ operation: 'updateCart', method: 'PUT', path: cartPath('updateCart', ctx, customerId, cart.id), body: cart }, ctx);
      return parseCart(body);
    },
    async checkout(customerId, cartId, ctx) {
      const body = await call({ operation: 'checkout', method: 'POST', path: `${cartPath('checkout', ctx, customerId, cartId)}/checkout`, quickRetries: false }, ctx);
      return parseCheckoutResult(body);
    },
    async getOrder(customerId, orderId, ctx) {
      const path = `${customerPath('getOrder', ctx, customerId)}/orders/${segment('getOrder', ctx, 'orderId', orderId)}`;
      const body = await call({ operation: 'getOrder', method: 'GET', path }, ctx);
      return parseOrder(body);
    },
    async listOrders(customerId, ctx, listOptions) {
      const query = listOptions?.billingType ? `?billingType=${encodeURIComponent(listOptions.billingType)}` : '';
      const body = await call({ operation: 'listOrders', method: 'GET', path: `${customerPath('listOrders', ctx, customerId)}/orders${query}` }, ctx);
      return parseOrderList(body);
    },
    async uploadPurchaseOrder(customerId, orderId, upload, ctx) {
      const path = `${customerPath('uploadPurchaseOrder', ctx, customerId)}/orders/${segment('uploadPurchaseOrder', ctx, 'orderId', orderId)}/attachment`;
      const form = () => {
        const data = new FormData();
        const metadata: Record<string, unknown> = { customerPrice: upload.customerPrice, currency: upload.currency };
        if (upload.fxRate !== undefined) metadata.fxRate = upload.fxRate;
        if (upload.isPartOfTender !== undefined) metadata.isPartofTender = upload.isPartOfTender;
        if (upload.tenderLink !== undefined) metadata.tenderLink = upload.tenderLink;
        data.append('metadata', new Blob([JSON.stringify(metadata)], { type: 'application/json' }));
        for (const file of upload.files) data.append('pofiles', new Blob([file.content], { type: file.contentType }), file.fileName);
        return data;
      };
      const body = await call({ operation: 'uploadPurchaseOrder', method: 'POST', path, form }, ctx);
      return parseAttachments(body);
    },
  };
}
