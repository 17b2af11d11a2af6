/** Starting and stopping: the default configuration, a Config.json file, clear start-up errors, and a clean stop with clients still connected. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceBusClient } from '@azure/service-bus';
import { ERP_SUBSCRIPTION, ORDERS_QUEUE, RESULTS_TOPIC, startServiceBusBroker } from '../../../local/service-bus';
import { FAST_RETRIES, testConfig } from './harness';

test('with no config the broker serves the project entities: orders queue, order-results topic with erp', async () => {
  const broker = await startServiceBusBroker({ port: 0 });
  const client = new ServiceBusClient(broker.connectionString, FAST_RETRIES);
  try {
    expect(broker.connectionString).toBe(`Endpoint=sb://127.0.0.1:${broker.port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true`);
    expect(broker.inspect.entities()).toEqual([ORDERS_QUEUE, `${RESULTS_TOPIC}/Subscriptions/${ERP_SUBSCRIPTION}`]);
    await client.createSender(ORDERS_QUEUE).sendMessages({ body: { orderId: 'A-1' }, messageId: 'A-1' });
    await client.createSender(RESULTS_TOPIC).sendMessages({ body: { orderId: 'A-1', status: 'completed' }, messageId: 'A-1:completed', correlationId: 'A-1' });
    const [order] = await client.createReceiver(ORDERS_QUEUE).receiveMessages(1, { maxWaitTimeInMs: 2000 });
    const [result] = await client.createReceiver(RESULTS_TOPIC, ERP_SUBSCRIPTION).receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(order.body).toEqual({ orderId: 'A-1' });
    expect([result.body, result.correlationId]).toEqual([{ orderId: 'A-1', status: 'completed' }, 'A-1']);
  } finally {
    await client.close();
    await broker.stop();
  }
});

test('a Config.json path is read, and a bad one is refused before listening', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-config-'));
  try {
    const path = join(dir, 'Config.json');
    writeFileSync(path, JSON.stringify(testConfig()));
    const broker = await startServiceBusBroker({ config: path });
    expect(broker.inspect.entities()).toContain('events/Subscriptions/audit');
    await broker.stop();

    writeFileSync(path, '{ "UserConfig": ');
    await expect(startServiceBusBroker({ config: path })).rejects.toThrow(`The Service Bus broker configuration file ${path} is not valid JSON`);
    await expect(startServiceBusBroker({ config: join(dir, 'missing.json') })).rejects.toThrow('Cannot read the Service Bus broker configuration file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a port already in use is reported with the address', async () => {
  const first = await startServiceBusBroker({ config: testConfig() });
  try {
    await expect(startServiceBusBroker({ config: testConfig(), port: first.port })).rejects.toThrow(`cannot listen on 127.0.0.1:${first.port}`);
  } finally {
    await first.stop();
  }
});

test('stop() ends connected clients without hanging, and can be called twice', async () => {
  const broker = await startServiceBusBroker({ config: testConfig() });
  const client = new ServiceBusClient(broker.connectionString, FAST_RETRIES);
  const receiver = client.createReceiver('plain');
  await client.createSender('plain').sendMessages({ body: 1 });
  await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  await Promise.all([broker.stop(), broker.stop()]);
  await expect(client.createSender('plain').sendMessages({ body: 2 })).rejects.toBeDefined();
  await client.close();
});
