/**
 * Queues through the real @azure/service-bus client: both receive modes, message properties end to end, batches,
 * peek, duplicate detection, and a 1,000-message run with nothing lost or duplicated.
 */
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { startHarness, type Harness } from './harness';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  await h.close();
});

test('peek-lock receive and complete removes the message; properties survive end to end', async () => {
  const sender = h.client.createSender('plain');
  await sender.sendMessages({
    body: { orderId: 'o-1', quantity: 3 },
    messageId: 'msg-1',
    correlationId: 'erp-42',
    subject: 'order.created',
    contentType: 'application/json',
    applicationProperties: { source: 'erp', priority: 7, urgent: true },
    timeToLive: 120_000,
  });
  const receiver = h.client.createReceiver('plain');
  const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });

  expect(message.body).toEqual({ orderId: 'o-1', quantity: 3 });
  expect(message.messageId).toBe('msg-1');
  expect(message.correlationId).toBe('erp-42');
  expect(message.subject).toBe('order.created');
  expect(message.contentType).toBe('application/json');
  expect(message.applicationProperties).toEqual({ source: 'erp', priority: 7, urgent: true });
  expect(message.timeToLive).toBe(120_000);
  expect(message.sequenceNumber?.toNumber()).toBe(1);
  expect(message.enqueuedTimeUtc).toBeInstanceOf(Date);
  expect(message.expiresAtUtc?.getTime()).toBe((message.enqueuedTimeUtc as Date).getTime() + 120_000);
  expect(message.lockToken).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(message.lockedUntilUtc!.getTime()).toBeGreaterThan(message.enqueuedTimeUtc!.getTime());
  expect(message.deliveryCount).toBe(0);
  expect(h.broker.inspect.counts('plain')).toEqual({ active: 0, locked: 1, deferred: 0, deadLetter: 0 });

  await receiver.completeMessage(message);
  expect(h.broker.inspect.counts('plain')).toEqual({ active: 0, locked: 0, deferred: 0, deadLetter: 0 });
});

test('receive-and-delete takes messages off the queue as they are delivered', async () => {
  await h.client.createSender('plain').sendMessages([{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
  const receiver = h.client.createReceiver('plain', { receiveMode: 'receiveAndDelete' });
  const first = await receiver.receiveMessages(2, { maxWaitTimeInMs: 2000 });
  expect(first.map((m) => m.body)).toEqual(['a', 'b']);
  expect(first.every((m) => m.lockToken === undefined)).toBe(true);
  expect(h.broker.inspect.counts('plain').active).toBe(1);
  const rest = await receiver.receiveMessages(5, { maxWaitTimeInMs: 300 });
  expect(rest.map((m) => m.body)).toEqual(['c']);
  expect(h.broker.inspect.counts('plain')).toEqual({ active: 0, locked: 0, deferred: 0, deadLetter: 0 });
});

test('a batch is stored as its individual messages, in order, with max_message_size from the broker', async () => {
  const sender = h.client.createSender('plain');
  const batch = await sender.createMessageBatch();
  expect(batch.maxSizeInBytes).toBe(262_144);
  for (let i = 0; i < 5; i++) expect(batch.tryAddMessage({ body: { i }, messageId: `b-${i}` })).toBe(true);
  await sender.sendMessages(batch);
  expect(h.broker.inspect.messages('plain').map((m) => [m.messageId, m.body, m.sequenceNumber])).toEqual([
    ['b-0', { i: 0 }, 1],
    ['b-1', { i: 1 }, 2],
    ['b-2', { i: 2 }, 3],
    ['b-3', { i: 3 }, 4],
    ['b-4', { i: 4 }, 5],
  ]);
});

test('a message larger than max_message_size is refused by the SDK before it leaves', async () => {
  const sender = h.client.createSender('plain');
  await expect(sender.sendMessages({ body: 'x'.repeat(300_000) })).rejects.toMatchObject({ code: 'MessageSizeExceeded' });
  expect(h.broker.inspect.counts('plain').active).toBe(0);
});

test('peek returns messages in sequence order without locking them, and pages on', async () => {
  await h.client.createSender('plain').sendMessages([1, 2, 3, 4].map((n) => ({ body: n })));
  const receiver = h.client.createReceiver('plain');
  const firstPage = await receiver.peekMessages(3);
  const secondPage = await receiver.peekMessages(3);
  expect(firstPage.map((m) => [m.body, m.sequenceNumber?.toNumber()])).toEqual([[1, 1], [2, 2], [3, 3]]);
  expect(secondPage.map((m) => m.body)).toEqual([4]);
  expect(await receiver.peekMessages(3)).toEqual([]);
  expect(h.broker.inspect.counts('plain')).toEqual({ active: 4, locked: 0, deferred: 0, deadLetter: 0 });
});

test('duplicate message ids within the window are accepted and dropped', async () => {
  const sender = h.client.createSender('work');
  await sender.sendMessages({ body: 'first', messageId: 'order-7' });
  await sender.sendMessages({ body: 'again', messageId: 'order-7' });
  await sender.sendMessages([{ body: 'other', messageId: 'order-8' }, { body: 'in batch', messageId: 'order-7' }]);
  expect(h.broker.inspect.messages('work').map((m) => [m.messageId, m.body])).toEqual([
    ['order-7', 'first'],
    ['order-8', 'other'],
  ]);
  // A queue without RequiresDuplicateDetection keeps both.
  const plain = h.client.createSender('plain');
  await plain.sendMessages({ body: 1, messageId: 'same' });
  await plain.sendMessages({ body: 2, messageId: 'same' });
  expect(h.broker.inspect.counts('plain').active).toBe(2);
});

test('an expired message is not delivered; with DeadLetteringOnMessageExpiration it is dead-lettered', async () => {
  const config = {
    UserConfig: {
      Namespaces: [
        {
          Name: 'sbemulatorns',
          Queues: [{ Name: 'short', Properties: {} }, { Name: 'kept', Properties: { DeadLetteringOnMessageExpiration: true } }],
        },
      ],
    },
  };
  const expiring = await startHarness({ config });
  try {
    await expiring.client.createSender('short').sendMessages({ body: 'stale', timeToLive: 50 });
    await expiring.client.createSender('kept').sendMessages({ body: 'stale', messageId: 'ttl-1', timeToLive: 50 });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await expiring.client.createReceiver('short').receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]);
    expect(expiring.broker.inspect.counts('short')).toEqual({ active: 0, locked: 0, deferred: 0, deadLetter: 0 });
    expect(expiring.broker.inspect.counts('kept')).toEqual({ active: 0, locked: 0, deferred: 0, deadLetter: 1 });
    expect(expiring.broker.inspect.deadLetters('kept')[0]).toMatchObject({ messageId: 'ttl-1', deadLetterReason: 'TTLExpiredException' });
  } finally {
    await expiring.close();
  }
});

test('1,000 messages sent in batches are all received once, none lost or duplicated', async () => {
  const total = 1000;
  const sender = h.client.createSender('work');
  let batch = await sender.createMessageBatch();
  for (let i = 0; i < total; i++) {
    const message = { body: { n: i }, messageId: `bulk-${i}` };
    if (!batch.tryAddMessage(message)) {
      await sender.sendMessages(batch);
      batch = await sender.createMessageBatch();
      batch.tryAddMessage(message);
    }
  }
  await sender.sendMessages(batch);
  expect(h.broker.inspect.counts('work').active).toBe(total);

  const receiver = h.client.createReceiver('work', { receiveMode: 'receiveAndDelete' });
  const seen = new Map<number, number>();
  let received: ServiceBusReceivedMessage[];
  do {
    received = await receiver.receiveMessages(250, { maxWaitTimeInMs: 500 });
    for (const m of received) seen.set(m.body.n, (seen.get(m.body.n) ?? 0) + 1);
  } while (received.length > 0);

  expect(seen.size).toBe(total);
  expect([...seen.values()].every((count) => count === 1)).toBe(true);
  expect(h.broker.inspect.counts('work').active).toBe(0);
});

test('competing subscribers on two connections complete every message exactly once', async () => {
  const total = 200;
  await h.client.createSender('plain').sendMessages(Array.from({ length: total }, (_, i) => ({ body: i })));
  const seen: number[] = [];
  const subscriptions = [h.client, h.newClient()].map((client) =>
    client.createReceiver('plain').subscribe(
      {
        processMessage: async (message) => {
          seen.push(message.body);
        },
        processError: async () => undefined,
      },
      { maxConcurrentCalls: 4 },
    ),
  );
  for (let i = 0; i < 200 && h.broker.inspect.counts('plain').active + h.broker.inspect.counts('plain').locked > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await Promise.all(subscriptions.map((s) => s.close()));
  expect(h.broker.inspect.counts('plain')).toEqual({ active: 0, locked: 0, deferred: 0, deadLetter: 0 });
  expect(seen.length).toBe(total);
  expect(new Set(seen).size).toBe(total);
});
