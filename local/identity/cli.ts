// `npm run identity`: starts the identity stand-ins for local use and prints the URLs, the CA file and the
// environment to export. Stops (and deletes the CA file) on Ctrl+C.

import { IDENTITY_CLI_HELP, IdentityCliError, parseIdentityCliArgs, type IdentityCliOptions } from './cliArgs';
import { startIdentityStandIns, type IdentityStandIns } from './standIns';

/** The text printed once the stand-ins listen. No secret values: the client secret is never printed. */
export function describeRunningStandIns(standIns: IdentityStandIns, options: Pick<IdentityCliOptions, 'clientId' | 'secretName'>): string {
  const { entraId, managedIdentity, keyVault, tenantId } = standIns;
  const exports: Record<string, string> = {
    ...standIns.environment(),
    AZURE_AUTHORITY_HOST: entraId.authorityHost,
    KEY_VAULT_URL: keyVault.vaultUrl,
    PARTNER_CENTER_TENANT_ID: tenantId,
    PARTNER_CENTER_CLIENT_ID: options.clientId,
    PARTNER_CENTER_SECRET_NAME: options.secretName,
  };
  return [
    'Identity stand-ins are running (HTTPS, CA generated for this run).',
    `  Entra ID          ${entraId.authorityHost}  (tenant ${tenantId}, app ${options.clientId})`,
    `    token endpoint  ${entraId.authorityHost}/${tenantId}/oauth2/v2.0/token`,
    `    JWKS            ${entraId.jwksUri}`,
    `  Managed identity  ${managedIdentity.endpoint}`,
    `  Key Vault         ${keyVault.vaultUrl}  (secret "${options.secretName}")`,
    `  CA certificate    ${standIns.caFile}`,
    '',
    'Export before starting the app (NODE_EXTRA_CA_CERTS is read once, at process start):',
    ...Object.entries(exports).map(([name, value]) => `export ${name}=${value}`),
    '',
    'Partner Center simulator that verifies these tokens:',
    `  npm run sim:partner-center -- --auth jwt --jwks-uri ${entraId.jwksUri} --jwks-ca-file ${standIns.caFile} --tenant-id ${tenantId}`,
    '',
    'Rotate the secret with any Key Vault client (PUT /secrets/<name> adds a version). Ctrl+C stops.',
  ].join('\n');
}

export async function startIdentityCli(argv: string[], print: (text: string) => void): Promise<IdentityStandIns | undefined> {
  const options = parseIdentityCliArgs(argv);
  if (options.help) {
    print(IDENTITY_CLI_HELP);
    return undefined;
  }
  const standIns = await startIdentityStandIns(options.standIns);
  print(describeRunningStandIns(standIns, options));
  return standIns;
}

async function main(): Promise<void> {
  let standIns: IdentityStandIns | undefined;
  try {
    standIns = await startIdentityCli(process.argv.slice(2), (text) => console.log(text));
  } catch (error) {
    console.error(error instanceof IdentityCliError ? error.message : `Could not start the identity stand-ins: ${(error as Error).message}`);
    process.exitCode = 2;
    return;
  }
  if (!standIns) return;
  const running = standIns;
  const stop = () => {
    void running.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) void main();
