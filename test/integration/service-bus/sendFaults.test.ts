/**
 * Injected send faults through the real @azure/service-bus client: a refused transfer surfaces as the ServiceBusError
 * code Service Bus's condition maps to (core-amqp errors.js, service-bus serviceBusError.js), and a transfer whose
 * acknowledgement is lost is stored, times out in the SDK and, resent with the same id, is a duplicate the entity drops.
 */
import { ServiceBusClient, type ServiceBusError } from '@azure/service-bus';
import { startHarness, type Harness } from './harness';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  await h.close();
});

const failure = (promise: Promise<unknown>): Promise<ServiceBusError> =>
  promise.then(
    () => {
      throw new Error('expected the send to fail');
    },
    (error: ServiceBusError) => error,
  );

test.each([
  ['com.microsoft:server-busy', 'ServiceBusy', true, 'is being throttled'],
  ['amqp:resource-limit-exceeded', 'QuotaExceeded', false, 'maximum entity size'],
  ['com.microsoft:entity-disabled', 'MessagingEntityDisabled', false, 'is currently disabled'],
] as const)('a send refused with %s is the SDK error %s (retryable: %s); nothing is stored and the next send goes through', async (condition, code, retryable, words) => {
  h.broker.controls.failNextSends('plain', 1, condition);
  const sender = h.client.createSender('plain');

  const error = await failure(sender.sendMessages({ body: 'first', messageId: 'm-1' }));
  expect(error.code).toBe(code);
  expect(error.retryable).toBe(retryable);
  expect(error.message).toContain(words);
  expect(error.message).toContain("'plain'");
  expect(h.broker.inspect.counts('plain').active).toBe(0);
  expect(h.broker.controls.injected('plain')).toEqual({ failed: 1, unacknowledged: 0 });
  expect(h.broker.controls.pendingFaults('plain')).toBe(0);

  await sender.sendMessages({ body: 'second', messageId: 'm-2' });
  expect(h.broker.inspect.messages('plain').map((m) => m.messageId)).toEqual(['m-2']);
});

test('a throttled send is retried by the SDK and stored once', async () => {
  const client = new ServiceBusClient(h.broker.connectionString, { retryOptions: { maxRetries: 2, retryDelayInMs: 20, timeoutInMs: 5_000 } });
  try {
    h.broker.controls.failNextSends('events', 2, 'com.microsoft:server-busy');
    await client.createSender('events').sendMessages({ body: 'eventually', messageId: 'e-1' });
    expect(h.broker.controls.injected('events')).toEqual({ failed: 2, unacknowledged: 0 });
    expect(h.broker.inspect.messages('events/Subscriptions/audit').map((m) => m.messageId)).toEqual(['e-1']);
  } finally {
    await client.close();
  }
});

test('faults apply to the matching transfers only, in the order they were armed, and a batch is one transfer', async () => {
  const sender = h.client.createSender('plain');
  h.broker.controls.failNextSends('plain', 1, 'amqp:resource-limit-exceeded', { subject: 'outcome' });
  h.broker.controls.failNextSends('plain', 1, 'com.microsoft:entity-disabled');

  await sender.sendMessages({ body: 'milestone', subject: 'milestone', messageId: 'a' }).catch(() => undefined);
  // The second fault (any message) took the milestone; the first still waits for an outcome.
  expect(h.broker.controls.injected('plain').failed).toBe(1);
  expect(h.broker.controls.pendingFaults('plain')).toBe(1);

  await sender.sendMessages({ body: 'another milestone', subject: 'milestone', messageId: 'b' });
  const outcome = await failure(sender.sendMessages([{ body: 'x', subject: 'milestone', messageId: 'c' }, { body: 'y', subject: 'outcome', messageId: 'd' }]));
  expect(outcome.code).toBe('QuotaExceeded');
  expect(h.broker.inspect.messages('plain').map((m) => m.messageId)).toEqual(['b']);
  expect(h.broker.controls.pendingFaults('plain')).toBe(0);
});

test('a lost acknowledgement: the message is stored, the SDK send times out (ServiceTimeout)', async () => {
  const client = new ServiceBusClient(h.broker.connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 500 } });
  try {
    h.broker.controls.dropAcknowledgements('plain', 1);
    const started = Date.now();
    const error = await failure(client.createSender('plain').sendMessages({ body: 'kept', messageId: 'kept-1' }));
    expect(error.code).toBe('ServiceTimeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(h.broker.inspect.messages('plain').map((m) => m.messageId)).toEqual(['kept-1']);
    expect(h.broker.controls.injected('plain')).toEqual({ failed: 0, unacknowledged: 1 });
  } finally {
    await client.close();
  }
});

test('a send retried after a lost acknowledgement is a duplicate the queue drops: one copy, one delivery', async () => {
  const client = new ServiceBusClient(h.broker.connectionString, { retryOptions: { maxRetries: 1, retryDelayInMs: 20, timeoutInMs: 500 } });
  try {
    h.broker.controls.dropAcknowledgements('work', 1);
    // Resolves: the SDK's second attempt on the same link is accepted (and dropped as a duplicate).
    await client.createSender('work').sendMessages({ body: 'once', messageId: 'derived-id' });
    expect(h.broker.controls.injected('work')).toEqual({ failed: 0, unacknowledged: 1 });
    const received = await h.client.createReceiver('work', { receiveMode: 'receiveAndDelete' }).receiveMessages(5, { maxWaitTimeInMs: 300 });
    expect(received.map((m) => m.messageId)).toEqual(['derived-id']);
  } finally {
    await client.close();
  }
});

test('controls name the field that is wrong', () => {
  expect(() => h.broker.controls.failNextSends('nope', 1, 'com.microsoft:server-busy')).toThrow(/entityPath 'nope' is no queue or topic of this broker; it has: work, plain, events/);
  expect(() => h.broker.controls.dropAcknowledgements('events/Subscriptions/audit', 1)).toThrow(/entityPath 'events\/Subscriptions\/audit' is no queue or topic/);
  expect(() => h.broker.controls.dropAcknowledgements('plain', 0)).toThrow('count must be a positive integer, got 0.');
  expect(() => h.broker.controls.failNextSends('plain', 1, 'amqp:not-found' as never)).toThrow(/condition must be one of com.microsoft:server-busy/);
  h.broker.controls.failNextSends('PLAIN', 2, 'com.microsoft:server-busy');
  expect(h.broker.controls.pendingFaults('plain')).toBe(2);
  h.broker.controls.reset();
  expect(h.broker.controls.pendingFaults('plain')).toBe(0);
});
