/**
 * Refusals: unknown entities, wrong keys and unsupported features answer at once with the error the SDK maps to a
 * clear, non-retried ServiceBusError, and bad input on the wire never takes the broker down.
 * The last tests use a bare rhea client because the SDK cannot be made to send malformed frames or skip CBS.
 */
import { connect as netConnect } from 'node:net';
import { message as rheaMessage, type AmqpError } from 'rhea';
import { startHarness, type Harness } from './harness';
import { cbsRequest, closeRawConnection, openRawConnection, putToken, sendRaw } from './rawClient';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  await h.close();
});

const failure = (promise: Promise<unknown>): Promise<{ code?: string; message?: string; retryable?: boolean }> =>
  promise.then(
    () => {
      throw new Error('expected the operation to fail');
    },
    (error: { code?: string; message?: string; retryable?: boolean }) => error,
  );

test('a receiver on an unknown entity gets MessagingEntityNotFound naming the entity and what exists', async () => {
  const error = await failure(h.client.createReceiver('no-such-queue').receiveMessages(1, { maxWaitTimeInMs: 1000 }));
  expect(error.code).toBe('MessagingEntityNotFound');
  expect(error.retryable).toBe(false);
  expect(error.message).toContain("'no-such-queue' could not be found");
  expect(error.message).toContain('events/Subscriptions/audit');
});

test('a sender to an unknown entity, or to a subscription, gets MessagingEntityNotFound', async () => {
  expect((await failure(h.client.createSender('no-such-topic').sendMessages({ body: 1 }))).code).toBe('MessagingEntityNotFound');
  const toSubscription = await failure(h.client.createSender('events/Subscriptions/audit').sendMessages({ body: 1 }));
  expect(toSubscription.code).toBe('MessagingEntityNotFound');
  expect(toSubscription.message).toContain('can only be received from');
});

test('receiving from a topic itself explains that subscriptions are received from', async () => {
  const error = await failure(h.client.createReceiver('events').receiveMessages(1, { maxWaitTimeInMs: 500 }));
  expect(error.code).toBe('MessagingEntityNotFound');
  expect(error.message).toContain("receive from 'events/Subscriptions/<name>'");
});

test('a wrong SharedAccessKey is refused by CBS as UnauthorizedAccess and nothing is stored', async () => {
  const wrongKey = h.newClient(h.broker.connectionString.replace('SharedAccessKey=SAS_KEY_VALUE', 'SharedAccessKey=not-the-key'));
  const error = await failure(wrongKey.createSender('plain').sendMessages({ body: 'sneaky' }));
  expect(error.code).toBe('UnauthorizedAccess');
  expect(error.message).toContain('invalid signature');
  expect(error.message).not.toContain('not-the-key');
  expect(h.broker.inspect.counts('plain').active).toBe(0);
});

test('a broker started with its own key accepts that key only', async () => {
  const custom = await startHarness({ sharedAccessKeyName: 'app', sharedAccessKey: 'k3y' });
  try {
    expect(custom.broker.connectionString).toContain('SharedAccessKeyName=app;SharedAccessKey=k3y;UseDevelopmentEmulator=true');
    await custom.client.createSender('plain').sendMessages({ body: 'ok' });
    expect(custom.broker.inspect.counts('plain').active).toBe(1);
    const defaultKey = custom.newClient(custom.broker.connectionString.replace('SharedAccessKeyName=app;SharedAccessKey=k3y', 'SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE'));
    expect((await failure(defaultKey.createSender('plain').sendMessages({ body: 'no' }))).code).toBe('UnauthorizedAccess');
  } finally {
    await custom.close();
  }
});

test('sessions, scheduling and rule management answer with an error naming the unsupported operation', async () => {
  const session = await failure(h.client.acceptNextSession('plain'));
  expect(session.message).toMatch(/Sessions .* not supported/);
  const schedule = await failure(h.client.createSender('plain').scheduleMessages({ body: 1 }, new Date(Date.now() + 60_000)));
  expect(schedule.message).toContain("'com.microsoft:schedule-message' is not supported");
  const scheduledSend = await failure(h.client.createSender('plain').sendMessages({ body: 1, scheduledEnqueueTimeUtc: new Date(Date.now() + 60_000) }));
  expect(scheduledSend.message).toContain('Scheduling messages (scheduledEnqueueTimeUtc) is not supported');
  const rule = await failure(h.client.createRuleManager('events', 'audit').createRule('sql', { sqlExpression: 'region = 1' }));
  expect(rule.message).toContain("'com.microsoft:add-rule' is not supported");
  expect(h.broker.inspect.counts('plain').active).toBe(0);
});

test('attaching without a CBS token is refused with amqp:unauthorized-access', async () => {
  const connection = await openRawConnection(h.broker.port);
  try {
    const error = await new Promise<AmqpError | undefined>((resolve) => {
      const receiver = connection.open_receiver({ source: { address: 'plain' }, credit_window: 0 });
      receiver.once('receiver_close', () => resolve(receiver.error as AmqpError | undefined));
    });
    expect(error?.condition).toBe('amqp:unauthorized-access');
    expect(error?.description).toContain("'plain'");
  } finally {
    await closeRawConnection(connection);
  }
});

test('garbage bytes and malformed frames end only that connection; the broker keeps serving SDK clients', async () => {
  const lines: string[] = [];
  const logged = await startHarness({ logger: (line) => lines.push(line) });
  try {
    const sendRaw = (bytes: Buffer): Promise<void> =>
      new Promise((resolve) => {
        const socket = netConnect(logged.broker.port, '127.0.0.1', () => socket.write(bytes));
        socket.on('data', () => undefined);
        socket.on('close', () => resolve());
        socket.on('error', () => undefined);
      });
    await sendRaw(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    // A valid AMQP header followed by a frame whose body is not AMQP.
    await sendRaw(Buffer.concat([Buffer.from('AMQP\x00\x01\x00\x00', 'latin1'), Buffer.from([0, 0, 0, 12, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff])]));
    expect(lines.filter((line) => /protocol error|connection error/.test(line)).length).toBeGreaterThanOrEqual(2);

    await logged.client.createSender('plain').sendMessages({ body: 'still alive' });
    const [message] = await logged.client.createReceiver('plain', { receiveMode: 'receiveAndDelete' }).receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(message.body).toBe('still alive');
  } finally {
    await logged.close();
  }
});

test('CBS answers malformed put-token requests with 400 naming what is missing', async () => {
  const connection = await openRawConnection(h.broker.port);
  try {
    expect(await cbsRequest(connection, { body: 'x', application_properties: { operation: 'delete-token' } })).toMatchObject({ 'status-code': 400 });
    const noAudience = await cbsRequest(connection, { body: 'x', application_properties: { operation: 'put-token', type: 'servicebus.windows.net:sastoken' } });
    expect(noAudience['status-code']).toBe(400);
    expect(noAudience['status-description']).toContain('"name" (the audience)');
    const audience = `sb://127.0.0.1:${h.broker.port}/plain`;
    expect(await putToken(connection, audience)).toMatchObject({ 'status-code': 202 });
  } finally {
    await closeRawConnection(connection);
  }
});

test('the broker checks transfers itself: bad batch envelopes and oversized messages are rejected, nothing is stored', async () => {
  const connection = await openRawConnection(h.broker.port);
  try {
    await putToken(connection, `sb://127.0.0.1:${h.broker.port}/plain`);
    const notAnEnvelope = await sendRaw(connection, 'plain', rheaMessage.encode({ body: 'not data sections' }), 0x80013700);
    expect(notAnEnvelope).toMatchObject({ outcome: 'rejected', error: { condition: 'amqp:invalid-field' } });
    const unknownFormat = await sendRaw(connection, 'plain', Buffer.from([0]), 7);
    expect(unknownFormat.outcome === 'rejected' && unknownFormat.error?.description).toContain('message_format 7 is not supported');
    const tooLarge = await sendRaw(connection, 'plain', { body: 'x'.repeat(300_000) });
    expect(tooLarge).toMatchObject({ outcome: 'rejected', error: { condition: 'amqp:link:message-size-exceeded' } });
    expect(h.broker.inspect.counts('plain').active).toBe(0);
    expect(await sendRaw(connection, 'plain', { body: 'fine' })).toEqual({ outcome: 'accepted' });
    expect(h.broker.inspect.counts('plain').active).toBe(1);
  } finally {
    await closeRawConnection(connection);
  }
});
