// Typed Partner Center failures. Every error carries the ids needed to find the call in Partner Center's logs,
// and a `kind` that tells the caller what to do next (fix the request, wait, re-authenticate, retry).

export type PartnerCenterErrorKind = 'business' | 'throttled' | 'auth' | 'notFound' | 'transient';

/**
 * What a failure means for the workflow. Partner Center's codes are classified here and nowhere else, by code rather
 * than by wording (descriptions are localised and change).
 */
export type PartnerCenterReason =
  /** 429: wait Retry-After. */
  | 'throttled'
  /** 408, 5xx, no answer: worth trying again later with the same MS-RequestId. */
  | 'unavailable'
  /** 401 after one token refresh, or a 403 other than a business refusal (PARTNER_CENTER_BUSINESS_REFUSALS). */
  | 'notAuthorized'
  /** 404 other than a cart or a business refusal: unknown customer or order. */
  | 'notFound'
  /** 409/800064: another request is processing the cart; 409/800060: "Your order is in progress". Either way a checkout
   * of the cart may still be under way, so what it bought cannot be known yet. */
  | 'cartBusy'
  /** 400/800065: the cart was already checked out. */
  | 'cartAlreadySubmitted'
  /** 800008 "Unable to retrieve cart ID": the cart is gone. Partner Center documents no separate code for an expired
   * cart (reference partner-center-api.md §1.5), so a vanished cart is how expiry shows. */
  | 'cartExpired'
  /** Any other refusal of the request itself, including the 403/404 business refusals below. */
  | 'refused';

export const PARTNER_CENTER_CODES = { cartNotFound: '800008', orderInProgress: '800060', cartBusy: '800064', cartAlreadySubmitted: '800065' } as const;

/**
 * 403 and 404 answers that refuse the purchase itself, not the app's access nor an unknown customer or order: a
 * checkout or cart creation can get them, and the ERP must hear the code (a missing Customer Agreement is something
 * to fix with the customer, not in the app's registration). Every other 403 (900308, 900329, 20002, or no body) stays
 * `notAuthorized` and every other 404 `notFound`. Source: learn.microsoft.com/partner-center/developer/error-codes
 * (reference partner-center-api.md §4.3, partner-center-orders-detail.md §5).
 */
export const PARTNER_CENTER_BUSINESS_REFUSALS: Readonly<Record<403 | 404, ReadonlySet<string>>> = {
  403: new Set([
    /** The customer has not accepted the Microsoft Customer Agreement. */
    '13605',
    /** Subscriptions per customer, seats per subscription, seats per subscription for the CatalogID, assets per customer. */
    '800066', '800067', '800088', '800089',
    /** Order failed the Risk Management check. */
    '800069',
    /** Insufficient credit limit. */
    '900121',
    /** The partner is not valid for the offer; not onboarded to sell in the country; the offer is no longer available. */
    '2006', '2030', '2091',
  ]),
  /** Availability not found ("can occur when checking out a cart"). */
  404: new Set(['400019']),
};

/** Whether Partner Center's (status, code) is a documented business refusal that arrives as 403 or 404. */
export function isBusinessRefusal(status: number | undefined, code: number | string | undefined): boolean {
  if ((status !== 403 && status !== 404) || code === undefined) return false;
  return PARTNER_CENTER_BUSINESS_REFUSALS[status].has(String(code));
}

export function partnerCenterReason(kind: PartnerCenterErrorKind, code: number | string | undefined): PartnerCenterReason {
  const known = code === undefined ? undefined : String(code);
  if (kind === 'throttled') return 'throttled';
  if (kind === 'transient') return 'unavailable';
  if (known === PARTNER_CENTER_CODES.cartBusy || known === PARTNER_CENTER_CODES.orderInProgress) return 'cartBusy';
  if (known === PARTNER_CENTER_CODES.cartAlreadySubmitted) return 'cartAlreadySubmitted';
  if (known === PARTNER_CENTER_CODES.cartNotFound) return 'cartExpired';
  if (kind === 'auth') return 'notAuthorized';
  if (kind === 'notFound') return 'notFound';
  return 'refused';
}

export interface PartnerCenterErrorDetails {
  operation: string;
  requestId: string;
  correlationId: string;
  /** HTTP status, absent for network failures and timeouts. */
  status?: number;
  /** Partner Center's error code (a number in practice, a string in the docs). */
  code?: number | string;
  description?: string;
  data?: unknown[];
  source?: string;
  cause?: unknown;
}

export class PartnerCenterError extends Error {
  readonly kind: PartnerCenterErrorKind;
  readonly operation: string;
  readonly requestId: string;
  readonly correlationId: string;
  readonly status?: number;
  readonly code?: number | string;
  readonly description?: string;
  readonly data?: unknown[];
  readonly source?: string;

  constructor(kind: PartnerCenterErrorKind, message: string, details: PartnerCenterErrorDetails) {
    super(
      `${message} (operation ${details.operation}, MS-RequestId ${details.requestId}, MS-CorrelationId ${details.correlationId})`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.name = new.target.name;
    this.kind = kind;
    this.operation = details.operation;
    this.requestId = details.requestId;
    this.correlationId = details.correlationId;
    this.status = details.status;
    this.code = details.code;
    this.description = details.description;
    this.data = details.data;
    this.source = details.source;
  }

  get reason(): PartnerCenterReason {
    return partnerCenterReason(this.kind, this.code);
  }

  /** Worth retrying later with the same MS-RequestId (throttling and transient failures). */
  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'throttled';
  }
}

/**
 * A 4xx answer about the request itself: invalid input, already submitted, being processed, not eligible... and the
 * 403/404 answers listed in PARTNER_CENTER_BUSINESS_REFUSALS.
 */
export class PartnerCenterBusinessError extends PartnerCenterError {
  constructor(message: string, details: PartnerCenterErrorDetails) {
    super('business', message, details);
  }
}

/**
 * Not an answer from Partner Center: the client refused to send a call whose path id is not what the API expects
 * (a customer or cart id that is not a GUID, an order id with characters outside letters, digits, '-' and '_', or a
 * "." / ".." segment that URL resolution would turn into another resource). Retrying cannot fix it.
 */
export class PartnerCenterInvalidIdError extends PartnerCenterBusinessError {}

/** 429: the caller must wait `retryAfterSeconds` before calling again. The client never sleeps on it. */
export class PartnerCenterThrottledError extends PartnerCenterError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, details: PartnerCenterErrorDetails) {
    super('throttled', message, details);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** 401 that survived one token refresh, or a 403 that is not a business refusal. */
export class PartnerCenterAuthError extends PartnerCenterError {
  constructor(message: string, details: PartnerCenterErrorDetails) {
    super('auth', message, details);
  }
}

/** 404 that is not a business refusal: unknown customer, cart or order. */
export class PartnerCenterNotFoundError extends PartnerCenterError {
  constructor(message: string, details: PartnerCenterErrorDetails) {
    super('notFound', message, details);
  }
}

/** 408, 5xx, connection reset or timeout, after the client's quick retries ran out. */
export class PartnerCenterTransientError extends PartnerCenterError {
  constructor(message: string, details: PartnerCenterErrorDetails) {
    super('transient', message, details);
  }
}
