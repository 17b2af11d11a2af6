/** The entity store on its own: ordering, settlement outcomes and delivery counting, with an in-memory consumer. */
import { MessageStore } from '../../../local/service-bus/messageStore';
import type { Consumer, StoredMessage } from '../../../local/service-bus/storedMessage';

const settings = { lockDurationMs: 60_000, maxDeliveryCount: 3, defaultTtlMs: 3_600_000, deadLetterOnExpiration: false };

function newStore(): MessageStore {
  return new MessageStore('q', settings, new MessageStore('q/$DeadLetterQueue', settings, undefined));
}

/** Takes up to `credit` messages, remembering them with their lock tokens. */
function consumer(mode: Consumer['mode'] = 'peekLock') {
  const taken: { message: StoredMessage; token?: string }[] = [];
  let credit = 0;
  const c: Consumer = {
    mode,
    capacity: () => credit,
    deliver: (message, token) => {
      credit--;
      taken.push({ message, token });
    },
  };
  return { c, taken, grant: (n: number) => (credit += n) };
}

let store: MessageStore;
afterEach(() => store.close());

test('messages go out oldest first, and an abandoned one goes back ahead of newer ones', () => {
  store = newStore();
  ['a', 'b', 'c'].forEach((body) => store.enqueue({ body }, 10));
  const { c, taken, grant } = consumer();
  store.addConsumer(c);
  grant(2);
  store.dispatch();
  expect(taken.map((t) => t.message.content.body)).toEqual(['a', 'b']);
  expect(store.settle(taken[0].token!, { kind: 'abandon', propertiesToModify: { retried: true } })).toBe(true);
  grant(2);
  store.dispatch();
  expect(taken.slice(2).map((t) => [t.message.content.body, t.message.deliveryCount, t.message.content.application_properties])).toEqual([
    ['a', 2, { retried: true }],
    ['c', 1, undefined],
  ]);
});

test('settling an unknown or already used lock token fails; complete removes the message', () => {
  store = newStore();
  store.enqueue({ body: 'x' }, 10);
  const { c, taken, grant } = consumer();
  store.addConsumer(c);
  grant(1);
  store.dispatch();
  const token = taken[0].token!;
  expect(store.settle('00000000-0000-0000-0000-000000000000', { kind: 'complete' })).toBe(false);
  expect(store.settle(token, { kind: 'complete' })).toBe(true);
  expect(store.settle(token, { kind: 'complete' })).toBe(false);
  expect(store.counts()).toEqual({ active: 0, locked: 0, deferred: 0, deadLetter: 0 });
});

test('a released message does not use up a delivery attempt', () => {
  store = newStore();
  store.enqueue({ body: 'x' }, 10);
  const { c, taken, grant } = consumer();
  store.addConsumer(c);
  for (let i = 0; i < 5; i++) {
    grant(1);
    store.dispatch();
    store.settle(taken[i].token!, { kind: 'release' });
  }
  expect(taken.every((t) => t.message.deliveryCount === 0)).toBe(true);
  expect(store.counts()).toEqual({ active: 1, locked: 0, deferred: 0, deadLetter: 0 });
});

test('receive-and-delete consumers take messages without locks', () => {
  store = newStore();
  store.enqueue({ body: 'x' }, 10);
  const { c, taken, grant } = consumer('receiveAndDelete');
  store.addConsumer(c);
  grant(5);
  store.dispatch();
  expect(taken.map((t) => [t.message.content.body, t.token])).toEqual([['x', undefined]]);
  expect(store.counts().active + store.counts().locked).toBe(0);
});

test('competing consumers share the messages round-robin', () => {
  store = newStore();
  for (let i = 0; i < 6; i++) store.enqueue({ body: i }, 10);
  const first = consumer();
  const second = consumer();
  store.addConsumer(first.c);
  store.addConsumer(second.c);
  first.grant(3);
  second.grant(3);
  store.dispatch();
  expect(first.taken.map((t) => t.message.content.body)).toEqual([0, 2, 4]);
  expect(second.taken.map((t) => t.message.content.body)).toEqual([1, 3, 5]);
});

test('dead-lettering without a reason adds no reason property; the dead-letter queue keeps the sequence number', () => {
  store = newStore();
  store.enqueue({ body: 'x', application_properties: { a: 1 } }, 10);
  const { c, taken, grant } = consumer();
  store.addConsumer(c);
  grant(1);
  store.dispatch();
  store.settle(taken[0].token!, { kind: 'deadLetter' });
  const [dead] = store.deadLetterQueue!.snapshot();
  expect(dead.content.application_properties).toEqual({ a: 1 });
  expect([dead.sequenceNumber, dead.deadLetterSource]).toEqual([1, 'q']);
});
