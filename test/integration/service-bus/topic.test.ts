/** Topics through the real SDK: every subscription gets its own copy; correlation filters select; subscriptions settle independently. */
import { startHarness, type Harness } from './harness';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  await h.close();
});

test('a message sent to a topic is copied to every matching subscription', async () => {
  await h.client.createSender('events').sendMessages({ body: { event: 'paid' }, messageId: 'e-1', correlationId: 'order-1' });
  const audit = h.client.createReceiver('events', 'audit');
  const billing = h.client.createReceiver('events', 'billing');
  const [fromAudit] = await audit.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  const [fromBilling] = await billing.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  expect([fromAudit.messageId, fromAudit.body, fromAudit.correlationId]).toEqual(['e-1', { event: 'paid' }, 'order-1']);
  expect([fromBilling.messageId, fromBilling.body]).toEqual(['e-1', { event: 'paid' }]);

  // Each subscription settles its own copy.
  await audit.completeMessage(fromAudit);
  await billing.abandonMessage(fromBilling);
  expect(h.broker.inspect.counts('events/Subscriptions/audit').active).toBe(0);
  expect(h.broker.inspect.counts('events/Subscriptions/billing').active).toBe(1);
  // The filtered subscription did not match (no content type, no region).
  expect(h.broker.inspect.counts('events/Subscriptions/json-only').active).toBe(0);
});

test('a correlation filter copies only messages whose properties all match', async () => {
  const sender = h.client.createSender('events');
  await sender.sendMessages([
    { body: 1, contentType: 'application/json', applicationProperties: { region: 'eu' } },
    { body: 2, contentType: 'application/json', applicationProperties: { region: 'us' } },
    { body: 3, contentType: 'text/plain', applicationProperties: { region: 'eu' } },
  ]);
  expect(h.broker.inspect.messages('events/Subscriptions/json-only').map((m) => m.body)).toEqual([1]);
  expect(h.broker.inspect.counts('events/Subscriptions/audit').active).toBe(3);
});

test('a subscription has its own dead-letter queue', async () => {
  await h.client.createSender('events').sendMessages({ body: 'bad', messageId: 'e-2' });
  const billing = h.client.createReceiver('events', 'billing');
  const [message] = await billing.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  await billing.deadLetterMessage(message, { deadLetterReason: 'Unprocessable', deadLetterErrorDescription: 'no handler' });
  const deadLetters = h.client.createReceiver('events', 'billing', { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
  const [dead] = await deadLetters.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  expect([dead.messageId, dead.deadLetterReason, dead.deadLetterSource]).toEqual(['e-2', 'Unprocessable', 'events/Subscriptions/billing']);
  expect(h.broker.inspect.counts('events/Subscriptions/audit')).toEqual({ active: 1, locked: 0, deferred: 0, deadLetter: 0 });
});
