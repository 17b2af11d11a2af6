// The whole credential chain with real SDKs over TLS: managed identity → Key Vault → secret → Entra ID token →
// the Partner Center simulator (jwt mode, keys fetched from the Entra ID stand-in's JWKS) → the Partner Center client.

import { inspect } from 'node:util';
import { startPartnerCenterSimulator, type PartnerCenterSimulator } from '../../../local/partner-center-simulator';
import { createPartnerCenterCredentials } from '../../../shared/credentials';
import { createPartnerCenterClient, type PartnerCenterClient } from '../../../shared/partner-center/client';
import { PartnerCenterAuthError } from '../../../shared/partner-center/errors';
import type { TokenOverride } from '../../../local/identity/entraIdServer';
import { CLIENT_ID, expectNoneContain, FIRST_SECRET, SECOND_SECRET, SECRET_NAME, startCredentialRig, type CredentialRig } from './support';

const CUSTOMER = '0d3c3a53-1d4e-4b6a-9c55-7e2b1f0a9d11';
let rig: CredentialRig;
let simulator: PartnerCenterSimulator;
const thrown: unknown[] = [];
const tokensSeen = new Set<string>();

beforeAll(async () => {
  rig = await startCredentialRig();
  simulator = await startPartnerCenterSimulator({
    port: 0,
    auth: { mode: 'jwt', jwksUri: rig.standIns.entraId.jwksUri, jwksCa: rig.standIns.caCertPem, tenantId: rig.standIns.tenantId },
    // The partner's one customer; any other GUID is refused 404/60003, as the service does.
    knobs: { knownCustomers: [CUSTOMER] },
  });
});

afterAll(async () => {
  const haystacks = [...rig.logs(), ...thrown.map((e) => inspect(e, { depth: 10, showHidden: true }))];
  expect(tokensSeen.size).toBeGreaterThan(3);
  expectNoneContain(haystacks, [FIRST_SECRET, SECOND_SECRET, ...tokensSeen]);
  await simulator.stop();
  await rig.stop();
});

/** A client wired exactly as the app wires it: settings → secret source → token provider → client. */
function appClient(now?: () => number): PartnerCenterClient {
  const config = rig.config({ PARTNER_CENTER_BASE_URL: simulator.url });
  const { logger: _logger, ...sourceOptions } = rig.secretSourceOptions();
  const { tokenProvider: provider } = createPartnerCenterCredentials(config, {
    secretSource: sourceOptions,
    credentialOptions: { tlsOptions: rig.tlsOptions, retryOptions: { maxRetries: 0 } },
    logger: rig.logger,
    now,
  });
  return createPartnerCenterClient({
    baseUrl: config.partnerCenter.baseUrl,
    applicationName: config.partnerCenter.applicationName,
    maxTransientRetries: 0,
    tokenProvider: {
      getToken: async () => {
        const token = await provider.getToken();
        tokensSeen.add(token);
        return token;
      },
      invalidate: (token) => provider.invalidate(token),
    },
  });
}

const ctx = (n: number) => ({ requestId: `c0ffee00-0000-4000-8000-${String(n).padStart(12, '0')}`, correlationId: 'chain-test' });
const statuses = (from: number) => simulator.controls.requestLog().slice(from).map((e) => e.status);

test('100 Partner Center calls cost exactly 1 Entra ID token request and 1 Key Vault read', async () => {
  const { entraId, keyVault } = rig.standIns;
  const before = { tokens: entraId.controls.tokenRequests(CLIENT_ID).total, reads: keyVault.controls.reads(SECRET_NAME), log: simulator.controls.requestLog().length };
  const client = appClient();

  const cart = await client.createCart(CUSTOMER, [{ catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BPS6', quantity: 1, billingCycle: 'monthly' }], ctx(0));
  expect(cart.id).toEqual(expect.any(String));
  for (let i = 1; i < 50; i++) await client.listOrders(CUSTOMER, ctx(i));
  await Promise.all(Array.from({ length: 50 }, (_, i) => client.listOrders(CUSTOMER, ctx(50 + i))));

  expect(statuses(before.log)).toEqual(Array(100).fill(200).map((s, i) => (i === 0 ? 201 : s)));
  expect(entraId.controls.tokenRequests(CLIENT_ID).total - before.tokens).toBe(1);
  expect(keyVault.controls.reads(SECRET_NAME) - before.reads).toBe(1);
  // Key Vault was reached with a managed identity token from the stand-in (the first and only one in this process).
  expect(rig.standIns.managedIdentity.controls.tokenRequests('https://vault.azure.net')).toBe(1);
  expect(keyVault.controls.challenges()).toBe(1);
});

test.each<[string, TokenOverride]>([
  ['an exp in the past', { expiresInSeconds: -600 }],
  ['the wrong audience', { audience: 'https://graph.windows.net' }],
  ['the wrong tenant', { tenantId: '99999999-9999-4999-8999-999999999999' }],
])('a token with %s is refused by the simulator (401) and the client recovers with one fresh token', async (_name, override) => {
  const { entraId, keyVault } = rig.standIns;
  const before = { tokens: entraId.controls.tokenRequests(CLIENT_ID).issued, reads: keyVault.controls.reads(SECRET_NAME), log: simulator.controls.requestLog().length };
  entraId.controls.overrideNextTokens(override);
  const client = appClient();

  await client.listOrders(CUSTOMER, ctx(200));
  await client.listOrders(CUSTOMER, ctx(201));

  expect(statuses(before.log)).toEqual([401, 200, 200]);
  expect(entraId.controls.tokenRequests(CLIENT_ID).issued - before.tokens).toBe(2);
  expect(keyVault.controls.reads(SECRET_NAME) - before.reads).toBe(1); // a refused token is not a refused secret
});

test('two refused tokens in a row end in a non-retryable PartnerCenterAuthError after exactly one refresh', async () => {
  const before = { tokens: rig.standIns.entraId.controls.tokenRequests(CLIENT_ID).issued, log: simulator.controls.requestLog().length };
  rig.standIns.entraId.controls.overrideNextTokens({ expiresInSeconds: -600 }, { audience: 'https://graph.windows.net' });
  const client = appClient();
  let error: unknown;
  try {
    await client.listOrders(CUSTOMER, ctx(300));
  } catch (e) {
    error = e;
    thrown.push(e);
  }
  expect(error).toBeInstanceOf(PartnerCenterAuthError);
  expect(error).toMatchObject({ kind: 'auth', status: 401 });
  expect(statuses(before.log)).toEqual([401, 401]);
  expect(rig.standIns.entraId.controls.tokenRequests(CLIENT_ID).issued - before.tokens).toBe(2);
});

test('a secret rotated in Key Vault and revoked at Entra ID is picked up by the running client with one re-read', async () => {
  const { entraId, keyVault } = rig.standIns;
  let clock = Date.now();
  const client = appClient(() => clock);
  const before = { reads: keyVault.controls.reads(SECRET_NAME), requests: entraId.controls.tokenRequests(CLIENT_ID), log: simulator.controls.requestLog().length };
  await client.listOrders(CUSTOMER, ctx(400));

  keyVault.controls.setSecret(SECRET_NAME, SECOND_SECRET);
  entraId.controls.setClientSecrets(CLIENT_ID, [SECOND_SECRET]);
  try {
    clock += 3600_000;
    await client.listOrders(CUSTOMER, ctx(401));
    await client.listOrders(CUSTOMER, ctx(402));
    expect(statuses(before.log)).toEqual([200, 200, 200]);
    expect(keyVault.controls.reads(SECRET_NAME) - before.reads).toBe(2);
    const after = entraId.controls.tokenRequests(CLIENT_ID);
    expect({ issued: after.issued - before.requests.issued, rejected: after.rejected - before.requests.rejected }).toEqual({ issued: 2, rejected: 1 });
  } finally {
    keyVault.controls.setSecret(SECRET_NAME, FIRST_SECRET);
    entraId.controls.setClientSecrets(CLIENT_ID, [FIRST_SECRET]);
  }
});
