/**
 * `npm run broker -- --port 5672 --config path/to/Config.json`: runs the local Service Bus broker, prints the
 * connection string, and stops on Ctrl+C.
 */
import { resolve } from 'node:path';
import { parseCliOptions } from './cliArgs';
import { startServiceBusBroker } from './server';

const USAGE = `Usage: npm run broker -- [--port 5672] [--host 127.0.0.1] [--config Config.json] [--lock-duration-ms N]
  --port              TCP port (default 5672, the emulator's; 0 picks a free one)
  --host              interface to listen on (default 127.0.0.1)
  --config            an emulator Config.json (default: local/service-bus/config.default.json)
  --lock-duration-ms  override every entity's LockDuration`;

async function main(): Promise<void> {
  const options = parseCliOptions(process.argv.slice(2), { port: 'number', host: 'string', config: 'string', 'lock-duration-ms': 'number' }, USAGE);
  const broker = await startServiceBusBroker({
    port: (options.port as number | undefined) ?? 5672,
    host: options.host as string | undefined,
    config: options.config === undefined ? undefined : resolve(String(options.config)),
    lockDurationOverrideMs: options['lock-duration-ms'] as number | undefined,
    logger: (line) => console.log(`[service-bus] ${line}`),
  });
  console.log(`Service Bus broker ready. Entities: ${broker.inspect.entities().join(', ')}`);
  console.log(`ServiceBusConnection=${broker.connectionString}`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping the Service Bus broker...');
    broker.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
