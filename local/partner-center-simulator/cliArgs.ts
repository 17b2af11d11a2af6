// Command-line flags → simulator options. Every bad flag is reported with its name and what was expected.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AuthOptions } from './auth';
import { DURATION_HELP, parseDuration } from './duration';
import type { FaultRule } from './faults';
import { BUILT_IN_CUSTOMERS, parseCustomerIds, SimulatorConfigError } from './knobs';
import type { PartnerCenterSimulatorOptions } from './server';

export const CLI_HELP = `Partner Center simulator (carts, checkout, orders) for tests, local development and demos.

Usage: npm run sim:partner-center -- [flags]

  --port N                 listen port (default 7080; 0 = any free port)
  --host H                 listen address (default 127.0.0.1)
  --cart-ttl D             cart lifetime, e.g. 15m or 7d (default 7d)
  --auth any|jwt           any = any bearer token (default); jwt = verify RS256 tokens
  --jwks-uri URL           jwt: JWKS endpoint (e.g. the local Entra ID stand-in)
  --jwks-file PATH         jwt: JWKS JSON file instead of --jwks-uri
  --jwks-ca-file PATH      jwt: CA certificate (PEM) for an HTTPS --jwks-uri
  --tenant-id GUID         jwt: partner tenant whose tokens are accepted (tid claim); any: throttling tenant
  --audience AUD           jwt: expected aud (default https://api.partnercenter.microsoft.com)
  --rate-limit N           requests per minute per partner tenant (default 500; 0 = off), refused ones counting
  --burst N                requests at once: at most N in any N/rate minutes (default: the rate)
  --throttle-scope S       partnerTenant (default) | partnerTenantAndCustomer
  --refused-free           refused requests do not count against the limit (the service counts them)
  --checkout-replay M      idempotent (repeat the first result, default) | reject (400/800065)
  --order-polls N          GETs an order stays pending before it settles (default 2)
  --order-delay D          simulator time before orders settle (default: polls only)
  --listing-delay D        new orders hidden from GET /orders for D (default 15m, the documented upper bound)
  --expired-cart M         not-found (404/800008, default) | bad-request (400/800002)
  --error-code-format F    line-item errorCode as integer (default) | snake_case
  --customers G,G          more customer GUIDs besides the built-in ones (any other gets 404/60003, as the service)
  --any-customer           every GUID is a customer (lenient, kinder than the service)
  --seed N                 seed for fault injection (default 1)
  --latency-ms N           added latency on every request
  --fault-5xx-rate R       share of requests answered 503 (0..1)
  --fault-429-rate R       share of requests answered 429
  --fault-reset-rate R     share of connections reset before processing
  --fault-drop-rate R      share of checkouts committed and then dropped without an answer
  --quiet                  do not print one line per request
  --help                   this text`;

export class CliError extends Error {}

const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'cart-ttl': { type: 'string' },
  auth: { type: 'string' },
  'jwks-uri': { type: 'string' },
  'jwks-file': { type: 'string' },
  'jwks-ca-file': { type: 'string' },
  'tenant-id': { type: 'string' },
  audience: { type: 'string' },
  'rate-limit': { type: 'string' },
  burst: { type: 'string' },
  'throttle-scope': { type: 'string' },
  'refused-free': { type: 'boolean' },
  'checkout-replay': { type: 'string' },
  'order-polls': { type: 'string' },
  'order-delay': { type: 'string' },
  'listing-delay': { type: 'string' },
  'expired-cart': { type: 'string' },
  'error-code-format': { type: 'string' },
  customers: { type: 'string' },
  'any-customer': { type: 'boolean' },
  seed: { type: 'string' },
  'latency-ms': { type: 'string' },
  'fault-5xx-rate': { type: 'string' },
  'fault-429-rate': { type: 'string' },
  'fault-reset-rate': { type: 'string' },
  'fault-drop-rate': { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

export interface CliSettings {
  options: PartnerCenterSimulatorOptions;
  quiet: boolean;
  help: boolean;
}

export function parseCliArgs(argv: string[]): CliSettings {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new CliError(`${(err as Error).message}\nRun with --help for the list of flags.`);
  }
  const text = (name: string) => values[name] as string | undefined;
  const number = (name: string, min: number, max: number, whole = true): number | undefined => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max || (whole && !Number.isInteger(n)))
      throw new CliError(`--${name}: expected ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  const duration = (name: string): number | undefined => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    const ms = parseDuration(raw);
    if (ms === undefined) throw new CliError(`--${name}: expected ${DURATION_HELP}, got "${raw}"`);
    return ms;
  };
  const oneOf = (name: string, allowed: string[]): string | undefined => {
    const raw = text(name);
    if (raw !== undefined && !allowed.includes(raw)) throw new CliError(`--${name}: expected one of ${allowed.join(', ')}, got "${raw}"`);
    return raw;
  };

  const knobs: Record<string, unknown> = {};
  const set = (knob: string, value: unknown) => value !== undefined && (knobs[knob] = value);
  set('cartTtlMs', duration('cart-ttl'));
  set('requestsPerMinute', number('rate-limit', 0, 1e9));
  set('requestBurst', number('burst', 1, 1e9));
  set('throttleScope', oneOf('throttle-scope', ['partnerTenant', 'partnerTenantAndCustomer']));
  if (values['refused-free'] === true) knobs.throttleCountsRefused = false;
  set('checkoutReplay', oneOf('checkout-replay', ['idempotent', 'reject']));
  set('orderPendingPolls', number('order-polls', 0, 1e6));
  set('orderSettleDelayMs', duration('order-delay'));
  set('orderListingDelayMs', duration('listing-delay'));
  set('expiredCartCheckout', oneOf('expired-cart', ['bad-request', 'not-found']));
  set('lineItemErrorCodeFormat', oneOf('error-code-format', ['integer', 'snake_case']));
  set('faultSeed', number('seed', 0, 0xffffffff));
  const customers = text('customers');
  if (customers !== undefined && values['any-customer'] === true) throw new CliError('--customers and --any-customer: give one (--any-customer already makes every GUID a customer)');
  if (values['any-customer'] === true) knobs.knownCustomers = null;
  if (customers !== undefined) {
    try {
      knobs.knownCustomers = [...BUILT_IN_CUSTOMERS, ...parseCustomerIds('--customers', customers.split(',').map((id) => id.trim()))];
    } catch (err) {
      throw new CliError(err instanceof SimulatorConfigError ? err.problems.join('; ') : String(err));
    }
  }
  const faults: FaultRule[] = [];
  const latencyMs = number('latency-ms', 0, 600_000);
  if (latencyMs) faults.push({ kind: 'latency', latencyMs });
  const rate = (name: string, rule: Omit<FaultRule, 'rate'>) => {
    const r = number(name, 0, 1, false);
    if (r) faults.push({ ...rule, rate: r });
  };
  rate('fault-5xx-rate', { kind: 'status5xx' });
  rate('fault-429-rate', { kind: 'status429' });
  rate('fault-reset-rate', { kind: 'reset' });
  rate('fault-drop-rate', { kind: 'dropAfterCommit', method: 'POST', path: '/checkout/?$' });
  if (faults.length) knobs.faults = faults;

  return {
    options: { port: number('port', 0, 65535) ?? 7080, host: text('host') ?? '127.0.0.1', auth: authOptions(text, oneOf), knobs },
    quiet: values.quiet === true,
    help: values.help === true,
  };
}

function authOptions(text: (name: string) => string | undefined, oneOf: (name: string, allowed: string[]) => string | undefined): AuthOptions {
  const mode = oneOf('auth', ['any', 'jwt']) ?? 'any';
  if (mode === 'any') return { mode: 'any', tenantId: text('tenant-id') };
  const tenantId = text('tenant-id');
  if (!tenantId) throw new CliError('--tenant-id: required with --auth jwt (the partner tenant whose tokens are accepted)');
  const jwksUri = text('jwks-uri');
  const jwksFile = text('jwks-file');
  if (!jwksUri === !jwksFile) throw new CliError('--auth jwt needs exactly one of --jwks-uri or --jwks-file');
  const read = (flag: string, path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new CliError(`--${flag}: cannot read "${path}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  };
  let jwks;
  if (jwksFile) {
    try {
      jwks = JSON.parse(read('jwks-file', jwksFile));
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError(`--jwks-file: "${jwksFile}" is not JSON`);
    }
  }
  const caFile = text('jwks-ca-file');
  return { mode: 'jwt', tenantId, jwksUri, jwks, jwksCa: caFile ? read('jwks-ca-file', caFile) : undefined, audience: text('audience') };
}
