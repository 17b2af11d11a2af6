// The command line: flags become options (bad ones are named), and the CLI entry starts a working simulator.
import { parseCliArgs, CliError } from '../../../local/partner-center-simulator/cliArgs';
import { runCli } from '../../../local/partner-center-simulator/cli';
import { BUILT_IN_CUSTOMERS } from '../../../local/partner-center-simulator';
import { clientFor, line, NCE_M365_E3 } from './simulatorClient';

describe('CLI flags', () => {
  it('turns flags into options and knobs', () => {
    const settings = parseCliArgs([
      '--port', '7081', '--cart-ttl', '15m', '--checkout-replay', 'reject', '--order-polls', '4', '--listing-delay', '15m',
      '--seed', '9', '--fault-5xx-rate', '0.1', '--fault-drop-rate', '0.5', '--latency-ms', '20', '--rate-limit', '100',
      '--error-code-format', 'snake_case', '--expired-cart', 'not-found', '--burst', '10', '--throttle-scope', 'partnerTenantAndCustomer',
      '--refused-free',
    ]);

    expect(settings.options.port).toBe(7081);
    expect(settings.options.host).toBe('127.0.0.1');
    expect(settings.options.auth).toEqual({ mode: 'any', tenantId: undefined });
    expect(settings.options.knobs).toEqual({
      cartTtlMs: 900_000,
      checkoutReplay: 'reject',
      orderPendingPolls: 4,
      orderListingDelayMs: 900_000,
      faultSeed: 9,
      requestsPerMinute: 100,
      requestBurst: 10,
      throttleScope: 'partnerTenantAndCustomer',
      throttleCountsRefused: false,
      lineItemErrorCodeFormat: 'snake_case',
      expiredCartCheckout: 'not-found',
      faults: [
        { kind: 'latency', latencyMs: 20 },
        { kind: 'status5xx', rate: 0.1 },
        { kind: 'dropAfterCommit', method: 'POST', path: '/checkout/?$', rate: 0.5 },
      ],
    });
  });

  it('adds --customers to the built-in customers, and --any-customer makes every GUID one', () => {
    const customers = parseCliArgs(['--customers', 'D6BF25B7-E0A8-4F2D-A31B-97B55CFC774D, 28045616-f6b9-462f-9701-0d89b5e65c44']).options.knobs;
    expect(customers).toEqual({ knownCustomers: [...BUILT_IN_CUSTOMERS, 'd6bf25b7-e0a8-4f2d-a31b-97b55cfc774d', '28045616-f6b9-462f-9701-0d89b5e65c44'] });
    expect(parseCliArgs(['--any-customer']).options.knobs).toEqual({ knownCustomers: null });
    expect(parseCliArgs([]).options.knobs).toEqual({});
  });

  it('defaults to port 7080', () => {
    expect(parseCliArgs([]).options.port).toBe(7080);
  });

  it.each([
    [['--port', 'eighty'], '--port: expected a whole number from 0 to 65535, got "eighty"'],
    [['--cart-ttl', 'a week'], '--cart-ttl: expected a duration'],
    [['--checkout-replay', 'maybe'], '--checkout-replay: expected one of idempotent, reject, got "maybe"'],
    [['--fault-5xx-rate', '3'], '--fault-5xx-rate: expected a number from 0 to 1, got "3"'],
    [['--auth', 'jwt', '--jwks-uri', 'http://127.0.0.1:1/keys'], '--tenant-id: required with --auth jwt'],
    [['--auth', 'jwt', '--tenant-id', 'x'], 'exactly one of --jwks-uri or --jwks-file'],
    [['--auth', 'jwt', '--tenant-id', 'x', '--jwks-file', '/nonexistent/jwks.json'], '--jwks-file: cannot read "/nonexistent/jwks.json" (ENOENT)'],
    [['--customers', 'contoso'], '--customers: expected an array of customer GUIDs, got ["contoso"]'],
    [['--customers', '28045616-f6b9-462f-9701-0d89b5e65c44', '--any-customer'], '--customers and --any-customer: give one'],
    [['--colour'], "Unknown option '--colour'"],
  ])('rejects %j naming the flag', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});

describe('CLI entry', () => {
  it('prints help and starts nothing for --help', async () => {
    const printed: string[] = [];

    expect(await runCli(['--help'], (l) => printed.push(l))).toBeUndefined();
    expect(printed.join('\n')).toContain('npm run sim:partner-center -- [flags]');
  });

  it('starts a simulator that prints its URL and a curl example, then logs each request', async () => {
    const printed: string[] = [];
    const sim = (await runCli(['--port', '0', '--cart-ttl', '15m'], (l) => printed.push(l)))!;
    try {
      // The curl example's customer is built in, so the printed example works as printed.
      const cart = await clientFor(sim, '5a1c4d36-4b2c-4f8f-9b5e-3c2b1a0f9e8d').createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1M')] }, { requestId: 'cli-1' });

      expect(printed[0]).toContain(`Partner Center simulator listening on ${sim.url}`);
      expect(printed[0]).toContain(`curl -s -X POST ${sim.url}/v1/customers/`);
      expect(Date.parse(cart.body.expirationTimestamp) - Date.parse(cart.body.creationTimestamp)).toBe(900_000);
      expect(printed[1]).toMatch(/^POST \/v1\/customers\/.+\/carts → 201 \(MS-RequestId cli-1\)$/);
    } finally {
      await sim.stop();
    }
  });
});
