// Typed Partner Center failures. Every error carries the ids needed to find the call in Partner Center's logs,
// and a `kind` that tells the caller what to do next (fix the request, wait, re-authenticate, retry).

export type PartnerCenterErrorKind = 'business' | 'throttled' | 'auth' | 'notFound' | 'transient';

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

  /** Worth retrying later with the same MS-RequestId (throttling and transient failures). */
  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'throttled';
  }
}

/** A 4xx answer about the request itself: invalid input, already submitted, being processed, not eligible... */
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

/** 401 that survived one token refresh, or 403. */
export class PartnerCenterAuthError extends PartnerCenterError {
  constructor(message: string, details: PartnerCenterErrorDetails) {
    super('auth', message, details);
  }
}

/** 404: unknown customer, cart or order. */
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
