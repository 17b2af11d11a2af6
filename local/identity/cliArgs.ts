// Command-line flags of `npm run identity`. Every bad flag is reported with its name and what was expected.

import { parseArgs } from 'node:util';
import { LOCAL_IDENTITY_DEFAULTS as D } from './localDefaults';
import type { IdentityStandInsOptions } from './standIns';

export const IDENTITY_CLI_HELP = `Local Entra ID, managed identity and Key Vault stand-ins (HTTPS with a CA made for this run).

Usage: npm run identity -- [flags]

  --tenant-id GUID            partner tenant (default ${D.tenantId})
  --client-id GUID            app registration the token endpoint knows (default ${D.clientId})
  --client-secret VALUE       its secret, also stored in the Key Vault (default: the local placeholder)
  --secret-name NAME          Key Vault secret holding it (default ${D.secretName})
  --identity-header VALUE     IDENTITY_HEADER the managed identity endpoint expects (default ${D.identityHeader})
  --entra-port N              Entra ID port (default ${D.ports.entraId}; 0 = any free port)
  --managed-identity-port N   managed identity port (default ${D.ports.managedIdentity})
  --key-vault-port N          Key Vault port (default ${D.ports.keyVault})
  --ca-file PATH              where to write the CA certificate (default ${D.caFile})
  --help                      this text`;

export class IdentityCliError extends Error {}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IdentityCliOptions {
  help: boolean;
  standIns: IdentityStandInsOptions & { clients: { clientId: string; secrets: string[] }[]; tenantId: string; writeCaFile: string };
  secretName: string;
  clientId: string;
}

export function parseIdentityCliArgs(argv: string[]): IdentityCliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        'tenant-id': { type: 'string', default: D.tenantId },
        'client-id': { type: 'string', default: D.clientId },
        'client-secret': { type: 'string', default: D.clientSecret },
        'secret-name': { type: 'string', default: D.secretName },
        'identity-header': { type: 'string', default: D.identityHeader },
        'entra-port': { type: 'string', default: String(D.ports.entraId) },
        'managed-identity-port': { type: 'string', default: String(D.ports.managedIdentity) },
        'key-vault-port': { type: 'string', default: String(D.ports.keyVault) },
        'ca-file': { type: 'string', default: D.caFile },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new IdentityCliError(`${(error as Error).message}\n\n${IDENTITY_CLI_HELP}`);
  }
  const problems: string[] = [];
  const guid = (flag: 'tenant-id' | 'client-id') => {
    if (!GUID.test(values[flag])) problems.push(`--${flag} must be a GUID (got ${JSON.stringify(values[flag])})`);
    return values[flag].toLowerCase();
  };
  const port = (flag: 'entra-port' | 'managed-identity-port' | 'key-vault-port') => {
    const n = /^\d+$/.test(values[flag]) ? Number(values[flag]) : NaN;
    if (!(n >= 0 && n <= 65535)) problems.push(`--${flag} must be a port number from 0 to 65535 (got ${JSON.stringify(values[flag])})`);
    return n;
  };
  const nonEmpty = (flag: 'client-secret' | 'identity-header' | 'ca-file') => {
    if (!values[flag].trim()) problems.push(`--${flag} must not be empty`);
    return values[flag];
  };
  const tenantId = guid('tenant-id');
  const clientId = guid('client-id');
  const secretName = values['secret-name'];
  if (!/^[0-9a-zA-Z-]{1,127}$/.test(secretName)) problems.push(`--secret-name must be 1-127 letters, digits and hyphens (got ${JSON.stringify(secretName)})`);
  const clientSecret = nonEmpty('client-secret');
  const options: IdentityCliOptions = {
    help: values.help,
    clientId,
    secretName,
    standIns: {
      tenantId,
      clients: [{ clientId, secrets: [clientSecret] }],
      secrets: { [secretName]: clientSecret },
      identityHeader: nonEmpty('identity-header'),
      writeCaFile: nonEmpty('ca-file'),
      ports: { entraId: port('entra-port'), managedIdentity: port('managed-identity-port'), keyVault: port('key-vault-port') },
    },
  };
  if (problems.length > 0) throw new IdentityCliError(`${problems.join('\n')}\n\n${IDENTITY_CLI_HELP}`);
  return options;
}
