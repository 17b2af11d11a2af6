// The App Service identity endpoint refuses an identity the app does not have: a user-assigned client id that is not
// attached (AZURE_CLIENT_ID / managedIdentityClientId pointing at the wrong identity) is a 400 "No User Assigned or
// Delegated Managed Identity found…", and the app says which setting to fix. Also the endpoint's own refusals (api-version,
// injected failures) and a user-assigned identity that is attached. Its own file: msal-node fixes the managed identity
// endpoint and identity process-wide on first use.

import { request } from 'node:https';
import { inspect } from 'node:util';
import { createSecretSource, CredentialUnavailableError } from '../../../shared/credentials';
import { checkDependencies } from '../../../shared/health';
import { expectNoneContain, FIRST_SECRET, SECRET_NAME, startCredentialRig, type CredentialRig } from './support';

const NOT_ATTACHED = '9b1c2d3e-4f50-4a6b-8c7d-0e1f2a3b4c5d';
const ATTACHED = {
  clientId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  principalId: '2b3c4d5e-6f70-4b8c-9d0e-1f2a3b4c5d6e',
  resourceId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/local/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders-local',
};

let rig: CredentialRig;
beforeAll(async () => {
  rig = await startCredentialRig({ userAssignedIdentities: [ATTACHED] });
});
afterAll(async () => {
  await rig.stop();
});

function call(url: string, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, ca: rig.standIns.caCertPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const identityHeader = () => ({ 'X-IDENTITY-HEADER': rig.standIns.managedIdentity.header });
const miUrl = (query: string) => `${rig.standIns.managedIdentity.endpoint}?resource=${encodeURIComponent('https://vault.azure.net')}&${query}`;

test('an identity the app does not have (client_id, mi_res_id, principal_id) is a 400 with App Service\'s body', async () => {
  const refused = rig.standIns.managedIdentity.controls.refusedRequests();
  for (const selector of [`client_id=${NOT_ATTACHED}`, `mi_res_id=${encodeURIComponent('/subscriptions/x/resourcegroups/y/providers/Microsoft.ManagedIdentity/userAssignedIdentities/z')}`, `principal_id=${NOT_ATTACHED}`]) {
    const answer = await call(miUrl(`api-version=2019-08-01&${selector}`), identityHeader());
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      statusCode: 400,
      message: 'No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId.',
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  }
  expect(rig.standIns.managedIdentity.controls.refusedRequests() - refused).toBe(3);
});

test('an attached user-assigned identity, named by any of its ids, gets tokens with its appid, oid and resource id', async () => {
  for (const selector of [`client_id=${ATTACHED.clientId}`, `mi_res_id=${encodeURIComponent(ATTACHED.resourceId)}`, `principal_id=${ATTACHED.principalId}`, `object_id=${ATTACHED.principalId}`]) {
    const answer = await call(miUrl(`api-version=2019-08-01&${selector}`), identityHeader());
    expect(answer.status).toBe(200);
    expect(answer.json.client_id).toBe(ATTACHED.clientId);
    const claims = JSON.parse(Buffer.from(String(answer.json.access_token).split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ appid: ATTACHED.clientId, oid: ATTACHED.principalId, xms_mirid: ATTACHED.resourceId, aud: 'https://vault.azure.net' });
  }
  // The system-assigned identity's client id does not name a user-assigned identity.
  expect((await call(miUrl(`api-version=2019-08-01&client_id=${rig.standIns.managedIdentity.clientId}`), identityHeader())).status).toBe(400);
});

test('api-version must be 2019-08-01', async () => {
  const missing = await call(miUrl(''), identityHeader());
  const other = await call(miUrl('api-version=2017-09-01'), identityHeader());
  expect(missing).toMatchObject({ status: 400, json: { statusCode: 400, message: expect.stringContaining('api-version is required') } });
  expect(other).toMatchObject({ status: 400, json: { statusCode: 400, message: 'The api-version 2017-09-01 is not supported; use 2019-08-01.' } });
});

test('failNextRequests(n, status) fails the next n token requests with that status, then tokens flow again', async () => {
  rig.standIns.managedIdentity.controls.failNextRequests(2, 503);
  expect((await call(miUrl('api-version=2019-08-01'), identityHeader())).status).toBe(503);
  expect((await call(miUrl('api-version=2019-08-01'), identityHeader())).json).toMatchObject({ statusCode: 503 });
  expect((await call(miUrl('api-version=2019-08-01'), identityHeader())).status).toBe(200);
});

test('DefaultAzureCredential with an unassigned managedIdentityClientId: the secret source fails with ManagedIdentityNotFound and health names AZURE_CLIENT_ID', async () => {
  const options = rig.secretSourceOptions();
  const source = createSecretSource(rig.config(), { ...options, credentialOptions: { ...options.credentialOptions, managedIdentityClientId: NOT_ATTACHED } });
  const error = await source.getSecret().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CredentialUnavailableError);
  expect(error).toMatchObject({ endpoint: 'keyVault', endpointUrl: rig.standIns.keyVault.vaultUrl, reason: 'ManagedIdentityNotFound' });
  expect((error as Error).message).toContain(`(secret "${SECRET_NAME}"): no token for Key Vault: the managed identity named by AZURE_CLIENT_ID is not assigned to this app`);
  expect(rig.standIns.keyVault.controls.reads()).toBe(0);
  expectNoneContain([(error as Error).message, inspect(error, { depth: 10 }), ...rig.logs()], [FIRST_SECRET]);

  const report = await checkDependencies({
    secretSource: source,
    tokenProvider: { getToken: async () => 'unused' },
    probeResultsTopic: async () => undefined,
    probeDurableBackend: async () => undefined,
  });
  expect(report.checks[0]).toEqual({ name: 'keyVault', status: 'failed', reason: 'ManagedIdentityNotFound', explanation: expect.stringContaining('AZURE_CLIENT_ID') });
});
