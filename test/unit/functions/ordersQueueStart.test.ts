import { loadWorkflowPolicy } from '../../../shared/config';
// The queue trigger's handler with the real results publisher on the local broker; the Durable client is the
// in-memory stand-in (see inMemoryInstances.ts for why).
import { InvocationContext } from '@azure/functions';
import { ServiceBusClient } from '@azure/service-bus';
import { createOrdersQueueHandler } from '../../../functions/ordersQueueStart';
import { ERP_SUBSCRIPTION, RESULTS_TOPIC, startServiceBusBroker, type ServiceBusBroker } from '../../../local/service-bus';
import type { ProcessOrderInput } from '../../../orchestrations';
import { createServiceBusResultPublisher, type ResultPublisher } from '../../../shared/results';
import { orderInstanceId } from '../../../shared/orders';
import { CUSTOMER_ID, validOrder } from '../../fixtures/orders/requests';
import { InMemoryInstances } from './inMemoryInstances';

const FAST = { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 5000 } };
const NOW = new Date('2026-03-02T09:00:00.000Z');

let broker: ServiceBusBroker;
let publisher: ResultPublisher;
let instances: InMemoryInstances;
let handler: ReturnType<typeof createOrdersQueueHandler>;
const logs: string[] = [];

const POLICY = loadWorkflowPolicy({ ORDER_POLL_INITIAL_INTERVAL: 'PT20S' });

beforeAll(async () => {
  broker = await startServiceBusBroker({ port: 0 });
  publisher = createServiceBusResultPublisher({ target: { connectionString: broker.connectionString }, topic: RESULTS_TOPIC, clientOptions: FAST });
});
afterAll(async () => {
  await publisher.close();
  await broker.stop();
});
beforeEach(() => {
  instances = new InMemoryInstances();
  logs.length = 0;
  handler = createOrdersQueueHandler({ publisher, getClient: () => instances, policy: POLICY, now: () => NOW });
});

const context = (messageId: string) =>
  new InvocationContext({ invocationId: 'inv-1', functionName: 'ordersQueueStart', triggerMetadata: { messageId }, logHandler: (_level, ...args) => logs.push(args.join(' ')) });

async function drainResults() {
  const client = new ServiceBusClient(broker.connectionString, FAST);
  try {
    const receiver = client.createReceiver(RESULTS_TOPIC, ERP_SUBSCRIPTION, { receiveMode: 'receiveAndDelete' });
    return await receiver.receiveMessages(10, { maxWaitTimeInMs: 700 });
  } finally {
    await client.close();
  }
}

describe('ordersQueueStart', () => {
  test('starts processOrder under the order\'s instance id with the request, receipt time and policy', async () => {
    await handler(validOrder(), context('m-1'));
    expect(instances.starts).toEqual([
      // startId: a fresh random id per start, for the order-id claim.
      { name: 'processOrder', instanceId: 'order-SO-10001', input: { request: validOrder(), receivedAt: NOW.toISOString(), policy: POLICY, startId: expect.stringMatching(/^[0-9a-f-]{36}$/) } satisfies ProcessOrderInput },
    ]);
    expect(logs.join('\n')).toMatch(/SO-10001 \(message m-1\) started as instance order-SO-10001/);
  });

  test('accepts the body as a JSON string or bytes, as the host may deliver it', async () => {
    await handler(JSON.stringify(validOrder({ orderId: 'SO-2' })), context('m-2'));
    await handler(Buffer.from(JSON.stringify(validOrder({ orderId: 'SO-3' }))), context('m-3'));
    expect(instances.starts.map((s) => s.instanceId)).toEqual(['order-SO-2', 'order-SO-3']);
  });

  test.each(['Running', 'Completed', 'Failed', 'Terminated'])('a redelivered order whose instance is %s is acknowledged and never started again', async (runtimeStatus) => {
    instances.put('order-SO-10001', { runtimeStatus, input: { request: validOrder() } });
    await expect(handler(validOrder(), context('m-4'))).resolves.toBeUndefined();
    expect(instances.starts).toHaveLength(0);
    expect(logs.join('\n')).toMatch(new RegExp(`already has instance order-SO-10001 \\(${runtimeStatus}\\); nothing started`));
    expect(await drainResults()).toHaveLength(0);
  });

  test('a start refused because another delivery started the same id meanwhile counts as a duplicate', async () => {
    instances.beforeStart = (id) => void instances.put(id, { runtimeStatus: 'Pending', input: { request: validOrder() } });
    await expect(handler(validOrder(), context('m-5'))).resolves.toBeUndefined();
    expect(instances.starts).toHaveLength(0);
    expect(logs.join('\n')).toMatch(/nothing started/);
    expect(await drainResults()).toHaveLength(0);
  });

  test('the same order in another form (id case, Unicode form, GUID case, field names, key order) is a redelivery: completed quietly', async () => {
    const instanceId = orderInstanceId('CAF\u00C9-1');
    instances.put(instanceId, { runtimeStatus: 'Running', input: { request: validOrder({ orderId: 'CAF\u00C9-1' }) } });
    const { customerId, lineItems } = validOrder();
    const reordered = lineItems.map((line) => Object.fromEntries(Object.entries(line).reverse()));
    await handler({ lineItems: reordered, CUSTOMERID: customerId.toUpperCase(), orderId: 'cafe\u0301-1' }, context('m-20'));
    expect(instances.starts).toHaveLength(0);
    expect(await drainResults()).toHaveLength(0);
    expect(logs.join('\n')).toContain(`already has instance ${instanceId} (Running); nothing started`);
  });

  // Each case its own message id: the topic drops a second message with the same id (duplicate detection).
  test.each<[string, string, Record<string, unknown>, string]>([
    ['another customer', 'm-21', { customerId: '0b7f0e3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b' }, 'customerId differs'],
    ['other line items', 'm-22', { lineItems: [{ ...validOrder().lineItems[0], quantity: 6 }, validOrder().lineItems[1]] }, 'lineItems differs'],
    ['another customer and a lower-case id', 'm-23', { orderId: 'so-10001', customerId: '0b7f0e3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b', lineItems: [validOrder().lineItems[1]] }, 'customerId, lineItems differ'],
  ])('a message reusing an order id with %s gets a rejection naming orderId, and nothing starts', async (_label, messageId, change, differs) => {
    instances.put('order-SO-10001', { runtimeStatus: 'Completed', input: { request: validOrder() }, createdTime: new Date('2026-03-01T08:00:00Z') });
    const message = { ...validOrder(), ...change };
    await handler(message, context(messageId));
    expect(instances.starts).toHaveLength(0);
    const results = await drainResults();
    expect(results.map((m) => [m.messageId, m.subject, m.correlationId])).toEqual([[`rejected:${messageId}`, 'rejected', messageId]]);
    expect(results[0].body).toEqual({
      kind: 'rejection',
      messageId,
      claimedOrderId: message.orderId,
      claimedOrderExists: true,
      claimedInstanceId: 'order-SO-10001',
      customerId: message.customerId,
      errors: [{ source: 'validation', field: 'orderId', message: `already used by a different request (its ${differs}) (instance order-SO-10001 started at 2026-03-01T08:00:00.000Z); nothing was started` }],
      rejectedAt: NOW.toISOString(),
    });
    expect(logs.join('\n')).toMatch(new RegExp(`${messageId} rejected: order id .* is already used by a different request`));
  });

  test('an order id whose instance input cannot be read back is not taken as the same order: rejected, nothing starts', async () => {
    instances.put('order-SO-10001', { runtimeStatus: 'Completed', input: null });
    await handler(validOrder(), context('m-24'));
    expect(instances.starts).toHaveLength(0);
    const [result] = await drainResults();
    expect(result.body).toMatchObject({ claimedOrderExists: true, errors: [{ field: 'orderId', message: expect.stringMatching(/^already used by an order whose request could not be read back to compare \(instance order-SO-10001 started at .*\); nothing was started$/) }] });
  });

  test('an unreachable Durable backend is thrown so Service Bus redelivers the message', async () => {
    instances.unreachable = true;
    await expect(handler(validOrder(), context('m-6'))).rejects.toThrow(/ECONNREFUSED/);
  });

  test('an invalid message is not retried: its rejection names the message and the order id it claimed, correlated with the message', async () => {
    await handler({ ...validOrder(), customerId: 'contoso/../x\r\n' }, context('m-7'));
    await handler('{not json', context('m-8'));
    await handler(Buffer.from([0x7b, 0x22, 0x6f, 0xff, 0x22, 0x7d]), context('m-9'));
    expect(instances.starts).toHaveLength(0);
    const results = await drainResults();
    expect(results.map((m) => [m.messageId, m.subject, m.correlationId])).toEqual([
      ['rejected:m-7', 'rejected', 'm-7'],
      ['rejected:m-8', 'rejected', 'm-8'],
      ['rejected:m-9', 'rejected', 'm-9'],
    ]);
    expect(results[0].body).toEqual({
      kind: 'rejection',
      messageId: 'm-7',
      claimedOrderId: 'SO-10001',
      claimedOrderExists: false,
      claimedInstanceId: null,
      customerId: null,
      errors: [{ source: 'validation', field: 'customerId', message: expect.stringMatching(/GUID/) }],
      rejectedAt: NOW.toISOString(),
    });
    expect(JSON.stringify(results[0].body)).not.toContain('contoso');
    expect(results[1].body).toMatchObject({ claimedOrderId: null, errors: [{ field: '(body)', message: expect.stringMatching(/not valid JSON/) }] });
    expect(results[2].body).toMatchObject({ claimedOrderId: null, errors: [{ field: '(body)', message: expect.stringMatching(/not UTF-8/) }] });
    expect(logs.join('\n')).toMatch(/m-7 rejected \(claimed order id SO-10001\): customerId must be a GUID/);
  });

  test('a rejection whose claimed id is an existing order says so and leaves that order alone', async () => {
    instances.put('order-SO-10001', { runtimeStatus: 'Completed', output: { kind: 'outcome', status: 'completed' } });
    await handler({ ...validOrder(), lineItems: 'none' }, context('m-10'));
    const [result] = await drainResults();
    expect(result.correlationId).toBe('m-10');
    expect(result.applicationProperties).toEqual({ kind: 'rejection', status: 'rejected', rejectedMessageId: 'm-10', customerId: CUSTOMER_ID });
    expect(result.body).toMatchObject({ kind: 'rejection', claimedOrderId: 'SO-10001', claimedOrderExists: true, claimedInstanceId: 'order-SO-10001' });
    expect(result.body).not.toHaveProperty('orderId');
    expect(instances.starts).toHaveLength(0);
    expect(instances.instances.get('order-SO-10001')?.runtimeStatus).toBe('Completed');
  });

  test('a claimed id with line separators and bidi overrides is escaped in the rejection and in the log', async () => {
    await handler({ ...validOrder(), orderId: 'SO-\u0085\u2028\u202e1' }, context('m-11'));
    const [result] = await drainResults();
    expect(result.body).toMatchObject({
      claimedOrderId: 'SO-\\u{0085}\\u{2028}\\u{202E}1',
      errors: [{ field: 'orderId', message: expect.stringMatching(/control characters.*U\+0085/) }],
    });
    const line = logs.find((l) => l.includes('m-11')) ?? '';
    expect(line).toContain('SO-\\u{0085}\\u{2028}\\u{202E}1');
    expect(line).not.toMatch(/[\u0085\u2028\u202e]/);
  });
});
