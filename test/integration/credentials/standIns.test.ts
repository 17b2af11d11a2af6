// The identity stand-ins on the wire: the shapes the real services answer with, checked with raw HTTPS requests
// (trusting the per-run CA), and Key Vault writes through the real SecretClient.

import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { request } from 'node:https';
import { DefaultAzureCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { KEY_VAULT_API_VERSIONS } from '../../../local/identity/keyVaultServer';
import { createSigningKey, signJwt } from '../../../local/identity/signingKeys';
import { CLIENT_ID, DISABLED_SECRET_NAME, FIRST_SECRET, SECRET_NAME, startCredentialRig, type CredentialRig } from './support';

let rig: CredentialRig;
beforeAll(async () => {
  rig = await startCredentialRig();
});
afterAll(async () => {
  await rig.stop();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; trust?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, ca: init.trust === false ? undefined : rig.standIns.caCertPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : {} });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

const tokenUrl = () => `${rig.standIns.entraId.authorityHost}/${rig.standIns.tenantId}/oauth2/v2.0/token`;
const clientCredentials = (overrides: Record<string, string> = {}) =>
  form({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: FIRST_SECRET, scope: 'https://api.partnercenter.microsoft.com/.default', ...overrides });

/** A managed-identity token for Key Vault, as SecretClient would send it. */
async function keyVaultToken(): Promise<string> {
  const url = `${rig.standIns.managedIdentity.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent('https://vault.azure.net')}`;
  return String((await call(url, { headers: { 'X-IDENTITY-HEADER': rig.standIns.managedIdentity.header } })).json.access_token);
}

/** The token's claims, signed again by `key` (a key nobody published). */
const resign = (token: string, key: ReturnType<typeof createSigningKey>) => signJwt(key, JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()));

/** The token with its header's kid removed (the signature then no longer matches either; the kid is checked first). */
function stripKid(token: string): string {
  const [header, ...rest] = token.split('.');
  const { kid: _kid, ...withoutKid } = JSON.parse(Buffer.from(header as string, 'base64url').toString());
  return [Buffer.from(JSON.stringify(withoutKid)).toString('base64url'), ...rest].join('.');
}

function verifyWithJwks(token: string, keys: { kid: string; n: string; e: string; kty: string }[]): Record<string, unknown> {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const { kid, alg } = JSON.parse(Buffer.from(header, 'base64url').toString());
  expect(alg).toBe('RS256');
  const jwk = keys.find((k) => k.kid === kid)!;
  const key = createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: 'jwk' });
  expect(verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))).toBe(true);
  return JSON.parse(Buffer.from(payload, 'base64url').toString());
}

describe('Entra ID stand-in', () => {
  test('OpenID configuration names endpoints on the same origin, and the issuer matches the authority', async () => {
    const { authorityHost } = rig.standIns.entraId;
    const tenant = rig.standIns.tenantId;
    const answer = await call(`${authorityHost}/${tenant}/v2.0/.well-known/openid-configuration`);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      issuer: `${authorityHost}/${tenant}/v2.0`,
      token_endpoint: `${authorityHost}/${tenant}/oauth2/v2.0/token`,
      jwks_uri: rig.standIns.entraId.jwksUri,
    });
  });

  test('client credentials give an RS256 JWT that verifies against the published JWKS, with aud, tid, appid, iat, exp', async () => {
    const answer = await call(tokenUrl(), clientCredentials());
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    const jwks = await call(rig.standIns.entraId.jwksUri);
    const claims = verifyWithJwks(String(answer.json.access_token), jwks.json.keys as never);
    expect(claims).toMatchObject({ aud: 'https://api.partnercenter.microsoft.com', tid: rig.standIns.tenantId, appid: CLIENT_ID });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3599);
  });

  test('the v1 endpoint takes `resource` instead of `scope`', async () => {
    const url = `${rig.standIns.entraId.authorityHost}/${rig.standIns.tenantId}/oauth2/token`;
    const answer = await call(url, form({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: FIRST_SECRET, resource: 'https://api.partnercenter.microsoft.com' }));
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ resource: 'https://api.partnercenter.microsoft.com', expires_in: '3599' });
  });

  test.each([
    ['a wrong secret', { client_secret: 'wrong' }, 401, 'invalid_client', 7000215, 'AADSTS7000215: Invalid client secret provided.'],
    ['an unknown client', { client_id: '00000000-0000-4000-8000-000000000000' }, 400, 'unauthorized_client', 700016, "AADSTS700016: Application with identifier '00000000-0000-4000-8000-000000000000' was not found"],
    ['a scope without /.default', { scope: 'https://api.partnercenter.microsoft.com' }, 400, 'invalid_scope', 1002012, 'AADSTS1002012: The provided value for scope'],
    ['another grant type', { grant_type: 'password' }, 400, 'unsupported_grant_type', 70003, "AADSTS70003: The app requested an unsupported grant type 'password'."],
  ])('%s is refused with the real error shape', async (_what, overrides, status, error, code, description) => {
    const before = rig.standIns.entraId.controls.tokenRequests().rejected;
    const answer = await call(tokenUrl(), clientCredentials(overrides));
    expect(answer.status).toBe(status);
    expect(answer.json).toMatchObject({ error, error_codes: [code], error_uri: `https://login.microsoftonline.com/error?code=${code}` });
    expect(String(answer.json.error_description).startsWith(description)).toBe(true);
    expect(answer.json).toEqual(expect.objectContaining({ trace_id: expect.any(String), correlation_id: expect.any(String), timestamp: expect.any(String) }));
    expect(rig.standIns.entraId.controls.tokenRequests().rejected - before).toBe(1);
  });

  test('an injected outage answers 503 temporarily_unavailable with AADSTS90033, as Entra ID does', async () => {
    rig.standIns.entraId.controls.failNextTokenRequests(1, 503);
    const answer = await call(tokenUrl(), clientCredentials());
    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({ error: 'temporarily_unavailable', error_codes: [90033], error_uri: 'https://login.microsoftonline.com/error?code=90033' });
    expect(String(answer.json.error_description)).toMatch(/^AADSTS90033: A transient error has occurred\. Please try again\. Trace ID: /);
    expect((await call(tokenUrl(), clientCredentials())).status).toBe(200);
  });

  test('an unknown tenant is refused with AADSTS90002', async () => {
    const url = `${rig.standIns.entraId.authorityHost}/11111111-2222-4333-8444-555555555555/oauth2/v2.0/token`;
    const answer = await call(url, clientCredentials());
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
  });

  test('a client that does not trust the per-run CA cannot connect, and the stand-in keeps serving', async () => {
    await expect(call(rig.standIns.entraId.jwksUri, { trust: false })).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect((await call(rig.standIns.entraId.jwksUri)).status).toBe(200);
  });
});

describe('managed identity stand-in', () => {
  const miUrl = (resource: string) => `${rig.standIns.managedIdentity.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent(resource)}`;

  test('answers the App Service contract only with the right X-IDENTITY-HEADER', async () => {
    const refused = rig.standIns.managedIdentity.controls.refusedRequests();
    expect((await call(miUrl('https://vault.azure.net'))).status).toBe(401);
    expect((await call(miUrl('https://vault.azure.net'), { headers: { 'X-IDENTITY-HEADER': 'guess' } })).status).toBe(401);
    expect(rig.standIns.managedIdentity.controls.refusedRequests() - refused).toBe(2);

    const answer = await call(miUrl('https://vault.azure.net'), { headers: { 'X-IDENTITY-HEADER': rig.standIns.managedIdentity.header } });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ resource: 'https://vault.azure.net', token_type: 'Bearer', client_id: rig.standIns.managedIdentity.clientId });
    expect(Number(answer.json.expires_on)).toBeGreaterThan(Date.now() / 1000);
    const claims = verifyWithJwks(String(answer.json.access_token), rig.standIns.entraId.jwks().keys);
    expect(claims).toMatchObject({ aud: 'https://vault.azure.net', tid: rig.standIns.tenantId, appid: rig.standIns.managedIdentity.clientId });
  });
});

describe('Key Vault stand-in', () => {
  test('a request without a token gets the 401 challenge naming the authority and the vault resource', async () => {
    const challenges = rig.standIns.keyVault.controls.challenges();
    const answer = await call(`${rig.standIns.keyVault.vaultUrl}/secrets/${SECRET_NAME}/?api-version=2025-07-01`);
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe(
      `Bearer authorization="${rig.standIns.entraId.authorityHost}/${rig.standIns.tenantId}", resource="https://vault.azure.net"`,
    );
    expect(rig.standIns.keyVault.controls.challenges() - challenges).toBe(1);
  });

  test('a token for another audience is refused', async () => {
    const token = (await call(tokenUrl(), clientCredentials())).json.access_token as string; // aud = Partner Center
    const rejected = rig.standIns.keyVault.controls.rejectedTokens();
    const answer = await call(`${rig.standIns.keyVault.vaultUrl}/secrets/${SECRET_NAME}?api-version=2025-07-01`, { headers: { Authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(401);
    expect(String((answer.json.error as { message: string }).message)).toContain('audience https://api.partnercenter.microsoft.com is not https://vault.azure.net');
    expect(rig.standIns.keyVault.controls.rejectedTokens() - rejected).toBe(1);
  });

  test.each([
    ['signed by a key the vault does not trust', (token: string) => resign(token, createSigningKey()), 'no signing key with kid'],
    ['signed with no kid', (token: string) => stripKid(token), 'no signing key with kid undefined'],
    ['with a forged signature', (token: string) => `${token.split('.').slice(0, 2).join('.')}.${Buffer.from('forged').toString('base64url')}`, 'the token signature is invalid'],
    ['that is not a JWT', () => 'not-a-jwt', 'not a well-formed JWT'],
  ])('a Key Vault token %s is refused with AKV10022', async (_case, tamper, reason) => {
    const token = await keyVaultToken();
    const rejected = rig.standIns.keyVault.controls.rejectedTokens();
    const answer = await call(`${rig.standIns.keyVault.vaultUrl}/secrets/${SECRET_NAME}?api-version=2025-07-01`, { headers: { Authorization: `Bearer ${tamper(token)}` } });
    expect(answer.status).toBe(401);
    const message = String((answer.json.error as { message: string }).message);
    expect(message).toMatch(/^AKV10022: Invalid token: /);
    expect(message).toContain(reason);
    expect(rig.standIns.keyVault.controls.rejectedTokens() - rejected).toBe(1);
  });

  test('the same Key Vault token, untampered, is accepted', async () => {
    const answer = await call(`${rig.standIns.keyVault.vaultUrl}/secrets/${SECRET_NAME}?api-version=2025-07-01`, { headers: { Authorization: `Bearer ${await keyVaultToken()}` } });
    expect(answer.status).toBe(200);
    expect(answer.json.value).toBe(FIRST_SECRET);
  });

  test('SecretClient sets a new version (rotation through the API), reads the latest and a given version, and reads are counted', async () => {
    const client = new SecretClient(rig.standIns.keyVault.vaultUrl, new DefaultAzureCredential({ tlsOptions: rig.tlsOptions }), {
      tlsOptions: rig.tlsOptions,
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 0 },
    });
    const name = 'rotation-through-the-api';
    const first = await client.setSecret(name, 'value-1');
    const second = await client.setSecret(name, 'value-2');
    expect(rig.standIns.keyVault.controls.versions(name)).toEqual([first.properties.version, second.properties.version]);
    expect((await client.getSecret(name)).value).toBe('value-2');
    expect((await client.getSecret(name, { version: first.properties.version! })).value).toBe('value-1');
    expect(rig.standIns.keyVault.controls.reads(name)).toBe(2);
    await expect(client.getSecret(name, { version: '0'.repeat(32) })).rejects.toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
  });

  test('a disabled version answers 403 Forbidden / SecretDisabled, the latest included; SecretClient can enable it again', async () => {
    const vault = rig.standIns.keyVault.vaultUrl;
    const headers = { Authorization: `Bearer ${await keyVaultToken()}` };
    const [placeholder] = rig.standIns.keyVault.controls.versions(DISABLED_SECRET_NAME);
    const forbidden = { error: { code: 'Forbidden', message: 'Operation get is not allowed on a disabled secret.', innererror: { code: 'SecretDisabled' } } };
    for (const path of [`${DISABLED_SECRET_NAME}/`, `${DISABLED_SECRET_NAME}/${placeholder}`]) {
      const answer = await call(`${vault}/secrets/${path}?api-version=2025-07-01`, { headers });
      expect(answer.status).toBe(403);
      expect(answer.json).toEqual(forbidden);
    }
    expect(rig.standIns.keyVault.controls.reads(DISABLED_SECRET_NAME)).toBe(0);

    const client = new SecretClient(vault, new DefaultAzureCredential({ tlsOptions: rig.tlsOptions }), {
      tlsOptions: rig.tlsOptions,
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 0 },
    });
    const name = 'disabled-through-the-api';
    const stored = await client.setSecret(name, 'value-1', { enabled: false });
    expect(stored.properties.enabled).toBe(false);
    const refused = await client.getSecret(name).catch((e: unknown) => e);
    expect(refused).toMatchObject({ statusCode: 403, code: 'Forbidden', details: { error: { innerError: { code: 'SecretDisabled' } } } });
    const enabled = await client.updateSecretProperties(name, stored.properties.version!, { enabled: true });
    expect(enabled).toMatchObject({ enabled: true, version: stored.properties.version });
    expect((await client.getSecret(name)).value).toBe('value-1');
  });

  test.each([
    [429, 'Throttled', 'Request was not processed because too many requests were received.'],
    [500, 'InternalServerError', 'Injected failure'],
    [503, 'ServiceUnavailable', 'Injected failure'],
  ])('an injected %i answers the error code that goes with it (%s)', async (status, code, message) => {
    rig.standIns.keyVault.controls.failNextRequests(1, status);
    const url = `${rig.standIns.keyVault.vaultUrl}/secrets/${SECRET_NAME}?api-version=2025-07-01`;
    const headers = { Authorization: `Bearer ${await keyVaultToken()}` };
    const failed = await call(url, { headers });
    expect(failed.status).toBe(status);
    expect((failed.json.error as { code: string }).code).toBe(code);
    expect((failed.json.error as { message: string }).message).toContain(message);
    expect((await call(url, { headers })).status).toBe(200);
  });

  test('an api-version the vault does not know is a 400 BadParameter naming it; the SDK\'s pinned and older GA versions are served', async () => {
    const headers = { Authorization: `Bearer ${await keyVaultToken()}` };
    const url = (version: string) => `${rig.standIns.keyVault.vaultUrl}/secrets/${SECRET_NAME}?api-version=${version}`;
    const unknown = await call(url('7.9'), { headers });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({
      error: { code: 'BadParameter', message: 'The specified version (7.9) is not recognized. Consider using the latest supported version (2025-07-01).' },
    });
    expect((await call(url('2024-01-01-preview'), { headers })).status).toBe(400);
    for (const version of ['7.4', '7.6', '2025-07-01']) expect((await call(url(version), { headers })).status).toBe(200);
  });

  test('the api-version @azure/keyvault-secrets pins is one the stand-in recognises', () => {
    // Not exported by the package: read from its build, so an SDK upgrade that moves the pin fails here, not in e2e.
    const models = readFileSync(join(dirname(require.resolve('@azure/keyvault-secrets/package.json')), 'dist/commonjs/secretsModels.js'), 'utf8');
    const pinned = /LATEST_API_VERSION = "([^"]+)"/.exec(models)?.[1];
    expect(pinned).toBe('2025-07-01');
    expect(KEY_VAULT_API_VERSIONS).toContain(pinned);
  });

  test('bad input gets a clear answer and the vault keeps serving: bad path encoding, oversized body, missing api-version', async () => {
    const vault = rig.standIns.keyVault.vaultUrl;
    const badPath = await call(`${vault}/secrets/%E0%A4%A/?api-version=2025-07-01`);
    expect(badPath.status).toBe(400);
    expect(String((badPath.json.error as { message: string }).message)).toContain('not valid percent-encoding');
    const big = await call(`${vault}/secrets/x?api-version=2025-07-01`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ value: 'v'.repeat(70_000) }) });
    expect(big.status).toBe(413);
    expect((await call(`${vault}/secrets/${SECRET_NAME}/`)).status).toBe(400);
    expect((await call(`${vault}/secrets/${SECRET_NAME}/?api-version=2025-07-01`)).status).toBe(401);
  });
});
