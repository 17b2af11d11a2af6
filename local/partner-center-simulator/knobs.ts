// Run-time knobs: everything a test or a demo may change while the simulator runs (setKnobs, PATCH /_simulator/knobs).
// Validated in one place; bad input is reported with the knob's name and what was expected.
import { DURATION_HELP, parseDuration } from './duration';
import { faultRuleProblems, type FaultRule } from './faults';

export interface SimulatorKnobs {
  /** Cart lifetime: creation + this = expirationTimestamp. The service documents 7 days; older carts lived 15 minutes. */
  cartTtlMs: number;
  /** A checkout of an already ordered cart: 'idempotent' returns the first result (documented), 'reject' → 400/800065. */
  checkoutReplay: 'idempotent' | 'reject';
  /** How long a checkout stays "being processed"; a second checkout of the cart meanwhile gets 409/800064. */
  checkoutProcessingMs: number;
  /** Undocumented service behaviour, so configurable: 'bad-request' → 400/800002, 'not-found' → 404/800008. */
  expiredCartCheckout: 'bad-request' | 'not-found';
  /** Line-item `error.errorCode` on the wire: 10001 ('integer') or "catalog_item_id_is_not_valid" ('snake_case'). */
  lineItemErrorCodeFormat: 'integer' | 'snake_case';
  currencyCode: string;
  /**
   * Default for items without their own: GETs of an order that still answer `pending` (and each later waiting
   * status) before it moves on; null = GETs never settle orders, only orderSettleDelayMs does.
   */
  orderPendingPolls: number | null;
  /** Default settle delay (simulator clock); null = polls only. */
  orderSettleDelayMs: number | null;
  /** New orders are missing from GET /orders for this long: the service documents "up to 15 minutes", so the default is the full 15. */
  orderListingDelayMs: number;
  /** Requests admitted in any 60 s per throttling key; 0 switches throttling off. The docs give 500/min for orders. */
  requestsPerMinute: number;
  /** Requests admitted at once: at most this many in any requestBurst/requestsPerMinute minutes; null = requestsPerMinute. */
  requestBurst: number | null;
  /** The throttling key: the partner tenant (default), or the partner tenant and the path's customer (both documented). */
  throttleScope: 'partnerTenant' | 'partnerTenantAndCustomer';
  /** Refused requests count against the limit, as documented ("all requests accrue"); false = only admitted ones. */
  throttleCountsRefused: boolean;
  faultSeed: number;
  faults: FaultRule[];
  /**
   * Customers this partner resells to; any other customer id gets 404/60003 "Tenant not found" (error-codes.md), unless
   * the start option `customerDirectory` knows it. Default: BUILT_IN_CUSTOMERS. null = every GUID is a customer (the
   * lenient mode, kinder than the service: only for a test that says it tests it).
   */
  knownCustomers: string[] | null;
  /**
   * Tenants that exist but are not this partner's customers: 403/20002 "No relationship between caller and account."
   * (error-codes.md; the wire body in microsoft/Partner-Smart-Office#12). Applies whether or not knownCustomers is set.
   */
  otherTenants: string[];
  /**
   * A caller the service refuses with 403 on every customer route: 'insufficientPrivileges' → 900308 "Insufficient
   * privileges" (an app or user without the role), 'appOnlyAuthentication' → 900329 "This resource does not support
   * application-only authentication." (error-codes.md). null = the caller may do everything.
   */
  accessDenied: null | 'insufficientPrivileges' | 'appOnlyAuthentication';
  /**
   * 'required' (default): an order in `pending_po_upload` waits until the partner POSTs its purchase order to
   * /orders/{id}/attachment, as the service does (pending-po-upload.md, attaching-purchase-order-and-completing-po-details.md);
   * 'automatic': it moves on by itself like any other step. Read at checkout, per order.
   */
  purchaseOrderUpload: 'required' | 'automatic';
  /**
   * How long a POST's answer is replayed for a repeat with the same MS-RequestId and body (simulator clock). The
   * service documents no retention (headers.md gives only the purpose), so a client must not rely on a long one.
   */
  requestIdReplayWindowMs: number;
  /** false: a line with participants gets 10004 ParticipantsIsNotSupportedForPartner (a partner that is not an indirect provider). */
  participantsSupported: boolean;
  /**
   * Which checkouts of a cart created without PartnerOnRecordAttestationAccepted: true answer 400/900206 "Partner
   * Attestation is missing" (error-codes.md): 'withParticipants' (default) those of carts naming a reseller (an indirect
   * provider's transaction; create-a-cart.md gives the attestation with participants), 'always' every one (an indirect
   * provider, for which the attestation is required on every transaction), 'never'. true/false are read as always/never.
   */
  requirePartnerAttestation: 'never' | 'withParticipants' | 'always';
  /**
   * How a line missing its SKU's provisioningVariables (900313) or with an unsupported scope (900312) is answered:
   * 'lineItem' (default) as that line's `error` inside the 201 cart, 'request' as a 400 refusal of the whole create or
   * update. error-codes.md documents the codes, not which operation returns them or how.
   */
  provisioningContextErrors: 'lineItem' | 'request';
}

/**
 * The customers a fresh simulator knows, so the quickstarts work: the sample order's and the test fixtures' customer
 * (test/fixtures/orders/sample-order.json, CUSTOMER_ID in test/fixtures/orders/requests.ts) and the one in the
 * README's curl example. Any other customer is added with controls.addCustomers, POST /_simulator/customers or --customers.
 */
export const BUILT_IN_CUSTOMERS: readonly string[] = ['4a2d5f3e-8b1c-4c7d-9e0f-1a2b3c4d5e6f', '5a1c4d36-4b2c-4f8f-9b5e-3c2b1a0f9e8d'];

export const DEFAULT_KNOBS: SimulatorKnobs = {
  cartTtlMs: 7 * 86_400_000,
  checkoutReplay: 'idempotent',
  checkoutProcessingMs: 0,
  expiredCartCheckout: 'not-found',
  lineItemErrorCodeFormat: 'integer',
  currencyCode: 'USD',
  orderPendingPolls: 2,
  orderSettleDelayMs: null,
  orderListingDelayMs: 15 * 60_000,
  requestsPerMinute: 500,
  requestBurst: null,
  throttleScope: 'partnerTenant',
  throttleCountsRefused: true,
  faultSeed: 1,
  faults: [],
  knownCustomers: [...BUILT_IN_CUSTOMERS],
  otherTenants: [],
  accessDenied: null,
  purchaseOrderUpload: 'required',
  requestIdReplayWindowMs: 24 * 3_600_000,
  participantsSupported: true,
  requirePartnerAttestation: 'withParticipants',
  provisioningContextErrors: 'lineItem',
};

export class SimulatorConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid Partner Center simulator settings: ${problems.join('; ')}`);
    this.name = 'SimulatorConfigError';
  }
}

type Check = (value: unknown) => { value?: unknown; problem?: string };

const oneOf =
  (...allowed: string[]): Check =>
  (v) => (typeof v === 'string' && allowed.includes(v) ? { value: v } : { problem: `expected one of ${allowed.map((a) => `"${a}"`).join(', ')}` });

const duration: Check = (v) => {
  const ms = typeof v === 'string' || typeof v === 'number' ? parseDuration(v) : undefined;
  return ms === undefined ? { problem: `expected ${DURATION_HELP}` } : { value: ms };
};

const boolean: Check = (v) => (typeof v === 'boolean' ? { value: v } : { problem: 'expected true or false' });

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const guids: Check = (v) =>
  Array.isArray(v) && v.every((id) => typeof id === 'string' && GUID.test(id)) ? { value: v.map((id: string) => id.toLowerCase()) } : { problem: 'expected an array of customer GUIDs' };

const wholeNumber =
  (max: number): Check =>
  (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max ? { value: v } : { problem: `expected a whole number from 0 to ${max}` });

const CHECKS: Record<keyof SimulatorKnobs, Check> = {
  cartTtlMs: duration,
  checkoutReplay: oneOf('idempotent', 'reject'),
  checkoutProcessingMs: duration,
  expiredCartCheckout: oneOf('bad-request', 'not-found'),
  lineItemErrorCodeFormat: oneOf('integer', 'snake_case'),
  currencyCode: (v) => (typeof v === 'string' && /^[A-Z]{3}$/.test(v) ? { value: v } : { problem: 'expected a 3-letter ISO currency code such as "USD"' }),
  orderPendingPolls: (v) => (v === null ? { value: null } : wholeNumber(1_000_000)(v)),
  orderSettleDelayMs: (v) => (v === null ? { value: null } : duration(v)),
  orderListingDelayMs: duration,
  requestsPerMinute: wholeNumber(1_000_000_000),
  requestBurst: (v) => (v === null ? { value: null } : typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1_000_000_000 ? { value: v } : { problem: 'expected null or a whole number from 1 to 1000000000' }),
  throttleScope: oneOf('partnerTenant', 'partnerTenantAndCustomer'),
  throttleCountsRefused: (v) => (typeof v === 'boolean' ? { value: v } : { problem: 'expected true or false' }),
  faultSeed: wholeNumber(0xffffffff),
  faults: (v) => {
    const problems = faultRuleProblems(v);
    return problems.length ? { problem: problems.join('; ') } : { value: structuredClone(v) };
  },
  knownCustomers: (v) => {
    if (v === null) return { value: null };
    const checked = guids(v);
    return checked.problem ? { problem: 'expected null or an array of customer GUIDs' } : checked;
  },
  otherTenants: guids,
  accessDenied: (v) => (v === null || v === 'insufficientPrivileges' || v === 'appOnlyAuthentication' ? { value: v } : { problem: 'expected null, "insufficientPrivileges" or "appOnlyAuthentication"' }),
  purchaseOrderUpload: oneOf('required', 'automatic'),
  requestIdReplayWindowMs: duration,
  participantsSupported: boolean,
  requirePartnerAttestation: (v) => (v === true ? { value: 'always' } : v === false ? { value: 'never' } : oneOf('never', 'withParticipants', 'always')(v)),
  provisioningContextErrors: oneOf('lineItem', 'request'),
};

/** Customer ids given to addCustomers (`name` is the field or flag they came in): lowercased, or SimulatorConfigError. */
export function parseCustomerIds(name: string, value: unknown): string[] {
  const { value: ids, problem } = guids(value);
  if (problem) throw new SimulatorConfigError([`${name}: ${problem}, got ${JSON.stringify(value)}`]);
  return ids as string[];
}

/** Validates a partial knob set (from options, the CLI or the control API); throws SimulatorConfigError naming every problem. */
export function validateKnobs(input: unknown): Partial<SimulatorKnobs> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new SimulatorConfigError(['knobs: expected an object']);
  const result: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(input)) {
    const check = CHECKS[name as keyof SimulatorKnobs];
    if (!check) {
      problems.push(`${name}: unknown knob (known: ${Object.keys(CHECKS).join(', ')})`);
      continue;
    }
    const { value: parsed, problem } = check(value);
    if (problem) problems.push(`${name}: ${problem}, got ${JSON.stringify(value)}`);
    else result[name] = parsed;
  }
  if (problems.length) throw new SimulatorConfigError(problems);
  return result as Partial<SimulatorKnobs>;
}
