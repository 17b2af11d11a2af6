// What Service Bus can do to the app's outcome publish, through the whole app: the broker stores the outcome and its
// acknowledgement is lost. The publisher's own retry options (shared/results/publisher.ts PUBLISH_RETRY_OPTIONS: 20 s
// per try, 2 s before a retry) set the wall time this test waits, about 25 s.
import { EventType } from '../../local/runtime';
import { orderInstanceId, type MessageRejection } from '../../shared/orders';
import { toServiceBusMessage } from '../../shared/results';
import { validOrder } from '../fixtures/orders/requests';
import { customerIdFor, ERP_SUBSCRIPTION, postJson, receiveResults, useE2eStack } from './stack';

const stack = useE2eStack();

it('an outcome whose acknowledgement was lost is retried by the SDK and by the publishResult activity, and the ERP gets it once', async () => {
  const order = validOrder({ orderId: 'SO-SB-LOST-ACK', customerId: customerIdFor('service-bus-lost-ack') });
  const instanceId = orderInstanceId(order.orderId);
  const outcome = { subject: 'completed', correlationId: order.orderId };
  // First send: stored, never acknowledged, so the SDK times out and sends again; that retry finds the topic full
  // (QuotaExceeded, not retryable), so the publish throws and the Durable retry policy runs the activity again.
  stack.broker.controls.dropAcknowledgements('order-results', 1, outcome);
  stack.broker.controls.failNextSends('order-results', 1, 'amqp:resource-limit-exceeded', outcome);

  const accepted = await postJson(`${stack.runtime.apiBaseUrl}/orders`, order);
  expect(accepted.status).toBe(202);
  const final = await stack.runtime.waitForInstance(instanceId, { timeoutMs: 90_000 });
  expect(final.runtimeStatus).toBe('Completed');

  // Three transfers of the outcome reached the broker: stored unacknowledged, refused, and the activity's retry,
  // which duplicate detection dropped (the message id is derived from the instance, not random).
  expect(stack.broker.controls.injected('order-results')).toEqual({ failed: 1, unacknowledged: 1 });
  expect(stack.broker.controls.pendingFaults('order-results')).toBe(0);

  const history = await stack.runtime.getHistory(instanceId);
  const scheduled = new Map(history.filter((e) => e.EventType === EventType.TaskScheduled).map((e) => [e.EventId, e.Name]));
  const publishes = history.filter((e) => e.EventType === EventType.TaskScheduled && e.Name === 'publishResult');
  const failedPublishes = history.filter((e) => e.EventType === EventType.TaskFailed && scheduled.get(e.TaskScheduledId!) === 'publishResult');
  // The milestone once, the outcome twice: the first attempt failed with the SDK's QuotaExceeded.
  expect(publishes).toHaveLength(3);
  expect(failedPublishes).toHaveLength(1);
  // After more than one try core-amqp's retry throws an AggregateError of them all (retry.js), whose message is empty;
  // the publisher rethrows the last try's error, so the failure says what went wrong.
  expect(failedPublishes[0].Reason).toContain("Activity function 'publishResult' failed");
  expect(failedPublishes[0].Reason).toContain("The maximum entity size has been reached or exceeded for 'order-results'");
  expect(failedPublishes[0].Details).not.toContain('AggregateError');

  const messages = (await receiveResults(stack, 3, 2_000)).filter((m) => m.correlationId === order.orderId);
  expect(messages.map((m) => m.subject)).toEqual(['submitted', 'completed']);
  expect(messages[1].messageId).toBe(`${instanceId}:completed`);
  expect(messages[1].body.status).toBe('completed');
}, 120_000);

it('the topic forgets a message id after its hour-long duplicate detection window on the runtime\'s virtual clock', async () => {
  const rejection: MessageRejection = {
    kind: 'rejection',
    messageId: 'sb-window-1',
    claimedOrderId: null,
    claimedOrderExists: false,
    claimedInstanceId: null,
    customerId: null,
    errors: [{ source: 'validation', field: 'orderId', message: 'is required' }],
    rejectedAt: (await stack.runtime.now()).toISOString(),
  };
  const sender = stack.serviceBus.createSender('order-results');
  const copies = () => stack.broker.inspect.messages(ERP_SUBSCRIPTION).filter((m) => m.messageId === 'rejected:sb-window-1').length;
  try {
    await sender.sendMessages(toServiceBusMessage(rejection));
    await stack.runtime.advanceClock(59 * 60_000);
    await sender.sendMessages(toServiceBusMessage(rejection));
    expect(copies()).toBe(1);
    // 61 minutes after the first send: past the window (PT1H, as in infra/app/servicebus.bicep), a new message.
    await stack.runtime.advanceClock(2 * 60_000);
    await sender.sendMessages(toServiceBusMessage(rejection));
    expect(copies()).toBe(2);
    await sender.sendMessages(toServiceBusMessage(rejection));
    expect(copies()).toBe(2);
  } finally {
    await sender.close();
  }
});
