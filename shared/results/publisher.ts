// Publishes order results to the results topic through @azure/service-bus. One client and one sender per process
// (created at startup, reused by every activity invocation): AMQP connections are expensive to open.

import { ServiceBusClient, type ServiceBusClientOptions, type ServiceBusSender } from '@azure/service-bus';
import type { TokenCredential } from '@azure/identity';
import type { ResultMessage } from '../orders';
import { toServiceBusMessage } from './resultMessage';

export interface ResultPublisher {
  /** Sends one result; resolves with its message id once Service Bus has accepted it. */
  publish(message: ResultMessage): Promise<{ messageId: string }>;
  close(): Promise<void>;
}

/** The Service Bus publisher, which can also prove it may send to the topic without sending (the health endpoint). */
export interface ServiceBusResultPublisher extends ResultPublisher {
  /** Opens the send link (authorisation and the topic's existence are checked on attach); sends nothing. */
  probeSend(): Promise<void>;
}

export type ServiceBusTarget =
  | { connectionString: string }
  /** Managed identity / Entra ID: `ServiceBusConnection__fullyQualifiedNamespace`. */
  | { fullyQualifiedNamespace: string; credential: TokenCredential };

export interface ServiceBusResultPublisherOptions {
  target: ServiceBusTarget;
  topic: string;
  clientOptions?: ServiceBusClientOptions;
}

/**
 * The SDK's own retries inside one publish. Its defaults (60 s per try, 30 s between tries, 3 retries) would hold an
 * activity for about 5.5 minutes on a send whose acknowledgement never comes; the activity's retry policy and then
 * the orchestration's durable waits handle longer trouble, so one publish gives up within about a minute.
 */
export const PUBLISH_RETRY_OPTIONS = { maxRetries: 2, retryDelayInMs: 2_000, maxRetryDelayInMs: 10_000, timeoutInMs: 20_000 } as const;

export function createServiceBusResultPublisher(options: ServiceBusResultPublisherOptions): ServiceBusResultPublisher {
  const clientOptions: ServiceBusClientOptions = { ...options.clientOptions, retryOptions: { ...PUBLISH_RETRY_OPTIONS, ...options.clientOptions?.retryOptions } };
  const client =
    'connectionString' in options.target
      ? new ServiceBusClient(options.target.connectionString, clientOptions)
      : new ServiceBusClient(options.target.fullyQualifiedNamespace, options.target.credential, clientOptions);
  const sender: ServiceBusSender = client.createSender(options.topic);
  return {
    async publish(message) {
      const sbMessage = toServiceBusMessage(message);
      try {
        await sender.sendMessages(sbMessage);
      } catch (error) {
        // After more than one try the SDK throws an AggregateError of them all, whose message is empty: the last try's
        // error says what went wrong (e.g. QuotaExceeded), for the logs and the activity's failure.
        if (error instanceof AggregateError && error.errors.length > 0) throw error.errors[error.errors.length - 1];
        throw error;
      }
      return { messageId: String(sbMessage.messageId) };
    },
    async probeSend() {
      // A batch needs the link's maximum message size, so creating one attaches the sender link and nothing is sent.
      await sender.createMessageBatch();
    },
    async close() {
      await sender.close();
      await client.close();
    },
  };
}
