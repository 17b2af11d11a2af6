/**
 * CBS put-tokens of type `jwt` (Microsoft Entra access tokens): the broker takes only RS256 tokens signed by the Entra
 * ID stand-in's published keys, for https://servicebus.azure.net, from its tenant and unexpired, and answers anything
 * else with 401 in Service Bus's words. What an accepted token's principal may do is its role assignments: here the
 * app's managed identity as infra/app/rbac/servicebus.bicep grants it (Data Owner on the queue, Data Sender on the
 * topic) and an ERP client with Data Receiver on the queue only. Tokens come from the real stand-ins (managed identity endpoint and Entra ID's
 * token endpoint) over HTTPS. A bare rhea client puts them: @azure/service-bus sends credential tokens only over TLS
 * (core-amqp ConnectionContextBase uses TCP only with UseDevelopmentEmulator, which a TokenCredential cannot set).
 */
import { request } from 'node:https';
import type { AmqpError, Connection } from 'rhea';
import { remoteKeySet } from '../../../local/identity/jwks';
import { createSigningKey, signJwt } from '../../../local/identity/signingKeys';
import { startIdentityStandIns, type IdentityStandIns } from '../../../local/identity';
import { startHarness, type Harness } from './harness';
import { cbsRequest, closeRawConnection, openRawConnection, sendRaw } from './rawClient';

const ERP_CLIENT = '5a0c7e1d-2b3f-4c5d-8e9f-0a1b2c3d4e5f';
const ERP_SECRET = 'local-test-erp-secret';

let identity: IdentityStandIns;
let h: Harness;
let connection: Connection;
let erpObjectId: string;

beforeAll(async () => {
  identity = await startIdentityStandIns({ clients: [{ clientId: ERP_CLIENT, secrets: [ERP_SECRET] }] });
  erpObjectId = String(claimsOf(await clientToken()).oid);
});
afterAll(async () => {
  await identity.stop();
});
beforeEach(async () => {
  const app = identity.managedIdentity.principalId;
  h = await startHarness({
    entraId: {
      keys: remoteKeySet(identity.entraId.jwksUri, identity.caCertPem),
      tenantId: identity.tenantId,
      roleAssignments: [
        { principalId: app, role: 'Azure Service Bus Data Owner', entityPath: 'plain' },
        { principalId: app, role: 'Azure Service Bus Data Sender', entityPath: 'events' },
        { principalId: erpObjectId, role: 'Azure Service Bus Data Receiver', entityPath: 'plain' },
      ],
    },
  });
  connection = await openRawConnection(h.broker.port);
});
afterEach(async () => {
  await closeRawConnection(connection);
  await h.close();
});

function getJson(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, ca: identity.caCertPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** The app's managed identity token, as DefaultAzureCredential gets it on App Service. */
async function managedIdentityToken(resource: string): Promise<string> {
  const url = `${identity.managedIdentity.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent(resource)}`;
  const answer = await getJson(url, { headers: { 'X-IDENTITY-HEADER': identity.managedIdentity.header } });
  return String(answer.access_token);
}

/** A client-credentials token, as ClientSecretCredential gets it for the SDK's scope. */
async function clientToken(scope = 'https://servicebus.azure.net//.default'): Promise<string> {
  const answer = await getJson(`${identity.entraId.authorityHost}/${identity.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: ERP_CLIENT, client_secret: ERP_SECRET, scope }).toString(),
  });
  return String(answer.access_token);
}

const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));

function putJwt(token: string, entity = 'plain'): Promise<Record<string, unknown>> {
  const audience = `sb://127.0.0.1:${h.broker.port}/${entity}`;
  return cbsRequest(connection, { body: token, application_properties: { operation: 'put-token', name: audience, type: 'jwt' } });
}

/**
 * Attaches a link: null when it stays open, else the error it was closed with. A refusal is an attach answered and
 * detached at once (the broker writes both frames in the same turn), so an open link is given 200 ms to be closed.
 */
function attach(kind: 'sender' | 'receiver', address: string): Promise<AmqpError | null> {
  return new Promise((resolve) => {
    const link = kind === 'sender' ? connection.open_sender({ target: { address } }) : connection.open_receiver({ source: { address }, credit_window: 0 });
    link.once(`${kind}_open`, () => setTimeout(() => resolve(null), 200));
    link.once(`${kind}_close`, () => resolve((link.error as AmqpError | undefined) ?? { condition: 'closed without error' }));
  });
}

async function expectRefused(token: string, description: RegExp): Promise<void> {
  const answer = await putJwt(token);
  expect(answer['status-code']).toBe(401);
  expect(String(answer['status-description'])).toMatch(description);
  expect(String(answer['status-description'])).toMatch(/TrackingId:\w+_G0, SystemTracker:local-service-bus, Timestamp:\d{4}-/);
  // Nothing was authorised: a send to the entity is refused at attach.
  expect((await attach('sender', 'plain'))?.condition).toBe('amqp:unauthorized-access');
  expect(h.broker.inspect.counts('plain').active).toBe(0);
}

test("the app's managed identity token is accepted and may do what its roles allow: send to the queue and the topic", async () => {
  const token = await managedIdentityToken('https://servicebus.azure.net');
  expect(claimsOf(token)).toMatchObject({ aud: 'https://servicebus.azure.net', oid: identity.managedIdentity.principalId });
  expect(await putJwt(token, 'plain')).toMatchObject({ 'status-code': 202 });
  expect(await putJwt(token, 'events')).toMatchObject({ 'status-code': 202 });
  expect(await sendRaw(connection, 'plain', { body: 'an order' })).toEqual({ outcome: 'accepted' });
  expect(await sendRaw(connection, 'events', { body: 'an outcome' })).toEqual({ outcome: 'accepted' });
  expect(h.broker.inspect.counts('plain').active).toBe(1);
  expect(h.broker.inspect.counts('events/Subscriptions/audit').active).toBe(1);
});

test('a principal with only Data Receiver on the queue may receive from it but not send to it or to the topic', async () => {
  const token = await clientToken();
  expect(await putJwt(token, 'plain')).toMatchObject({ 'status-code': 202 });
  expect(await putJwt(token, 'events')).toMatchObject({ 'status-code': 202 });
  expect(await attach('receiver', 'plain')).toBeNull();

  const toTopic = await attach('sender', 'events');
  expect(toTopic?.condition).toBe('amqp:unauthorized-access');
  expect(toTopic?.description).toMatch(
    new RegExp(`^Unauthorized access\\. 'Send' claim\\(s\\) are required to perform this operation\\. Resource: 'sb://127\\.0\\.0\\.1:${h.broker.port}/events'\\. TrackingId:`),
  );
  expect((await attach('sender', 'plain'))?.description).toContain("'Send' claim(s) are required to perform this operation. Resource:");
  // The topic's subscriptions are not the queue: no Listen there either.
  expect(await putJwt(token, 'events/Subscriptions/audit')).toMatchObject({ 'status-code': 202 });
  expect((await attach('receiver', 'events/Subscriptions/audit'))?.description).toContain("'Listen' claim(s) are required");
  expect(h.broker.inspect.counts('events/Subscriptions/audit').active).toBe(0);
});

test('a valid token of a principal without any role assignment is accepted by CBS and can attach nothing', async () => {
  identity.entraId.controls.registerClient({ clientId: 'f0f0f0f0-0000-4000-8000-000000000001', secrets: ['s'] });
  const answer = await getJson(`${identity.entraId.authorityHost}/${identity.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'f0f0f0f0-0000-4000-8000-000000000001', client_secret: 's', scope: 'https://servicebus.azure.net//.default' }).toString(),
  });
  expect(await putJwt(String(answer.access_token), 'plain')).toMatchObject({ 'status-code': 202 });
  expect((await attach('receiver', 'plain'))?.description).toContain("'Listen' claim(s) are required");
  expect((await attach('sender', 'plain'))?.description).toContain("'Send' claim(s) are required");
});

test('a client-credentials token for the SDK scope https://servicebus.azure.net//.default is accepted', async () => {
  const token = await clientToken();
  // The stand-in keeps the scope's trailing slash in aud ("https://servicebus.azure.net/"); the broker takes both forms.
  expect(claimsOf(token)).toMatchObject({ aud: expect.stringMatching(/^https:\/\/servicebus\.azure\.net\/?$/), appid: ERP_CLIENT, tid: identity.tenantId });
  expect(await putJwt(token)).toMatchObject({ 'status-code': 202 });
});

test("an unsigned (alg none) token for Key Vault's audience is refused with 401 and authorises nothing", async () => {
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const claims = Buffer.from(JSON.stringify({ aud: 'https://vault.azure.net', tid: identity.tenantId, oid: 'someone', exp: now + 600 })).toString('base64url');
  await expectRefused(`${header}.${claims}.`, /^InvalidSignature: The token has an invalid signature \(token algorithm "none" is not accepted; expected RS256\)\./);
});

test('a genuine token for another resource (Key Vault) is refused as InvalidAudience', async () => {
  await expectRefused(await managedIdentityToken('https://vault.azure.net'), /^InvalidAudience: Invalid authorization token audience 'https:\/\/vault.azure.net'/);
});

test('an expired token is refused as ExpiredToken', async () => {
  identity.entraId.controls.overrideNextTokens({ expiresInSeconds: -600 });
  await expectRefused(await clientToken(), /^ExpiredToken: The token is expired\. Expiration time: '\d{4}-/);
});

test("another tenant's token is refused as InvalidIssuer", async () => {
  identity.entraId.controls.overrideNextTokens({ tenantId: '00000000-0000-0000-0000-00000000beef' });
  await expectRefused(await clientToken(), /^InvalidIssuer: Token issuer is invalid\./);
});

test('a token signed by a key the issuer never published is refused as InvalidSignature', async () => {
  const stranger = createSigningKey();
  await expectRefused(signJwt(stranger, claimsOf(await clientToken())), /^InvalidSignature: The token has an invalid signature \(no signing key with kid/);
});

test('a broker given no Entra ID key set refuses every jwt put-token, naming the option', async () => {
  const bare = await startHarness();
  const bareConnection = await openRawConnection(bare.broker.port);
  try {
    const token = await clientToken();
    const answer = await cbsRequest(bareConnection, {
      body: token,
      application_properties: { operation: 'put-token', name: `sb://127.0.0.1:${bare.broker.port}/plain`, type: 'jwt' },
    });
    expect(answer['status-code']).toBe(401);
    expect(String(answer['status-description'])).toContain("option 'entraId.keys', CLI --jwks-uri");
  } finally {
    await closeRawConnection(bareConnection);
    await bare.close();
  }
});
