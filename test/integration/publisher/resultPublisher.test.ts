// The result publisher against the local Service Bus-compatible broker, through the real @azure/service-bus SDK:
// the project's default entities (topic `order-results`, subscription `erp`, duplicate detection on).
import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { ERP_SUBSCRIPTION, RESULTS_TOPIC, startServiceBusBroker, type ServiceBusBroker } from '../../../local/service-bus';
import { createOrderActivities } from '../../../orchestrations/activities';
import { orderInstanceId, type MessageRejection, type OrderOutcome, type SubmittedMilestone } from '../../../shared/orders';
import type { PartnerCenterClient } from '../../../shared/partner-center';
import { createServiceBusResultPublisher, type ResultPublisher } from '../../../shared/results';
import { CUSTOMER_ID } from '../../fixtures/orders/requests';

const FAST = { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 5000 } };
const instanceId = orderInstanceId('SO-10001');

const outcome: OrderOutcome = {
  kind: 'outcome',
  status: 'completed',
  orderId: 'SO-10001',
  customerId: CUSTOMER_ID,
  instanceId,
  cartId: 'cart-1',
  orders: [{ id: 'a68736758d9c', status: 'completed', billingCycle: 'monthly', lineItems: [{ lineItemNumber: 0, offerId: 'CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5', quantity: 5, subscriptionId: 'sub-1' }] }],
  errors: [],
  receivedAt: '2026-03-02T09:00:00.000Z',
  submittedAt: '2026-03-02T09:00:05.000Z',
  finishedAt: '2026-03-02T09:02:00.000Z',
};
const milestone: SubmittedMilestone = {
  kind: 'submitted',
  orderId: 'SO-10001',
  customerId: CUSTOMER_ID,
  instanceId,
  cartId: 'cart-1',
  orders: [{ ...outcome.orders[0], status: 'pending', lineItems: [{ lineItemNumber: 0, offerId: 'CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5', quantity: 5 }] }],
  errors: [],
  submittedAt: '2026-03-02T09:00:05.000Z',
};

let broker: ServiceBusBroker;
const opened: { close(): Promise<void> }[] = [];

beforeEach(async () => {
  broker = await startServiceBusBroker({ port: 0 });
});
afterEach(async () => {
  for (const resource of opened.splice(0).reverse()) await resource.close();
  await broker.stop();
});

function publisher(): ResultPublisher {
  const p = createServiceBusResultPublisher({ target: { connectionString: broker.connectionString }, topic: RESULTS_TOPIC, clientOptions: FAST });
  opened.push(p);
  return p;
}

/** Everything on the ERP's subscription, received and completed through the SDK. */
async function receiveAll(): Promise<ServiceBusReceivedMessage[]> {
  const client = new ServiceBusClient(broker.connectionString, FAST);
  opened.push(client);
  const receiver = client.createReceiver(RESULTS_TOPIC, ERP_SUBSCRIPTION);
  const messages = await receiver.receiveMessages(10, { maxWaitTimeInMs: 700 });
  for (const message of messages) await receiver.completeMessage(message);
  await receiver.close();
  return messages;
}

describe('Service Bus result publisher', () => {
  test('publishes the outcome with its identity, subject, filter properties and JSON body', async () => {
    expect(await publisher().publish(outcome)).toEqual({ messageId: `${instanceId}:completed` });
    const [message, ...rest] = await receiveAll();
    expect(rest).toHaveLength(0);
    expect(message.messageId).toBe('order-SO-10001:completed');
    expect(message.correlationId).toBe('SO-10001');
    expect(message.subject).toBe('completed');
    expect(message.contentType).toBe('application/json');
    expect(message.applicationProperties).toEqual({ kind: 'outcome', status: 'completed', orderId: 'SO-10001', customerId: CUSTOMER_ID, instanceId });
    expect(message.body).toEqual(outcome);
  });

  test('a retried publish (same process, then a new process) produces exactly one message', async () => {
    const first = publisher();
    await first.publish(outcome);
    await first.publish(outcome);
    // After a host restart the activity runs again in a new process with a new AMQP connection.
    await publisher().publish(outcome);
    const messages = await receiveAll();
    expect(messages.map((m) => m.messageId)).toEqual(['order-SO-10001:completed']);
  });

  test('the milestone and the outcome are two messages with their own ids, in order', async () => {
    const p = publisher();
    await p.publish(milestone);
    await p.publish(outcome);
    const messages = await receiveAll();
    expect(messages.map((m) => [m.messageId, m.subject, m.applicationProperties?.status])).toEqual([
      ['order-SO-10001:submitted', 'submitted', 'submitted'],
      ['order-SO-10001:completed', 'completed', 'completed'],
    ]);
    expect(messages[0].body).toEqual(milestone);
  });

  test('a message rejection is identified and correlated by the queue message it answers, never by an order', async () => {
    const rejection: MessageRejection = {
      kind: 'rejection',
      messageId: 'sb-msg-42',
      claimedOrderId: 'SO-10001',
      claimedOrderExists: true,
      claimedInstanceId: 'order-SO-10001',
      customerId: null,
      errors: [{ source: 'validation', field: 'lineItems', message: 'must be an array of 1 to 100 line items (got nothing)' }],
      rejectedAt: '2026-03-02T09:00:00.000Z',
    };
    const p = publisher();
    await p.publish(rejection);
    await p.publish(rejection);
    const messages = await receiveAll();
    expect(messages).toHaveLength(1);
    expect(messages[0].messageId).toBe('rejected:sb-msg-42');
    expect(messages[0].subject).toBe('rejected');
    expect(messages[0].correlationId).toBe('sb-msg-42');
    expect(messages[0].applicationProperties).toEqual({ kind: 'rejection', status: 'rejected', rejectedMessageId: 'sb-msg-42' });
    expect(messages[0].body).toEqual(rejection);
  });

  test('the publishResult activity publishes through the injected publisher and returns the message id', async () => {
    const unusedPartnerCenter = {} as PartnerCenterClient; // publishResult never calls Partner Center
    const activities = createOrderActivities({ partnerCenter: unusedPartnerCenter, publisher: publisher() });
    expect(await activities.publishResult(milestone)).toEqual({ ok: true, value: { messageId: 'order-SO-10001:submitted' } });
    expect(await activities.publishResult(milestone)).toEqual({ ok: true, value: { messageId: 'order-SO-10001:submitted' } });
    expect((await receiveAll()).map((m) => m.messageId)).toEqual(['order-SO-10001:submitted']);
  });
});
