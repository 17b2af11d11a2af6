// Fault suite: 1,000 junk messages of every kind on the orders queue, huge and deeply nested ones included. Each gets
// exactly one rejection on the results topic that fits a Service Bus message; none is dead-lettered, none starts an
// order, and the app's process survives them all.
import type { ServiceBusMessage } from '@azure/service-bus';
import { MAX_REJECTION_BYTES } from '../../shared/orders';
import { validOrder } from '../fixtures/orders/requests';
import { ERP_SUBSCRIPTION, waitFor } from '../e2e/stack';
import { listInstances, secretsIn, seededRandom, useReliabilityStack } from './ledgers';

const stack = useReliabilityStack();

type Junk = (i: number, random: () => number) => ServiceBusMessage;
const text = (body: string): { body: Buffer } => ({ body: Buffer.from(body, 'utf8') });
const nested = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth);

/** Every kind of body a sender can put on the queue; `huge` ones are 150 to 240 KB. */
const KINDS: Record<string, Junk> = {
  notJson: (i) => ({ messageId: `junk-${i}`, ...text(`order ${i} <xml/>`) }),
  notUtf8: (i) => ({ messageId: `junk-${i}`, body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }),
  empty: (i) => ({ messageId: `junk-${i}`, body: Buffer.alloc(0) }),
  jsonScalar: (i, r) => ({ messageId: `junk-${i}`, ...text(JSON.stringify([null, 42, 'order', true, []][Math.floor(r() * 5)])) }),
  wrongFields: (i) => ({ messageId: `junk-${i}`, body: { orderId: `\u202eJUNK-${i}\u2028`, customerId: 'not-a-guid', lineItems: 'all of them', extra: { a: 1 } } }),
  manyErrors: (i) => ({ messageId: `junk-${i}`, body: { ...validOrder({ orderId: `JUNK-${i}` }), lineItems: Array.from({ length: 100 }, () => ({ catalogItemId: 'x', quantity: -1, billingCycle: 'weekly', termDuration: 'P9Y', bogus: 1 })) } }),
  amqpValue: (i, r) => ({ messageId: `junk-${i}`, bodyType: 'value', body: [12345, ['a', 'list'], { a: { map: true } }][Math.floor(r() * 3)] }),
  amqpSequence: (i) => ({ messageId: `junk-${i}`, bodyType: 'sequence', body: [[1, 2], ['three']] }),
  numberMessageId: (i) => ({ messageId: 1_000_000 + i, ...text('{"orderId": 1}') }),
  bytesMessageId: (i) => ({ messageId: Buffer.from(`junk-bytes-${i}`), ...text('{}') }),
  hugeUnknownFields: (i) => {
    const body: Record<string, unknown> = { ...validOrder({ orderId: `JUNK-${i}` }) };
    for (let k = 0; k < 60; k++) body[`${k}`.padStart(3, '0') + 'k'.repeat(3_000)] = k;
    return { messageId: `junk-${i}`, ...text(JSON.stringify(body)) };
  },
  hugeDeepArray: (i) => ({ messageId: `junk-${i}`, ...text(nested(100_000, '[', ']')) }),
  hugeDeepObject: (i) => ({ messageId: `junk-${i}`, ...text(`${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}`) }),
  hugeString: (i) => ({ messageId: `junk-${i}`, ...text(JSON.stringify({ orderId: 'x'.repeat(230_000) })) }),
};
const HUGE = Object.keys(KINDS).filter((k) => k.startsWith('huge'));

it('1,000 junk messages of every kind: each gets one rejection that fits, none is dead-lettered or starts an order', async () => {
  const random = seededRandom('junk');
  const instancesBefore = (await listInstances(stack)).length;
  const kinds = Object.keys(KINDS);
  // Every kind at least a few times, huge ones 24 times in all, the rest drawn from the seed.
  const plan = Array.from({ length: 1_000 }, (_, i) => (i < kinds.length * 2 ? kinds[i % kinds.length] : i < 40 ? HUGE[i % HUGE.length] : kinds.filter((k) => !HUGE.includes(k))[Math.floor(random() * (kinds.length - HUGE.length))]));
  const messages = plan.map((kind, i) => KINDS[kind](i, random));

  const sender = stack.serviceBus.createSender('orders');
  try {
    for (let i = 0; i < messages.length; ) {
      const huge = HUGE.includes(plan[i]);
      const batch = huge ? [messages[i]] : messages.slice(i, i + 50).filter((_, k) => !HUGE.includes(plan[i + k]));
      const taken = huge ? 1 : Math.min(50, messages.length - i);
      if (batch.length > 0) await sender.sendMessages(batch);
      if (!huge) for (let k = 0; k < taken; k++) if (HUGE.includes(plan[i + k])) await sender.sendMessages(messages[i + k]);
      i += taken;
    }
  } finally {
    await sender.close();
  }

  const rejections = await waitFor(
    'a rejection for every junk message',
    () => {
      const found = stack.broker.inspect.messages(ERP_SUBSCRIPTION).filter((m) => m.subject === 'rejected');
      return found.length >= 1_000 && stack.broker.inspect.counts('orders').active === 0 ? found : undefined;
    },
    120_000,
  );
  await stack.runtime.runUntilIdle();

  expect(rejections).toHaveLength(1_000);
  const answered = new Set(rejections.map((m) => (m.body as { messageId: string }).messageId));
  expect(answered.size).toBe(1_000);
  for (const rejection of rejections) {
    expect(Buffer.byteLength(JSON.stringify(rejection.body))).toBeLessThanOrEqual(MAX_REJECTION_BYTES);
    expect(rejection.body).toMatchObject({ kind: 'rejection', errors: expect.any(Array) });
    expect((rejection.body as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
  }
  expect(stack.broker.inspect.counts('orders')).toMatchObject({ active: 0, deadLetter: 0 });
  expect((await listInstances(stack)).length).toBe(instancesBefore);
  expect(secretsIn(stack)).toEqual([]);
}, 180_000);
