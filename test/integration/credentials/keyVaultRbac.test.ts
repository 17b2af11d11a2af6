// Key Vault's Azure RBAC on the stand-in, set up as infra/app/rbac/keyvault.bicep does: the managed identity holds Key
// Vault Secrets User on the one Partner Center secret. Any other name, existing or not, is refused with 403
// ForbiddenByRbac before the vault looks it up, and the app reports that as a role/name problem. Its own file: msal-node
// fixes the managed identity endpoint process-wide on first use.

import { request } from 'node:https';
import { createSecretSource, CredentialRejectedError } from '../../../shared/credentials';
import { DISABLED_SECRET_NAME, FIRST_SECRET, SECRET_NAME, startCredentialRig, type CredentialRig } from './support';

let rig: CredentialRig;
beforeAll(async () => {
  rig = await startCredentialRig({ keyVaultRbac: { managedIdentityReads: [SECRET_NAME] } });
});
afterAll(async () => {
  await rig.stop();
});

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, ca: rig.standIns.caCertPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

async function managedIdentityToken(): Promise<string> {
  const url = `${rig.standIns.managedIdentity.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent('https://vault.azure.net')}`;
  return String((await call(url, { headers: { 'X-IDENTITY-HEADER': rig.standIns.managedIdentity.header } })).json.access_token);
}

test('the secret the role is scoped to is read', async () => {
  const source = createSecretSource(rig.config(), rig.secretSourceOptions());
  expect((await source.getSecret()).reveal()).toBe(FIRST_SECRET);
});

test.each([
  ['a secret that does not exist', 'no-such-secret'],
  ['an existing secret outside the scope (disabled, too: the role is checked first)', DISABLED_SECRET_NAME],
])('%s is a non-retryable ForbiddenByRbac, not SecretNotFound, and is never looked up', async (_case, name) => {
  const forbidden = rig.standIns.keyVault.controls.forbiddenRequests();
  const source = createSecretSource(rig.config({ PARTNER_CENTER_SECRET_NAME: name }), rig.secretSourceOptions());
  const error = await failureOf(source.getSecret());
  expect(error).toBeInstanceOf(CredentialRejectedError);
  expect(error).toMatchObject({ retryable: false, endpoint: 'keyVault', reason: 'ForbiddenByRbac' });
  expect(error.message).toContain(`secret "${name}"`);
  expect(error.message).toContain('Key Vault Secrets User');
  expect(rig.standIns.keyVault.controls.forbiddenRequests() - forbidden).toBe(1);
  expect(rig.standIns.keyVault.controls.reads(name)).toBe(0);
});

test('the wire shape: 403 Forbidden with innererror ForbiddenByRbac naming the caller, the action and "Assignment: (not found)"', async () => {
  const headers = { Authorization: `Bearer ${await managedIdentityToken()}` };
  const vault = rig.standIns.keyVault.vaultUrl;
  const read = await call(`${vault}/secrets/no-such-secret?api-version=2025-07-01`, { headers });
  expect(read.status).toBe(403);
  const error = read.json.error as { code: string; message: string; innererror: { code: string } };
  expect(error.code).toBe('Forbidden');
  expect(error.innererror).toEqual({ code: 'ForbiddenByRbac' });
  const lines = error.message.split('\r\n');
  expect(lines[0]).toBe('Caller is not authorized to perform action on resource.');
  expect(lines).toContain(`Caller: appid=${rig.standIns.managedIdentity.clientId};oid=${rig.standIns.managedIdentity.principalId};iss=${rig.standIns.entraId.authorityHost}/${rig.standIns.tenantId}/v2.0`);
  expect(lines).toContain("Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'");
  expect(lines).toContain('Assignment: (not found)');
  expect(lines.find((l) => l.startsWith('Resource: '))).toMatch(/\/secrets\/no-such-secret'$/);

  // Key Vault Secrets User reads; it does not write, not even its own secret.
  const write = await call(`${vault}/secrets/${SECRET_NAME}?api-version=2025-07-01`, {
    method: 'PUT',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ value: 'x' }),
  });
  expect(write.status).toBe(403);
  expect(String((write.json.error as { message: string }).message)).toContain("Action: 'Microsoft.KeyVault/vaults/secrets/setSecret/action'");
  expect(rig.standIns.keyVault.controls.versions(SECRET_NAME)).toHaveLength(1);
});

test('a vault-wide assignment opens every secret; removing it closes them again', async () => {
  const { controls } = rig.standIns.keyVault;
  const principalId = rig.standIns.managedIdentity.principalId;
  const other = createSecretSource(rig.config({ PARTNER_CENTER_SECRET_NAME: 'no-such-secret' }), rig.secretSourceOptions());
  controls.assignRole({ principalId, role: 'Key Vault Secrets User' });
  try {
    // Now the vault looks the name up: it really is missing.
    await expect(failureOf(other.getSecret())).resolves.toMatchObject({ reason: 'SecretNotFound' });
  } finally {
    controls.removeRoles(principalId);
    controls.assignRole({ principalId, role: 'Key Vault Secrets User', secretName: SECRET_NAME });
  }
  await expect(failureOf(other.getSecret())).resolves.toMatchObject({ reason: 'ForbiddenByRbac' });
  expect((await createSecretSource(rig.config(), rig.secretSourceOptions()).getSecret()).reveal()).toBe(FIRST_SECRET);
});
