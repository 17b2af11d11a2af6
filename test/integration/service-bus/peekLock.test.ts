/**
 * Peek-lock through the real SDK: abandon up to MaxDeliveryCount lands the message in the dead-letter queue with its
 * reason; lock expiry redelivers; renew-lock extends; settlement after a lost lock fails clearly; defer; and the
 * streaming subscribe() path the local Functions runtime uses for Service Bus triggers.
 */
import { isServiceBusError, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { startHarness, testConfig, type Harness } from './harness';

let h: Harness;

afterEach(async () => {
  await h?.close();
});

const until = async (condition: () => boolean, what: string, attempts = 100): Promise<void> => {
  for (let i = 0; i < attempts && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
};

test('abandoning until MaxDeliveryCount moves the message to the dead-letter queue with the reason', async () => {
  h = await startHarness({ config: testConfig({ maxDeliveryCount: 3 }) });
  await h.client.createSender('plain').sendMessages({ body: 'poison', messageId: 'p-1' });
  const receiver = h.client.createReceiver('plain');
  const deliveryCounts: number[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    deliveryCounts.push(message.deliveryCount as number);
    await receiver.abandonMessage(message);
  }
  expect(deliveryCounts).toEqual([0, 1, 2]);
  expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]);
  expect(h.broker.inspect.counts('plain')).toEqual({ active: 0, locked: 0, deferred: 0, deadLetter: 1 });

  const deadLetterReceiver = h.client.createReceiver('plain', { subQueueType: 'deadLetter' });
  const [dead] = await deadLetterReceiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  expect(dead.messageId).toBe('p-1');
  expect(dead.body).toBe('poison');
  expect(dead.deadLetterReason).toBe('MaxDeliveryCountExceeded');
  expect(dead.deadLetterErrorDescription).toBe('Message could not be consumed after 3 delivery attempts.');
  expect(dead.deadLetterSource).toBe('plain');
  await deadLetterReceiver.completeMessage(dead);
  expect(h.broker.inspect.counts('plain').deadLetter).toBe(0);
});

test('deadLetterMessage keeps the reason, description and changed properties; inspect shows them', async () => {
  h = await startHarness();
  await h.client.createSender('plain').sendMessages({ body: { id: 1 }, messageId: 'd-1', applicationProperties: { kept: 'yes' } });
  const receiver = h.client.createReceiver('plain');
  const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  await receiver.deadLetterMessage(message, { deadLetterReason: 'ValidationFailed', deadLetterErrorDescription: 'sku missing' });
  const [dead] = h.broker.inspect.deadLetters('plain');
  expect(dead).toMatchObject({
    messageId: 'd-1',
    body: { id: 1 },
    deadLetterReason: 'ValidationFailed',
    deadLetterErrorDescription: 'sku missing',
    deadLetterSource: 'plain',
    applicationProperties: { kept: 'yes', DeadLetterReason: 'ValidationFailed', DeadLetterErrorDescription: 'sku missing' },
  });
  const peeked = await h.client.createReceiver('plain', { subQueueType: 'deadLetter' }).peekMessages(5);
  expect(peeked.map((m) => [m.messageId, m.deadLetterReason])).toEqual([['d-1', 'ValidationFailed']]);
});

test('an expired lock returns the message with a higher delivery count; settling the old lock fails with MessageLockLost', async () => {
  h = await startHarness({ lockDurationOverrideMs: 300 });
  await h.client.createSender('plain').sendMessages({ body: 'slow', messageId: 'l-1' });
  // The SDK renews locks on its own unless told not to; this test wants the lock to lapse.
  const receiver = h.client.createReceiver('plain', { maxAutoLockRenewalDurationInMs: 0 });
  const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  expect(first.deliveryCount).toBe(0);
  await until(() => h.broker.inspect.counts('plain').active === 1, 'the lock to expire');

  const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  expect(again.messageId).toBe('l-1');
  expect(again.deliveryCount).toBe(1);
  expect(again.lockToken).not.toBe(first.lockToken);
  const error = await receiver.completeMessage(first).catch((e: unknown) => e);
  expect(isServiceBusError(error) && error.code).toBe('MessageLockLost');
  await receiver.completeMessage(again);
  expect(h.broker.inspect.counts('plain')).toEqual({ active: 0, locked: 0, deferred: 0, deadLetter: 0 });
});

test('locks that lapse count as deliveries: past MaxDeliveryCount the message is dead-lettered', async () => {
  h = await startHarness({ config: testConfig({ maxDeliveryCount: 2 }), lockDurationOverrideMs: 150 });
  await h.client.createSender('plain').sendMessages({ body: 'forgotten', messageId: 'f-1' });
  const receiver = h.client.createReceiver('plain', { maxAutoLockRenewalDurationInMs: 0 });
  for (let attempt = 0; attempt < 2; attempt++) {
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(message.deliveryCount).toBe(attempt);
    await until(() => h.broker.inspect.counts('plain').locked === 0, 'the lock to lapse');
  }
  expect(h.broker.inspect.counts('plain')).toEqual({ active: 0, locked: 0, deferred: 0, deadLetter: 1 });
  expect(h.broker.inspect.deadLetters('plain')[0]).toMatchObject({ messageId: 'f-1', deadLetterReason: 'MaxDeliveryCountExceeded' });
});

test('automatic lock renewal by the SDK keeps a slow message locked past its lock duration', async () => {
  // The SDK renews halfway through a lock this short, so the lock is renewed well before it would lapse.
  h = await startHarness({ lockDurationOverrideMs: 1200 });
  await h.client.createSender('plain').sendMessages({ body: 'slow' });
  const receiver = h.client.createReceiver('plain');
  const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  const firstExpiry = message.lockedUntilUtc!.getTime();
  await new Promise((resolve) => setTimeout(resolve, 1600));
  expect(h.broker.inspect.counts('plain')).toEqual({ active: 0, locked: 1, deferred: 0, deadLetter: 0 });
  expect(message.lockedUntilUtc!.getTime()).toBeGreaterThan(firstExpiry);
  await receiver.completeMessage(message);
  expect(h.broker.inspect.counts('plain').locked).toBe(0);
});

test('renewing a lock extends it past the original expiry', async () => {
  h = await startHarness({ lockDurationOverrideMs: 1000 });
  await h.client.createSender('plain').sendMessages({ body: 'long job' });
  const receiver = h.client.createReceiver('plain', { maxAutoLockRenewalDurationInMs: 0 });
  const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  const originalExpiry = message.lockedUntilUtc!.getTime();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const renewedUntil = await receiver.renewMessageLock(message);
  expect(renewedUntil.getTime()).toBeGreaterThan(originalExpiry);
  expect(message.lockedUntilUtc?.getTime()).toBe(renewedUntil.getTime());
  // Past the original expiry the message is still locked, so completing it succeeds.
  await new Promise((resolve) => setTimeout(resolve, 600));
  expect(h.broker.inspect.counts('plain').locked).toBe(1);
  await receiver.completeMessage(message);
  expect(h.broker.inspect.counts('plain')).toEqual({ active: 0, locked: 0, deferred: 0, deadLetter: 0 });
});

test('renewing a lost lock fails with MessageLockLost', async () => {
  h = await startHarness({ lockDurationOverrideMs: 200 });
  await h.client.createSender('plain').sendMessages({ body: 'x' });
  const receiver = h.client.createReceiver('plain', { maxAutoLockRenewalDurationInMs: 0 });
  const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  await until(() => h.broker.inspect.counts('plain').active === 1, 'the lock to expire');
  await expect(receiver.renewMessageLock(message)).rejects.toMatchObject({ code: 'MessageLockLost' });
});

test('a deferred message leaves the queue and comes back by sequence number', async () => {
  h = await startHarness();
  await h.client.createSender('plain').sendMessages({ body: 'later', messageId: 'def-1' });
  const receiver = h.client.createReceiver('plain');
  const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  await receiver.deferMessage(message);
  expect(h.broker.inspect.counts('plain')).toEqual({ active: 0, locked: 0, deferred: 1, deadLetter: 0 });
  expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]);

  const [deferred] = await receiver.receiveDeferredMessages(message.sequenceNumber!);
  expect(deferred.messageId).toBe('def-1');
  expect(deferred.state).toBe('deferred');
  expect(h.broker.inspect.counts('plain').locked).toBe(1);
  // Abandoned, a deferred message stays deferred (it is not put back in the queue).
  await receiver.abandonMessage(deferred);
  expect(h.broker.inspect.counts('plain')).toEqual({ active: 0, locked: 0, deferred: 1, deadLetter: 0 });
  const [again] = await receiver.receiveDeferredMessages(message.sequenceNumber!);
  expect(again.deliveryCount).toBe(2);
  await receiver.completeMessage(again);
  expect(h.broker.inspect.counts('plain')).toEqual({ active: 0, locked: 0, deferred: 0, deadLetter: 0 });
});

test('a message settled after its receiver closed is settled through $management', async () => {
  h = await startHarness();
  await h.client.createSender('plain').sendMessages({ body: 'x' });
  const receiver = h.client.createReceiver('plain');
  const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  const otherReceiver = h.client.createReceiver('plain');
  await receiver.close();
  await otherReceiver.completeMessage(message);
  expect(h.broker.inspect.counts('plain')).toEqual({ active: 0, locked: 0, deferred: 0, deadLetter: 0 });
});

test('subscribe() completes handled messages and dead-letters one whose handler keeps failing', async () => {
  h = await startHarness({ config: testConfig({ maxDeliveryCount: 2 }) });
  await h.client.createSender('plain').sendMessages([{ body: 'ok-1' }, { body: 'fail' }, { body: 'ok-2' }]);
  const receiver = h.client.createReceiver('plain');
  const handled: string[] = [];
  const subscription = receiver.subscribe(
    {
      processMessage: async (message: ServiceBusReceivedMessage) => {
        handled.push(`${message.body}#${message.deliveryCount}`);
        if (message.body === 'fail') throw new Error('handler failed');
      },
      processError: async () => undefined,
    },
    // One at a time: with two, the SDK may settle two messages in one pass, and rhea then sends the abandon merged into
    // the complete before it (a client-side merge, shown in dispositions.test.ts), which is not what this test is about.
    { maxConcurrentCalls: 1 },
  );
  await until(() => h.broker.inspect.counts('plain').deadLetter === 1 && h.broker.inspect.counts('plain').active + h.broker.inspect.counts('plain').locked === 0, 'the queue to drain');
  await subscription.close();
  expect(handled.sort()).toEqual(['fail#0', 'fail#1', 'ok-1#0', 'ok-2#0']);
  expect(h.broker.inspect.deadLetters('plain').map((m) => [m.body, m.deadLetterReason])).toEqual([['fail', 'MaxDeliveryCountExceeded']]);
});

test('one subscribed peek-lock receiver keeps receiving past the 2,048 deliveries of an AMQP session buffer, on a queue and a subscription', async () => {
  // The SDK's peek-lock receiver settles in mode "second": the broker must finish a delivery when it settles it, or
  // the session's outgoing buffer fills after 2,048 messages and the receiver stalls for good (as the runtime's
  // Service Bus trigger did after 2,047 orders).
  h = await startHarness();
  const total = 2_100;
  const receiveAll = async (receiver: ReturnType<typeof h.client.createReceiver>): Promise<Set<string>> => {
    const bodies = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`received ${bodies.size} of ${total} messages`)), 30_000);
      receiver.subscribe({
        processMessage: async (message) => {
          bodies.add(message.body as string);
          if (bodies.size === total) {
            clearTimeout(timer);
            resolve();
          }
        },
        processError: async (args) => reject(args.error),
      });
    });
    await receiver.close();
    return bodies;
  };
  const queueSender = h.client.createSender('plain');
  const topicSender = h.client.createSender('events');
  for (let i = 0; i < total; i += 100) {
    const batch = Array.from({ length: 100 }, (_, j) => ({ body: `m${i + j}` }));
    await queueSender.sendMessages(batch);
    await topicSender.sendMessages(batch);
  }
  expect((await receiveAll(h.client.createReceiver('plain'))).size).toBe(total);
  expect((await receiveAll(h.client.createReceiver('events', 'audit'))).size).toBe(total);
  await until(() => h.broker.inspect.counts('plain').active + h.broker.inspect.counts('plain').locked === 0, 'the queue to empty');
  expect(h.broker.inspect.counts('plain')).toEqual({ active: 0, locked: 0, deferred: 0, deadLetter: 0 });
}, 60_000);
