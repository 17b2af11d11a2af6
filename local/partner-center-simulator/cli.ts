// `npm run sim:partner-center -- --port 7080 …`: starts the simulator, prints its URL and a curl example, and stops
// cleanly on SIGINT/SIGTERM.
import { CLI_HELP, CliError, parseCliArgs } from './cliArgs';
import { SimulatorConfigError } from './knobs';
import { startPartnerCenterSimulator, type PartnerCenterSimulator } from './server';

const EXAMPLE_CUSTOMER = '5a1c4d36-4b2c-4f8f-9b5e-3c2b1a0f9e8d';

export function usageExample(url: string): string {
  const base = `${url}/v1/customers/${EXAMPLE_CUSTOMER}`;
  return [
    `Partner Center simulator listening on ${url}`,
    `Control API: ${url}/_simulator/counts (reset, clock/advance, knobs, catalog, requests)`,
    'Try:',
    `  curl -s -X POST ${base}/carts -H 'Authorization: Bearer local' -H 'Content-Type: application/json' \\`,
    `    -d '{"lineItems":[{"catalogItemId":"CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5","quantity":1,"billingCycle":"monthly","termDuration":"P1Y"}]}'`,
    `  curl -s -X POST ${base}/carts/<cart id>/checkout -H 'Authorization: Bearer local' -H 'MS-RequestId: checkout-1'`,
    `  curl -s ${base}/orders/<order id> -H 'Authorization: Bearer local'`,
  ].join('\n');
}

/** Starts from arguments; returns the running simulator (tests call this in-process with --port 0). */
export async function runCli(argv: string[], print: (line: string) => void = console.log): Promise<PartnerCenterSimulator | undefined> {
  const settings = parseCliArgs(argv);
  if (settings.help) {
    print(CLI_HELP);
    return undefined;
  }
  const onRequest = settings.quiet
    ? undefined
    : (e: { method: string; path: string; status: number; requestId: string; faults: string[]; replayed: boolean }) =>
        print(`${e.method} ${e.path} → ${e.status || 'no answer'} (MS-RequestId ${e.requestId}${e.replayed ? ', replayed' : ''}${e.faults.length ? `, faults: ${e.faults.join(',')}` : ''})`);
  const simulator = await startPartnerCenterSimulator({ ...settings.options, onRequest });
  print(usageExample(simulator.url));
  return simulator;
}

async function main(): Promise<void> {
  try {
    const simulator = await runCli(process.argv.slice(2));
    if (!simulator) return;
    const shutdown = (signal: string) => {
      console.log(`${signal} received, stopping the Partner Center simulator`);
      simulator.stop().then(() => process.exit(0));
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  } catch (err) {
    if (err instanceof CliError || err instanceof SimulatorConfigError) console.error(err.message);
    else console.error(`Could not start the Partner Center simulator: ${(err as Error).message}`);
    process.exit(2);
  }
}

if (require.main === module) void main();
