/**
 * Duplicate detection runs on the broker's clock: with the project's entities (config.default.json, the window of
 * infra/app/servicebus.bicep) a message id sent again within the hour is dropped, and after it is a new message.
 * The clock here is a variable the test moves, as the local runtime's virtual clock moves the stack's broker.
 */
import { ServiceBusClient } from '@azure/service-bus';
import { startServiceBusBroker, type ServiceBusBroker } from '../../../local/service-bus';
import { FAST_RETRIES } from './harness';

const MINUTE = 60_000;
let now = Date.parse('2026-03-02T09:00:00.000Z');
let broker: ServiceBusBroker;
let client: ServiceBusClient;

beforeEach(async () => {
  broker = await startServiceBusBroker({ clock: () => now });
  client = new ServiceBusClient(broker.connectionString, FAST_RETRIES);
});

afterEach(async () => {
  await client.close();
  await broker.stop();
});

const copies = (messageId: string) => broker.inspect.messages('order-results/Subscriptions/erp').filter((m) => m.messageId === messageId).length;

test('the same message id 61 minutes later (broker time) is delivered again: 2 copies', async () => {
  const sender = client.createSender('order-results');
  await sender.sendMessages({ body: { n: 1 }, messageId: 'order-X:completed' });
  now += 61 * MINUTE;
  await sender.sendMessages({ body: { n: 2 }, messageId: 'order-X:completed' });
  expect(copies('order-X:completed')).toBe(2);
  expect(broker.inspect.messages('order-results/Subscriptions/erp').map((m) => m.body)).toEqual([{ n: 1 }, { n: 2 }]);
});

test('the same message id 59 minutes later, and on the orders queue too, is dropped: 1 copy', async () => {
  const sender = client.createSender('order-results');
  await sender.sendMessages({ body: { n: 1 }, messageId: 'order-Y:completed' });
  now += 59 * MINUTE;
  await sender.sendMessages({ body: { n: 2 }, messageId: 'order-Y:completed' });
  expect(copies('order-Y:completed')).toBe(1);

  const orders = client.createSender('orders');
  await orders.sendMessages({ body: 'first', messageId: 'erp-1' });
  now += 59 * MINUTE;
  await orders.sendMessages({ body: 'again', messageId: 'erp-1' });
  expect(broker.inspect.messages('orders').map((m) => m.body)).toEqual(['first']);
});

test('wall time does not end the window when the broker clock stands still', async () => {
  const sender = client.createSender('order-results');
  await sender.sendMessages({ body: 1, messageId: 'still' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  await sender.sendMessages({ body: 2, messageId: 'still' });
  expect(copies('still')).toBe(1);
});
