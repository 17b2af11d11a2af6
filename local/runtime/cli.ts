import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readLocalSettings } from './settings';
import { startInProcessRuntime } from './inProcessRuntime';
import type { LocalRuntimeOptions } from './options';

const usage = `Usage: npm run runtime -- [options]

Runs the app (package.json "main", built by npm run build) on the local Functions + Durable runtime.

  --port <n>            HTTP port (default: local.settings.json Host.LocalHttpPort, else 7071; 0 = any free port)
  --store <kind>        memory (default) or file:<directory> (durable across restarts), e.g. file:.local-data/durable
  --clock <kind>        real (default) or virtual (time-skipping: jumps to the next timer when idle)
  --inbox-order <kind>  fifo (default) or shuffled:<seed>: messages visible at once reach an orchestration in a
                        seeded random order, as Azure Storage queues may deliver them (for race tests)
  --app-root <dir>      folder with host.json, local.settings.json, package.json (default: current directory)
  --app-entry <file>    the app's entry module (default: package.json "main")
  --master-key <key>    enforce keys: the master key (admin/function levels and the Durable webhooks)
  --function-key <key>  enforce keys: the function key (authLevel function)
  --easy-auth-issuer <url>     App Service authentication (Entra ID, Return401) in front of the HTTP triggers, for
  --easy-auth-audience <aud>   API_AUTH=entraId: tokens must carry this issuer and audience (repeat the audience flag
  --easy-auth-jwks <url>       for several) and verify against the JWKS; --easy-auth-jwks-ca <file> trusts its CA
  --log-level <level>   trace | debug | information (default) | warning | error
  --help                show this help`;

/** `--store memory` or `--store file:<directory>` (relative to `cwd`); also used by `npm start`. */
export function parseStoreFlag(value: string, cwd: string): Exclude<LocalRuntimeOptions['store'], undefined> {
  if (value === 'memory') return 'memory';
  if (value.startsWith('file:') && value.length > 5) return { kind: 'file', directory: path.resolve(cwd, value.slice(5)) };
  throw new Error(`--store must be "memory" or "file:<directory>", got "${value}".`);
}

/** `--clock real` or `--clock virtual`; also used by `npm start`. */
export function parseClockFlag(value: string): 'real' | 'virtual' {
  if (value !== 'real' && value !== 'virtual') throw new Error(`--clock must be "real" or "virtual", got "${value}".`);
  return value;
}

/** `--inbox-order fifo` or `--inbox-order shuffled:<seed>`. */
export function parseInboxOrderFlag(value: string): Exclude<LocalRuntimeOptions['inboxOrder'], undefined> {
  if (value === 'fifo') return 'fifo';
  const match = /^shuffled:(-?\d+)$/.exec(value);
  if (match && Number.isSafeInteger(Number(match[1]))) return { kind: 'shuffled', seed: Number(match[1]) };
  throw new Error(`--inbox-order must be "fifo" or "shuffled:<integer seed>", got "${value}".`);
}

/** Parses the command line into runtime options; throws with the flag named when a value is missing or wrong. */
export function parseCliArgs(argv: string[], cwd = process.cwd()): LocalRuntimeOptions | 'help' {
  const options: LocalRuntimeOptions = { isolation: 'in-process' };
  const keys: { master?: string; function?: string } = {};
  const easyAuth: { issuer?: string; audiences: string[]; jwksUri?: string; jwksCa?: string } = { audiences: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') return 'help';
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value.\n\n${usage}`);
    i++;
    switch (flag) {
      case '--port': {
        const port = Number(value);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number (0-65535), got "${value}".`);
        options.port = port;
        break;
      }
      case '--store':
        options.store = parseStoreFlag(value, cwd);
        break;
      case '--clock':
        options.clock = parseClockFlag(value);
        break;
      case '--inbox-order':
        options.inboxOrder = parseInboxOrderFlag(value);
        break;
      case '--app-root':
        options.appRoot = path.resolve(cwd, value);
        break;
      case '--app-entry':
        options.appEntry = path.resolve(cwd, value);
        break;
      case '--master-key':
        keys.master = value;
        break;
      case '--function-key':
        keys.function = value;
        break;
      case '--easy-auth-issuer':
        easyAuth.issuer = value;
        break;
      case '--easy-auth-audience':
        easyAuth.audiences.push(value);
        break;
      case '--easy-auth-jwks':
        easyAuth.jwksUri = value;
        break;
      case '--easy-auth-jwks-ca':
        easyAuth.jwksCa = fs.readFileSync(path.resolve(cwd, value), 'utf8');
        break;
      case '--log-level':
        if (!['trace', 'debug', 'information', 'warning', 'error'].includes(value)) throw new Error(`--log-level must be trace, debug, information, warning or error, got "${value}".`);
        options.logLevel = value as LocalRuntimeOptions['logLevel'];
        break;
      default:
        throw new Error(`Unknown option ${flag}.\n\n${usage}`);
    }
  }
  if (keys.master || keys.function) options.keys = keys;
  if (easyAuth.issuer || easyAuth.jwksUri || easyAuth.audiences.length > 0 || easyAuth.jwksCa) {
    if (!easyAuth.issuer || !easyAuth.jwksUri || easyAuth.audiences.length === 0) {
      throw new Error('App Service authentication needs --easy-auth-issuer, --easy-auth-jwks and at least one --easy-auth-audience.');
    }
    options.easyAuth = { issuer: easyAuth.issuer, allowedAudiences: easyAuth.audiences, jwksUri: easyAuth.jwksUri, ...(easyAuth.jwksCa ? { jwksCa: easyAuth.jwksCa } : {}) };
  }
  if (options.port === undefined) {
    const settings = readLocalSettings(path.join(options.appRoot ?? cwd, 'local.settings.json'));
    options.port = settings.localHttpPort ?? 7071;
  }
  return options;
}

/** Settings Node reads only when a process starts; under func they reach the worker because it is a child process. */
const startupSettings = ['NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS'];

/**
 * When local.settings.json sets a start-up-only variable this process lacks, runs the CLI again as a child with it
 * (as func starts the worker with the settings in its environment). Returns true when it did.
 */
function restartWithStartupSettings(options: LocalRuntimeOptions): boolean {
  const settings = readLocalSettings(options.localSettingsPath ?? path.join(options.appRoot ?? process.cwd(), 'local.settings.json'));
  const missing = startupSettings.filter((name) => settings.values[name] && process.env[name] === undefined);
  if (missing.length === 0) return false;
  const env = { ...process.env };
  for (const name of missing) env[name] = settings.values[name];
  const child = spawn(process.execPath, process.argv.slice(1), { env, stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 1));
  return true;
}

async function main() {
  let options: LocalRuntimeOptions | 'help';
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (restartWithStartupSettings(options)) return;
  const runtime = await startInProcessRuntime(options);
  process.stdout.write(`\nHTTP triggers: ${runtime.apiBaseUrl}/...\nDurable HTTP API: ${runtime.durableApiUrl}/instances/{instanceId}\n\n`);
  const shutdown = () => {
    runtime.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`The local runtime could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
