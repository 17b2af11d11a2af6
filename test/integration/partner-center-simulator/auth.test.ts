// Bearer-token checks over real HTTP: 'any' mode and 'jwt' mode with an inline key set or a JWKS URI.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createLocalCertificates } from '../../../local/identity/certificates';
import type { PartnerCenterSimulator } from '../../../local/partner-center-simulator';
import { DOCS_CART_REQUEST, startSimulator, type SimulatorClient } from './simulatorClient';
import { newSigningKey, nowSeconds, signToken } from './tokens';

const PARTNER_TENANT = '11111111-2222-4333-8444-555555555555';
const APP_ID = '9db12087-fbc3-481c-8965-73d44ff88e27';
const key = newSigningKey('key-1');
const otherKey = newSigningKey('key-1'); // same kid, different key: a forged signature
const validClaims = () => ({ aud: 'https://api.partnercenter.microsoft.com', tid: PARTNER_TENANT, appid: APP_ID, iat: nowSeconds(), exp: nowSeconds() + 3600 });

describe("auth mode 'any'", () => {
  let sim: PartnerCenterSimulator;
  let client: SimulatorClient;
  beforeAll(async () => ({ sim, client } = await startSimulator()));
  afterAll(() => sim.stop());

  it('accepts any bearer token', async () => {
    expect((await client.createCart(DOCS_CART_REQUEST, { token: 'anything-at-all' })).status).toBe(201);
  });

  it.each([
    ['no Authorization header', null, {}],
    ['a non-bearer scheme', null, { Authorization: 'Basic dXNlcjpwYXNz' }],
    ['an empty bearer token', null, { Authorization: 'Bearer ' }],
  ])('answers 401/800001 for %s', async (_case, token, headers) => {
    const reply = await client.getCart('3e22b548-647d-4223-9675-1fcb6cb57665', { token, headers });

    expect(reply.status).toBe(401);
    expect(reply.body).toMatchObject({ code: 800001, source: 'PartnerFD' });
    expect(reply.body.description).toContain('Partner Token missing');
    expect(reply.headers.get('www-authenticate')).toContain('Bearer');
  });
});

describe("auth mode 'jwt' with an inline key set", () => {
  let sim: PartnerCenterSimulator;
  let client: SimulatorClient;
  beforeAll(async () => ({ sim, client } = await startSimulator({ auth: { mode: 'jwt', jwks: { keys: [key.jwk] }, tenantId: PARTNER_TENANT } })));
  afterAll(() => sim.stop());

  it('accepts a valid token and records its app as lastModifiedUser', async () => {
    const reply = await client.createCart(DOCS_CART_REQUEST, { token: signToken(key, validClaims()) });

    expect(reply.status).toBe(201);
    expect(reply.body.lastModifiedUser).toBe(APP_ID);
  });

  it.each([
    ['an expired token', () => signToken(key, { ...validClaims(), exp: nowSeconds() - 3600 }), 'the token expired at'],
    ['a token not valid yet', () => signToken(key, { ...validClaims(), nbf: nowSeconds() + 3600 }), 'not valid before'],
    ['the wrong audience', () => signToken(key, { ...validClaims(), aud: 'https://graph.windows.net' }), 'wrong token audience "https://graph.windows.net"'],
    ['another tenant', () => signToken(key, { ...validClaims(), tid: 'ffffffff-2222-4333-8444-555555555555' }), "the token's tenant"],
    ['a bad signature', () => signToken(otherKey, validClaims()), 'signature is invalid'],
    ['an unknown kid', () => signToken(key, validClaims(), { kid: 'key-9' }), 'no signing key with kid "key-9"'],
    ['another algorithm', () => signToken(key, validClaims(), { alg: 'HS256' }), 'expected RS256'],
    ['a token that is not a JWT', () => 'opaque-token', 'not a well-formed JWT'],
    ['a token without exp', () => signToken(key, { ...validClaims(), exp: undefined }), 'no exp claim'],
  ])('answers 401 "Access denied" for %s, saying what was wrong and never echoing the token', async (_case, makeToken, reason) => {
    const token = makeToken();

    const reply = await client.createCart(DOCS_CART_REQUEST, { token });

    expect(reply.status).toBe(401);
    expect(reply.body.code).toBe(400);
    expect(reply.body.description).toContain('Access denied');
    expect(reply.body.description).toContain(reason);
    expect(JSON.stringify(reply.body)).not.toContain(token);
    expect(sim.controls.counts().carts).toBe(1); // only the valid test's cart
  });

  it('accepts an audience list containing Partner Center and tolerates small clock skew', async () => {
    const token = signToken(key, { ...validClaims(), aud: ['other', 'https://api.partnercenter.microsoft.com'], exp: nowSeconds() - 10 });

    expect((await client.getCart('3e22b548-647d-4223-9675-1fcb6cb57665', { token })).status).toBe(404);
  });
});

describe("auth mode 'jwt' with a JWKS URI", () => {
  let jwksServer: http.Server;
  let keys = [key.jwk];
  let fetches = 0;
  let sim: PartnerCenterSimulator;
  let client: SimulatorClient;

  beforeAll(async () => {
    jwksServer = http.createServer((_req, res) => {
      fetches += 1;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/discovery/keys`;
    ({ sim, client } = await startSimulator({ auth: { mode: 'jwt', jwksUri, tenantId: PARTNER_TENANT } }));
  });
  afterAll(async () => {
    await sim.stop();
    jwksServer.closeAllConnections();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  it('fetches the key set once, caches it, and fetches again when a rotated key appears', async () => {
    const token = signToken(key, validClaims());
    expect((await client.createCart(DOCS_CART_REQUEST, { token })).status).toBe(201);
    expect((await client.createCart(DOCS_CART_REQUEST, { token })).status).toBe(201);
    expect(fetches).toBe(1);

    const rotated = newSigningKey('key-2');
    keys = [key.jwk, rotated.jwk];
    const reply = await client.createCart(DOCS_CART_REQUEST, { token: signToken(rotated, validClaims()) });

    expect(reply.status).toBe(201);
    expect(fetches).toBe(2);
  });

  it('refetches at most once for a kid that stays unknown', async () => {
    const before = fetches;
    const bogus = signToken(key, validClaims(), { kid: 'never-published' });

    const replies = [await client.getCart('3e22b548-647d-4223-9675-1fcb6cb57665', { token: bogus }), await client.getCart('3e22b548-647d-4223-9675-1fcb6cb57665', { token: bogus })];

    expect(replies.map((r) => r.status)).toEqual([401, 401]);
    expect(replies[1].body.description).toContain('no signing key with kid "never-published"');
    expect(fetches - before).toBe(1);
  });

  it('says so when the key set cannot be fetched', async () => {
    const unreachable = await startSimulator({ auth: { mode: 'jwt', jwksUri: 'http://127.0.0.1:1/keys', tenantId: PARTNER_TENANT } });
    try {
      const reply = await unreachable.client.getCart('3e22b548-647d-4223-9675-1fcb6cb57665', { token: signToken(key, validClaims()) });

      expect(reply.status).toBe(401);
      expect(reply.body.description).toContain('signing keys could not be loaded');
    } finally {
      await unreachable.sim.stop();
    }
  });
});

describe("auth mode 'jwt' with an HTTPS JWKS URI signed by a private CA (like the Entra ID stand-in)", () => {
  const certificates = createLocalCertificates();
  let jwksServer: https.Server;
  let jwksUri: string;

  beforeAll(async () => {
    jwksServer = https.createServer({ cert: certificates.serverCertPem, key: certificates.serverKeyPem }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [key.jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUri = `https://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/${PARTNER_TENANT}/discovery/v2.0/keys`;
  });
  afterAll(async () => {
    jwksServer.closeAllConnections();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  it.each([
    ['trusts the key set when given the CA', true, 201],
    ['refuses tokens when the CA is not trusted', false, 401],
  ])('%s', async (_case, withCa, status) => {
    const { sim, client } = await startSimulator({ auth: { mode: 'jwt', jwksUri, jwksCa: withCa ? certificates.caCertPem : undefined, tenantId: PARTNER_TENANT } });
    try {
      const reply = await client.createCart(DOCS_CART_REQUEST, { token: signToken(key, validClaims()) });

      expect(reply.status).toBe(status);
      if (!withCa) expect(reply.body.description).toContain('signing keys could not be loaded');
    } finally {
      await sim.stop();
    }
  });
});
