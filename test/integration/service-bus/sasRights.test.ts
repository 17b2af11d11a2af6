/**
 * SAS policies with named rights, through the real SDK: a Listen-only rule receives but cannot send, a Send rule on one
 * queue sends there and nowhere else, and the connection string's rule (the one the local stack gives the app) keeps
 * Manage, Send and Listen everywhere. Refusals are the SDK's UnauthorizedAccess with Service Bus's wording.
 */
import { startServiceBusBroker } from '../../../local/service-bus';
import { startHarness, testConfig, type Harness } from './harness';

let h: Harness;
const withRule = (keyName: string, key: string) =>
  h.broker.connectionString.replace('SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE', `SharedAccessKeyName=${keyName};SharedAccessKey=${key}`);

beforeEach(async () => {
  h = await startHarness({
    sharedAccessPolicies: [
      { keyName: 'listen-only', key: 'l1sten-key', rights: ['Listen'] },
      { keyName: 'plain-sender', key: 's3nd-key', rights: ['Send'], entityPath: 'plain' },
    ],
  });
});
afterEach(async () => {
  await h.close();
});

const failure = (promise: Promise<unknown>): Promise<{ code?: string; message?: string }> =>
  promise.then(
    () => {
      throw new Error('expected the operation to fail');
    },
    (error: { code?: string; message?: string }) => error,
  );

test('a Listen-only key cannot send: UnauthorizedAccess naming the Send claim and the resource, nothing stored', async () => {
  const listener = h.newClient(withRule('listen-only', 'l1sten-key'));
  const error = await failure(listener.createSender('plain').sendMessages({ body: 'not allowed' }));
  expect(error.code).toBe('UnauthorizedAccess');
  expect(error.message).toMatch(new RegExp(`^Unauthorized access\\. 'Send' claim\\(s\\) are required to perform this operation\\. Resource: 'sb://127\\.0\\.0\\.1:${h.broker.port}/plain'\\. TrackingId:`));
  expect(h.broker.inspect.counts('plain').active).toBe(0);

  // It may receive, settle and peek (the $management operations a receiver uses need Listen).
  await h.client.createSender('plain').sendMessages({ body: 'for the listener', messageId: 'm-1' });
  const receiver = listener.createReceiver('plain');
  expect((await receiver.peekMessages(1)).map((m) => m.messageId)).toEqual(['m-1']);
  const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  expect(message?.messageId).toBe('m-1');
  await receiver.completeMessage(message!);
  expect(h.broker.inspect.counts('plain')).toMatchObject({ active: 0, locked: 0 });
});

test("a Send rule on one queue sends there only, and cannot receive from it", async () => {
  const sender = h.newClient(withRule('plain-sender', 's3nd-key'));
  await sender.createSender('plain').sendMessages({ body: 'allowed' });
  expect(h.broker.inspect.counts('plain').active).toBe(1);

  const elsewhere = await failure(sender.createSender('work').sendMessages({ body: 'other queue' }));
  expect(elsewhere.code).toBe('UnauthorizedAccess');
  expect(elsewhere.message).toContain("InvalidAudience: The authorization header contains a token with a wrong audience: the key 'plain-sender' belongs to 'plain'.");
  expect(h.broker.inspect.counts('work').active).toBe(0);

  const receive = await failure(sender.createReceiver('plain').receiveMessages(1, { maxWaitTimeInMs: 1000 }));
  expect(receive.code).toBe('UnauthorizedAccess');
  expect(receive.message).toContain(`'Listen' claim(s) are required to perform this operation. Resource: 'sb://127.0.0.1:${h.broker.port}/plain'`);
  expect(h.broker.inspect.counts('plain').active).toBe(1);
});

test('the connection string rule (Manage) keeps Send and Listen on every entity, subscriptions and dead-letter queues included', async () => {
  await h.client.createSender('events').sendMessages({ body: 'to all', messageId: 'e-1' });
  const [fromSubscription] = await h.client.createReceiver('events', 'audit', { receiveMode: 'receiveAndDelete' }).receiveMessages(1, { maxWaitTimeInMs: 2000 });
  expect(fromSubscription?.messageId).toBe('e-1');
  expect(await h.client.createReceiver('plain', { subQueueType: 'deadLetter' }).peekMessages(1)).toEqual([]);
});

test('rules and role assignments Service Bus could not have are refused at start, naming the field', async () => {
  await expect(startServiceBusBroker({ config: testConfig(), sharedAccessPolicies: [{ keyName: 'r', key: 'k', rights: ['Read' as never] }] })).rejects.toThrow(
    'sharedAccessPolicies[0].rights must be one or more of Manage, Send, Listen; got ["Read"].',
  );
  await expect(startServiceBusBroker({ config: testConfig(), sharedAccessPolicies: [{ keyName: 'r', key: 'k', rights: ['Send'], entityPath: 'events/Subscriptions/audit' }] })).rejects.toThrow(
    "sharedAccessPolicies[0].entityPath 'events/Subscriptions/audit' is no queue or topic of this broker",
  );
  await expect(startServiceBusBroker({ config: testConfig(), sharedAccessPolicies: [{ keyName: 'RootManageSharedAccessKey', key: 'k' }] })).rejects.toThrow(
    "sharedAccessPolicies[0].keyName 'RootManageSharedAccessKey' is already used",
  );
  await expect(
    startServiceBusBroker({ config: testConfig(), entraId: { keys: { find: async () => undefined }, roleAssignments: [{ principalId: 'p', role: 'Azure Service Bus Data Reader' as never }] } }),
  ).rejects.toThrow('entraId.roleAssignments[0].role "Azure Service Bus Data Reader" is not one of: Azure Service Bus Data Owner, Azure Service Bus Data Sender, Azure Service Bus Data Receiver.');
});
