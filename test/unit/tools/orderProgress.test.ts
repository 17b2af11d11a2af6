import type { OrderView } from '../../../functions/orderView';
import { progressLines } from '../../../tools/order/progress';

const view = (change: Partial<OrderView>): OrderView => ({
  orderId: 'SO-1',
  instanceId: 'order-SO-1',
  runtimeStatus: 'Running',
  outcome: null,
  stage: 'creatingCart',
  cartId: null,
  orders: [],
  errors: [],
  lastError: null,
  waitingFor: null,
  nextCheckAt: null,
  createdAt: '2026-03-02T09:00:00.000Z',
  lastUpdatedAt: '2026-03-02T09:00:00.000Z',
  ...change,
});

test('a poll that missed several changes tells them in the order they happened: cart, checkout, then the stage now', () => {
  const before = view({});
  const after = view({ stage: 'waitingForOrders', cartId: 'cart-1', orders: [{ id: 'ord-1', status: 'pending' }], waitingFor: 'orders', nextCheckAt: '2026-03-02T09:01:00.000Z' });
  const lines = progressLines(before, after);
  expect(lines[0]).toBe('cart created: cart-1');
  expect(lines[1]).toBe('checked out: Partner Center order(s) ord-1');
  expect(lines.indexOf('cart created: cart-1')).toBeLessThan(lines.findIndex((line) => line.startsWith('waiting for')));
  expect(lines).toHaveLength(4);
});

test('an outcome still being published (stage publishing) is told once the order has finished, with its errors', () => {
  const publishing = view({ stage: 'publishing', outcome: 'failed', waitingFor: 'resultsTopic', nextCheckAt: '2026-03-02T09:05:00.000Z', lastError: 'publishing the failed outcome failed: the topic is full; trying again' });
  const duringLines = progressLines(view({ stage: 'checkingOut' }), publishing);
  expect(duringLines.some((line) => line.startsWith('outcome:'))).toBe(false);
  expect(duringLines).toContain('problem: publishing the failed outcome failed: the topic is full; trying again');
  const finished = view({ stage: 'finished', runtimeStatus: 'Completed', outcome: 'failed', errors: [{ source: 'partnerCenter', reason: 'refused', description: 'nope' }] });
  expect(progressLines(publishing, finished)).toEqual(['outcome: failed (refused: nope)']);
});
