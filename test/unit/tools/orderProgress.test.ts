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
