// `npm run identity`: flag validation, and the printed instructions being true — a separate Node process given only
// the printed `export` lines (NODE_EXTRA_CA_CERTS, no tlsOptions in code) reads the secret and gets a token.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIdentityCliArgs } from '../../../local/identity/cliArgs';
import { startIdentityCli } from '../../../local/identity/cli';
import { LOCAL_IDENTITY_DEFAULTS } from '../../../local/identity/localDefaults';

test('bad flags are all reported with the flag name and what was expected', () => {
  expect(() => parseIdentityCliArgs(['--tenant-id', 'contoso', '--entra-port', '70000', '--secret-name', 'a_b'])).toThrow(
    /--tenant-id must be a GUID \(got "contoso"\)\n--secret-name must be 1-127 letters, digits and hyphens \(got "a_b"\)\n--entra-port must be a port number from 0 to 65535 \(got "70000"\)/,
  );
  expect(() => parseIdentityCliArgs(['--bogus'])).toThrow(/Unknown option '--bogus'/);
});

test('defaults match the local settings sample values', () => {
  const options = parseIdentityCliArgs([]);
  expect(options.standIns).toMatchObject({
    tenantId: LOCAL_IDENTITY_DEFAULTS.tenantId,
    ports: { entraId: 47443, managedIdentity: 47444, keyVault: 47445 },
    writeCaFile: LOCAL_IDENTITY_DEFAULTS.caFile,
  });
});

const CHILD = `
const { DefaultAzureCredential, ClientSecretCredential } = require('@azure/identity');
const { SecretClient } = require('@azure/keyvault-secrets');
(async () => {
  const e = process.env;
  const vault = new SecretClient(e.KEY_VAULT_URL, new DefaultAzureCredential(), { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } });
  const secret = await vault.getSecret(e.PARTNER_CENTER_SECRET_NAME);
  const credential = new ClientSecretCredential(e.PARTNER_CENTER_TENANT_ID, e.PARTNER_CENTER_CLIENT_ID, secret.value, { authorityHost: e.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true });
  const token = await credential.getToken('https://api.partnercenter.microsoft.com/.default');
  const claims = JSON.parse(Buffer.from(token.token.split('.')[1], 'base64url').toString());
  console.log(JSON.stringify({ aud: claims.aud, appid: claims.appid, tid: claims.tid }));
})().catch((error) => { console.error(error.message); process.exit(1); });
`;

test('the printed exports let a fresh process use the stand-ins through NODE_EXTRA_CA_CERTS', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'identity-cli-test-'));
  const caFile = join(dir, 'ca.pem');
  const printed: string[] = [];
  const standIns = await startIdentityCli(
    ['--entra-port', '0', '--managed-identity-port', '0', '--key-vault-port', '0', '--ca-file', caFile, '--client-secret', 'cli-test-secret-value'],
    (text) => void printed.push(text),
  );
  try {
    expect(standIns).toBeDefined();
    const output = printed.join('\n');
    expect(output).toContain(`CA certificate    ${caFile}`);
    expect(output).not.toContain('cli-test-secret-value');
    const exports = Object.fromEntries([...output.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(exports).sort()).toEqual(
      ['AZURE_AUTHORITY_HOST', 'AZURE_TOKEN_CREDENTIALS', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'KEY_VAULT_URL', 'NODE_EXTRA_CA_CERTS', 'PARTNER_CENTER_CLIENT_ID', 'PARTNER_CENTER_SECRET_NAME', 'PARTNER_CENTER_TENANT_ID'].sort(),
    );
    expect(exports.NODE_EXTRA_CA_CERTS).toBe(caFile);

    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, ...exports };
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['-e', CHILD], { cwd: join(__dirname, '../../..'), env, timeout: 20_000 }, (error, out, err) =>
        error ? reject(new Error(`child failed: ${err || error.message}`)) : resolve(out),
      ),
    );
    expect(JSON.parse(stdout)).toEqual({ aud: 'https://api.partnercenter.microsoft.com', appid: LOCAL_IDENTITY_DEFAULTS.clientId, tid: LOCAL_IDENTITY_DEFAULTS.tenantId });
    expect(standIns!.keyVault.controls.reads(LOCAL_IDENTITY_DEFAULTS.secretName)).toBe(1);
    expect(standIns!.managedIdentity.controls.tokenRequests('https://vault.azure.net')).toBe(1);
  } finally {
    await standIns?.stop();
    expect(existsSync(caFile)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  }
});
