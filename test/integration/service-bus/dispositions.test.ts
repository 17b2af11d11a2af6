/**
 * Every send gets its own outcome. rhea's session batches the dispositions of consecutive deliveries into one
 * frame covering a range, and it merges the second delivery into the first without comparing their states, so
 * two transfers that arrive together could both be reported with the first one's outcome: a refused send
 * reported accepted (a silent loss) or an accepted one reported refused (a resend, a duplicate).
 */
import type { AmqpError, Message, Sender } from 'rhea';
import { startHarness, type Harness } from './harness';
import { closeRawConnection, openRawConnection, putToken } from './rawClient';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  await h.close();
});

const inAnHour = () => new Date(Date.now() + 3_600_000);

test('sends in flight together, every other one refused: each SDK promise gets its own outcome', async () => {
  const sender = h.client.createSender('plain');
  await sender.sendMessages({ body: 'opens the link', messageId: 'warm-up' });

  // All sends start in the same turn of the event loop, so their transfers reach the broker a few per read.
  // A message with scheduledEnqueueTimeUtc is the refusal the SDK lets through (too-large ones it stops itself).
  const messages = Array.from({ length: 12 }, (_, i) =>
    i % 2 === 0 ? { body: i, messageId: `kept-${i}` } : { body: i, messageId: `scheduled-${i}`, scheduledEnqueueTimeUtc: inAnHour() },
  );
  const results = await Promise.allSettled(messages.map((message) => sender.sendMessages(message)));

  const outcomes = results.map((result, i) => `${messages[i].messageId} ${result.status}`);
  expect(outcomes).toEqual(messages.map((m) => `${m.messageId} ${m.scheduledEnqueueTimeUtc ? 'rejected' : 'fulfilled'}`));
  for (const result of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
    expect(result.reason.message).toContain('Scheduling messages (scheduledEnqueueTimeUtc) is not supported');
  }
  const stored = await h.client.createReceiver('plain', { receiveMode: 'receiveAndDelete' }).receiveMessages(20, { maxWaitTimeInMs: 1000 });
  expect(stored.map((m) => m.messageId)).toEqual(['warm-up', ...messages.filter((m) => !m.scheduledEnqueueTimeUtc).map((m) => m.messageId)]);
});

type Outcome = { id: string; outcome: 'accepted' } | { id: string; outcome: 'rejected'; condition?: string };

/**
 * A bare rhea client for the size case: the SDK refuses an oversized message before it leaves, so only a client
 * without that guard can put an accepted, a refused and an accepted transfer on the wire back to back.
 */
function sendTogether(sender: Sender, messages: Array<{ id: string; message: Message }>): Promise<Outcome[]> {
  return new Promise((resolve) => {
    const outcomes = new Map<unknown, Outcome>();
    const ids = new Map<unknown, string>();
    const settle = (delivery: unknown, outcome: Outcome) => {
      outcomes.set(delivery, outcome);
      if (outcomes.size === messages.length) resolve([...ids.keys()].map((d) => outcomes.get(d)!));
    };
    sender.on('accepted', (context) => settle(context.delivery, { id: ids.get(context.delivery)!, outcome: 'accepted' }));
    sender.on('rejected', (context) => {
      const error = (context.delivery?.remote_state as { error?: AmqpError } | undefined)?.error;
      settle(context.delivery, { id: ids.get(context.delivery)!, outcome: 'rejected', condition: error?.condition });
    });
    for (const { id, message } of messages) ids.set(sender.send(message), id);
  });
}

test('accepted, too large, accepted on one link in one write: three dispositions, the middle one refused', async () => {
  const connection = await openRawConnection(h.broker.port);
  try {
    await putToken(connection, `sb://127.0.0.1:${h.broker.port}/plain`);
    const sender = connection.open_sender({ target: { address: 'plain' } });
    await new Promise((resolve) => sender.once('sendable', resolve));
    const outcomes = await sendTogether(sender, [
      { id: 'small-1', message: { message_id: 'small-1', body: 'fits' } },
      { id: 'huge', message: { message_id: 'huge', body: 'x'.repeat(300_000) } },
      { id: 'small-2', message: { message_id: 'small-2', body: 'fits' } },
    ]);
    expect(outcomes).toEqual([
      { id: 'small-1', outcome: 'accepted' },
      { id: 'huge', outcome: 'rejected', condition: 'amqp:link:message-size-exceeded' },
      { id: 'small-2', outcome: 'accepted' },
    ]);
    expect(h.broker.inspect.counts('plain').active).toBe(2);
  } finally {
    await closeRawConnection(connection);
  }
});

test('the same merge on the client side: a complete and an abandon issued together by one SDK receiver both complete', async () => {
  // Not the broker's doing: rhea 3.0.5 in the client writes the receiver's two dispositions as one range with the
  // first one's state. Real Service Bus would complete both as well. This is why the local runtime's Service Bus
  // trigger settles one message at a time (serviceBusTriggers.ts); when a rhea release fixes write_dispositions this
  // test fails, and the runtime's serial settling can go.
  await h.client.createSender('plain').sendMessages([{ body: 'handled', messageId: 'handled' }, { body: 'failed', messageId: 'failed' }]);
  const receiver = h.client.createReceiver('plain');
  const received: Awaited<ReturnType<typeof receiver.receiveMessages>> = [];
  while (received.length < 2) received.push(...(await receiver.receiveMessages(2 - received.length, { maxWaitTimeInMs: 2000 })));
  const [handled, failed] = [received.find((m) => m.messageId === 'handled'), received.find((m) => m.messageId === 'failed')];
  expect(failed?.deliveryCount).toBe(0);
  // Issued in one turn of the event loop, complete first (the delivery with the lower id), as two handlers that
  // finish together would.
  const first = handled!.sequenceNumber!.lessThan(failed!.sequenceNumber!) ? receiver.completeMessage(handled!) : receiver.abandonMessage(failed!);
  const second = handled!.sequenceNumber!.lessThan(failed!.sequenceNumber!) ? receiver.abandonMessage(failed!) : receiver.completeMessage(handled!);
  await Promise.all([first, second]);
  // The abandoned message should be back with deliveryCount 1; it is gone.
  expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 500 })).toEqual([]);
  expect(h.broker.inspect.counts('plain')).toEqual({ active: 0, locked: 0, deferred: 0, deadLetter: 0 });
  // One at a time, each settlement gets its own frame: the abandon is kept.
  await h.client.createSender('plain').sendMessages([{ body: 'handled', messageId: 'handled-2' }, { body: 'failed', messageId: 'failed-2' }]);
  const again: typeof received = [];
  while (again.length < 2) again.push(...(await receiver.receiveMessages(2 - again.length, { maxWaitTimeInMs: 2000 })));
  await receiver.completeMessage(again.find((m) => m.messageId === 'handled-2')!);
  await receiver.abandonMessage(again.find((m) => m.messageId === 'failed-2')!);
  const [redelivered] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  expect([redelivered?.messageId, redelivered?.deliveryCount]).toEqual(['failed-2', 1]);
  await receiver.completeMessage(redelivered);
});
