// One order id, one purchase, for ever: the first start of an order id claims it in the orderClaim entity; a later
// start of the same id (one that raced a finished order, or the same id posted after its history was purged) finds the
// claim taken and buys nothing. Driven through the local runtime with its real entity runner.
import './durableHost';
import { claimAfter } from '../../../orchestrations/orderClaim';
import { INSTANCE_ID, START, cartCreated, checkedOut, names, newOrderReplay, order, orderRead, policyOf, published } from './scenario';
import { validOrder } from '../../fixtures/orders/requests';
import type { ProcessOrderInput } from '../../../orchestrations';

// Entity instance ids lower-case the name and keep the key.
const CLAIM = `@orderclaim@${INSTANCE_ID}`;

test('the claim is the first request\'s, whoever asks later', () => {
  const first = claimAfter(undefined, { startId: 's1', at: '2026-03-02T09:00:00.000Z' });
  expect(first).toEqual({ startId: 's1', claimedAt: '2026-03-02T09:00:00.000Z' });
  expect(claimAfter(first, { startId: 's2', at: '2026-03-03T09:00:00.000Z' })).toEqual(first);
});

test('the first start claims the order id and buys; a second start of the same id after it finished buys nothing and publishes nothing', async () => {
  const replay = newOrderReplay({}, {}, 'SO-10001', 'start-1');
  await checkedOut(replay, [order('ord-1', 'pending')]);
  expect(replay.entityState(CLAIM)).toEqual({ startId: 'start-1', claimedAt: START.toISOString() });
  await replay.fireTimer();
  await replay.completeActivity('getOrder', orderRead(order('ord-1', 'completed', 'monthly', 'sub-1')));
  expect(published(replay)).toMatchObject({ status: 'completed' });
  await replay.completeActivity('publishResult', { ok: true, value: { messageId: 'm' } });
  expect(replay.runtimeStatus).toBe('Completed');
  const boughtBefore = names(replay);

  // The same order id started again (its finished instance overwritten, or its history purged first).
  const again: ProcessOrderInput = { request: validOrder(), receivedAt: replay.now.toISOString(), policy: policyOf(), startId: 'start-2' };
  await replay.startAgain(again);
  expect(replay.runtimeStatus).toBe('Completed');
  expect(replay.output).toEqual({ kind: 'duplicateStart', orderId: 'SO-10001', claimedAt: START.toISOString() });
  expect(replay.customStatus).toMatchObject({ stage: 'finished', outcome: null, lastError: `order SO-10001 was already started at ${START.toISOString()}; this start bought nothing` });
  // No activity at all: no cart, no checkout, no second outcome.
  expect(names(replay)).toEqual(boughtBefore);
  expect(replay.entityState(CLAIM)).toEqual({ startId: 'start-1', claimedAt: START.toISOString() });
});

test('an input without a startId (an order started before the claim existed) does not claim', async () => {
  const replay = newOrderReplay();
  await replay.start();
  expect(replay.activity('createCart').input).toMatchObject({ attempt: 1 });
  await replay.completeActivity('createCart', cartCreated());
  expect(replay.entityState(CLAIM)).toBeUndefined();
});
