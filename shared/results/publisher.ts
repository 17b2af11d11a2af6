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

export function createServiceBusResultPublisher(options: ServiceBusResultPublisherOptions): ServiceBusResultPublisher {
  const client =
    'connectionString' in options.target
      ? new ServiceBusClient(options.target.connectionString, options.clientOptions)
      : new ServiceBusClient(options.target.fullyQualifiedNamespace, options.target.credential, options.clientOptions);
  const sender: ServiceBusSender = client.createSender(options.topic);
  return {
    async publish(message) {
      const sbMessage = toServiceBusMessage(message);
      await sender.sendMessages(sbMessage);
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
