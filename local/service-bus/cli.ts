/**
 * `npm run broker -- --port 5672 --config path/to/Config.json`: runs the local Service Bus broker, prints the
 * connection string, and stops on Ctrl+C.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { remoteKeySet } from '../identity/jwks';
import { parseCliOptions } from './cliArgs';
import { startServiceBusBroker } from './server';

const USAGE = `Usage: npm run broker -- [--port 5672] [--host 127.0.0.1] [--config Config.json] [--lock-duration-ms N]
                      [--jwks-uri URI [--jwks-ca-file ca.pem] [--tenant-id GUID]]
  --port              TCP port (default 5672, the emulator's; 0 picks a free one)
  --host              interface to listen on (default 127.0.0.1)
  --config            an emulator Config.json (default: local/service-bus/config.default.json)
  --lock-duration-ms  override every entity's LockDuration
  --jwks-uri          the Entra ID (stand-in's) JWKS: jwt put-tokens must be signed by its keys (none: jwt refused)
  --jwks-ca-file      CA certificate (PEM file) of that JWKS endpoint, e.g. .local-data/identity/ca.pem
  --tenant-id         the tenant jwt tokens must come from (tid)`;

async function main(): Promise<void> {
  const options = parseCliOptions(process.argv.slice(2), { port: 'number', host: 'string', config: 'string', 'lock-duration-ms': 'number', 'jwks-uri': 'string', 'jwks-ca-file': 'string', 'tenant-id': 'string' }, USAGE);
  if (options['jwks-uri'] === undefined && (options['jwks-ca-file'] !== undefined || options['tenant-id'] !== undefined)) {
    throw new Error(`--jwks-ca-file and --tenant-id apply to jwt tokens and need --jwks-uri.\n${USAGE}`);
  }
  const jwksUri = options['jwks-uri'] as string | undefined;
  const broker = await startServiceBusBroker({
    port: (options.port as number | undefined) ?? 5672,
    host: options.host as string | undefined,
    config: options.config === undefined ? undefined : resolve(String(options.config)),
    lockDurationOverrideMs: options['lock-duration-ms'] as number | undefined,
    entraId: jwksUri
      ? {
          keys: remoteKeySet(jwksUri, options['jwks-ca-file'] === undefined ? undefined : readFileSync(resolve(String(options['jwks-ca-file'])))),
          tenantId: options['tenant-id'] as string | undefined,
        }
      : undefined,
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
