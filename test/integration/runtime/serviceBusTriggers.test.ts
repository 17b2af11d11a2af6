import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ServiceBusClient } from '@azure/service-bus';
import { spawnLocalRuntime, type ChildRuntimeHandle } from '../../../local/runtime';
import { startServiceBusBroker, type ServiceBusBroker } from '../../../local/service-bus';

// Service Bus triggers of a small app, run by the runtime (child process) against the local broker, with the real
// @azure/service-bus on both sides: the runtime's receivers and the test's sender.
const maxDeliveryCount = 3;
const receivable = { LockDuration: 'PT1M', MaxDeliveryCount: maxDeliveryCount };
const brokerConfig = {
  UserConfig: {
    Namespaces: [
      {
        Name: 'sbemulatorns',
        Queues: [{ Name: 'runtime-orders', Properties: receivable }],
        Topics: [{ Name: 'events', Properties: {}, Subscriptions: [{ Name: 'audit', Properties: receivable }] }],
      },
    ],
  },
};

let broker: ServiceBusBroker;
let runtime: ChildRuntimeHandle;
let sender: ServiceBusClient;
let settingsDir: string;

beforeAll(async () => {
  broker = await startServiceBusBroker({ port: 0, config: brokerConfig });
  // The connection and the queue name come from a local.settings.json, loaded into the environment as func does.
  settingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-sb-settings-'));
  const localSettings = path.join(settingsDir, 'local.settings.json');
  fs.writeFileSync(localSettings, JSON.stringify({ IsEncrypted: false, Values: { ServiceBusConnection: broker.connectionString, RUNTIME_TEST_QUEUE: 'runtime-orders' } }));
  runtime = await spawnLocalRuntime({
    appRoot: path.resolve(__dirname, '../../fixtures/runtime-app/service-bus'),
    localSettingsPath: localSettings,
    logLevel: 'warning',
  });
  sender = new ServiceBusClient(broker.connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 5000 } });
});

afterAll(async () => {
  await sender?.close();
  await runtime?.stop();
  await broker?.stop();
  fs.rmSync(settingsDir, { recursive: true, force: true });
});

test('a queue message (queue name from %SETTING%) reaches the function with the host trigger metadata', async () => {
  const queueSender = sender.createSender('runtime-orders');
  await queueSender.sendMessages({
    body: { orderId: 'sb-1', sku: 'ABC' },
    messageId: 'message-sb-1',
    correlationId: 'erp-sb-1',
    subject: 'order',
    applicationProperties: { source: 'erp', priority: 2 },
  });
  await queueSender.close();
  const status = await runtime.waitForInstance('queue-sb-1', { timeoutMs: 15_000 });
  expect(status.runtimeStatus).toBe('Completed');
  const output = status.output as Record<string, unknown>;
  expect(output).toMatchObject({
    body: { orderId: 'sb-1', sku: 'ABC' },
    messageId: 'message-sb-1',
    deliveryCount: 1,
    correlationId: 'erp-sb-1',
    subject: 'order',
    applicationProperties: { source: 'erp', priority: 2 },
    functionName: 'QueueTrigger',
  });
  expect(Number.isNaN(Date.parse(output.enqueuedTimeUtc as string))).toBe(false);
  await runtime.runUntilIdle();
  // Completed after success: nothing left on the queue.
  expect(broker.inspect.counts('runtime-orders')).toMatchObject({ active: 0, deadLetter: 0 });
});

test('a topic subscription message reaches its trigger', async () => {
  const topicSender = sender.createSender('events');
  await topicSender.sendMessages({ body: { orderId: 'sb-2' }, messageId: 'message-sb-2' });
  await topicSender.close();
  const status = await runtime.waitForInstance('topic-sb-2', { timeoutMs: 15_000 });
  expect(status.output).toMatchObject({ body: { orderId: 'sb-2' }, messageId: 'message-sb-2', functionName: 'TopicTrigger' });
});

test('a poison message is abandoned on every failure until max delivery count dead-letters it', async () => {
  const before = (await runtime.stats()).serviceBusMessages;
  const queueSender = sender.createSender('runtime-orders');
  await queueSender.sendMessages({ body: { orderId: 'sb-poison', poison: true }, messageId: 'message-poison' });
  await queueSender.close();
  const deadline = Date.now() + 15_000;
  while (broker.inspect.deadLetters('runtime-orders').length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const deadLetters = broker.inspect.deadLetters('runtime-orders');
  expect(deadLetters).toHaveLength(1);
  expect(deadLetters[0]).toMatchObject({ messageId: 'message-poison', deadLetterReason: 'MaxDeliveryCountExceeded' });
  await runtime.runUntilIdle();
  expect((await runtime.stats()).serviceBusMessages - before).toBe(maxDeliveryCount);
  const statusResponse = await fetch(`${runtime.durableApiUrl}/instances/queue-sb-poison`);
  expect(statusResponse.status).toBe(404);
});
