/** Small wire-level pieces: SAS token checks, lock token ↔ delivery tag, correlation filters, duplicate windows. */
import { createHmac } from 'node:crypto';
import * as fc from 'fast-check';
import { audiencePath, ConnectionState } from '../../../local/service-bus/connectionState';
import { subscriptionAccepts } from '../../../local/service-bus/correlationFilter';
import { DuplicateDetector } from '../../../local/service-bus/duplicateDetector';
import { deliveryTagFor, uuidBytes, uuidString } from '../../../local/service-bus/lockToken';
import { checkSasToken } from '../../../local/service-bus/sasToken';

const keys = [{ keyName: 'RootManageSharedAccessKey', key: 'SAS_KEY_VALUE' }];
const audience = 'sb://127.0.0.1:5672/orders';

/** Built the way @azure/core-amqp builds it (auth/tokenProvider.js), independently of the broker code. */
function sasToken(key: string, expirySeconds: number, forAudience = audience, keyName = 'RootManageSharedAccessKey'): string {
  const sr = encodeURIComponent(forAudience);
  const sig = encodeURIComponent(createHmac('sha256', key).update(`${sr}\n${expirySeconds}`).digest('base64'));
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${expirySeconds}&skn=${keyName}`;
}

const inAnHour = Math.floor(Date.now() / 1000) + 3600;

test('a token signed with the configured key for this audience is accepted until it expires', () => {
  expect(checkSasToken(sasToken('SAS_KEY_VALUE', inAnHour), audience, keys)).toEqual({
    ok: true,
    expiresAt: inAnHour * 1000,
    grants: [{ scope: '', rights: new Set(['Manage', 'Send', 'Listen']) }],
  });
});

test("a rule's rights are what its tokens grant, Manage bringing Send and Listen; an entity's rule grants on that entity", () => {
  const rules = [
    { keyName: 'listen', key: 'L', rights: ['Listen'] as const },
    { keyName: 'manage', key: 'M', rights: ['Manage'] as const, entityPath: 'Orders' },
  ];
  expect(checkSasToken(sasToken('L', inAnHour, audience, 'listen'), audience, rules)).toMatchObject({ ok: true, grants: [{ scope: '', rights: new Set(['Listen']) }] });
  expect(checkSasToken(sasToken('M', inAnHour, audience, 'manage'), audience, rules)).toMatchObject({ ok: true, grants: [{ scope: 'orders', rights: new Set(['Manage', 'Send', 'Listen']) }] });
  const elsewhere = 'sb://127.0.0.1:5672/other';
  expect(checkSasToken(sasToken('M', inAnHour, elsewhere, 'manage'), elsewhere, rules)).toMatchObject({ ok: false, status: 401, description: expect.stringContaining("InvalidAudience: The authorization header contains a token with a wrong audience: the key 'manage' belongs to 'Orders'.") });
});

test.each([
  ['a different key', sasToken('other', inAnHour), 'InvalidSignature'],
  ['an unknown key name', sasToken('SAS_KEY_VALUE', inAnHour, audience, 'reader'), "unknown SharedAccessKeyName 'reader'"],
  ['an expired token', sasToken('SAS_KEY_VALUE', Math.floor(Date.now() / 1000) - 10), 'ExpiredToken'],
  ['another audience', sasToken('SAS_KEY_VALUE', inAnHour, 'sb://127.0.0.1:5672/other'), 'InvalidAudience'],
  ['not a SAS token', 'Bearer abc', 'InvalidToken'],
])('a token with %s is refused with 401', (_case, token, reason) => {
  const check = checkSasToken(token, audience, keys);
  expect(check).toMatchObject({ ok: false, status: 401 });
  expect(!check.ok && check.description).toContain(reason);
});

test('the delivery tag of a lock token reads back as that token the way the SDK reorders it', () => {
  const reorder = (tag: Buffer) => Buffer.from([3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15].map((i) => tag[i]));
  fc.assert(
    fc.property(fc.uuid(), (token) => {
      const tag = deliveryTagFor(token);
      expect(tag).toHaveLength(16);
      expect(uuidString(reorder(tag))).toBe(token);
      expect(uuidString(uuidBytes(token))).toBe(token);
    }),
  );
});

test('a CBS grant covers its path and the paths under it, until it expires', () => {
  const state = new ConnectionState();
  expect(audiencePath('sb://127.0.0.1:5672/order-results/Subscriptions/erp/$management')).toBe('order-results/subscriptions/erp/$management');
  state.authorise('sb://127.0.0.1:5672/orders', Date.now() + 60_000, []);
  state.authorise('sb://127.0.0.1:5672/gone', Date.now() - 1, []);
  expect(state.isAuthorised('orders')).toBe(true);
  expect(state.isAuthorised('Orders/$DeadLetterQueue')).toBe(true);
  expect(state.isAuthorised('orders-archive')).toBe(false);
  expect(state.isAuthorised('gone')).toBe(false);
  state.authorise('sb://127.0.0.1:5672/', Date.now() + 60_000, []);
  expect(state.isAuthorised('anything/at/all')).toBe(true);
});

test("a token's rights apply where both the token and the grant's scope cover the address", () => {
  const state = new ConnectionState();
  const listenOnOrders = { scope: 'orders', rights: new Set(['Listen'] as const) };
  const sendEverywhere = { scope: '', rights: new Set(['Send'] as const) };
  state.authorise('sb://127.0.0.1:5672/orders', Date.now() + 60_000, [listenOnOrders]);
  state.authorise('sb://127.0.0.1:5672/order-results', Date.now() + 60_000, [sendEverywhere]);
  state.authorise('sb://127.0.0.1:5672/old', Date.now() - 1, [sendEverywhere]);
  expect([...state.rightsAt('orders')]).toEqual(['Listen']);
  expect([...state.rightsAt('orders/$DeadLetterQueue')]).toEqual(['Listen']);
  expect([...state.rightsAt('order-results/Subscriptions/erp')]).toEqual(['Send']);
  expect([...state.rightsAt('old')]).toEqual([]);
  expect([...state.rightsAt('orders-archive')]).toEqual([]);
  expect(state.resource('orders')).toBe('sb://127.0.0.1:5672/orders');
});

test('correlation rules match when every given property matches; any matching rule selects', () => {
  const rule = (correlation: object) => ({ name: 'r', filter: { kind: 'correlation' as const, correlation } });
  const message = { body: 1, correlation_id: 'erp-1', subject: 'paid', content_type: 'application/json', application_properties: { region: 'eu', tier: 2 } };
  expect(subscriptionAccepts([], message)).toBe(true);
  expect(subscriptionAccepts([rule({ correlationId: 'erp-1', subject: 'paid', applicationProperties: { region: 'eu', tier: 2 } })], message)).toBe(true);
  expect(subscriptionAccepts([rule({ correlationId: 'erp-1', subject: 'refunded' })], message)).toBe(false);
  expect(subscriptionAccepts([rule({ applicationProperties: { region: 'us' } }), rule({ contentType: 'application/json' })], message)).toBe(true);
  expect(subscriptionAccepts([{ name: 'none', filter: { kind: 'constant', matches: false } }], message)).toBe(false);
});

test('a message id is a duplicate only inside the detection window', () => {
  const detector = new DuplicateDetector(1000);
  expect(detector.isDuplicate('a', 0)).toBe(false);
  expect(detector.isDuplicate('a', 500)).toBe(true);
  expect(detector.isDuplicate('b', 600)).toBe(false);
  expect(detector.isDuplicate('a', 1001)).toBe(false);
  expect(detector.isDuplicate(undefined, 1002)).toBe(false);
  expect(detector.isDuplicate(undefined, 1003)).toBe(false);
});
