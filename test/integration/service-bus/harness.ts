/** Starts a broker and real @azure/service-bus clients against it, with short retries so no failure waits long. */
import { ServiceBusClient, type ServiceBusClientOptions } from '@azure/service-bus';
import { startServiceBusBroker, type ServiceBusBroker, type ServiceBusBrokerOptions } from '../../../local/service-bus';

export const FAST_RETRIES: ServiceBusClientOptions = { retryOptions: { maxRetries: 0, retryDelayInMs: 100, timeoutInMs: 5000 } };

export interface Harness {
  broker: ServiceBusBroker;
  client: ServiceBusClient;
  /** Another client (its own AMQP connection), closed with the harness. */
  newClient(connectionString?: string): ServiceBusClient;
  close(): Promise<void>;
}

/** A small Config.json (emulator format) used by most tests: a queue, a topic with two subscriptions. */
export function testConfig(overrides: { maxDeliveryCount?: number; lockDuration?: string } = {}): unknown {
  const receivable = { LockDuration: overrides.lockDuration ?? 'PT1M', MaxDeliveryCount: overrides.maxDeliveryCount ?? 10 };
  return {
    UserConfig: {
      Namespaces: [
        {
          Name: 'sbemulatorns',
          Queues: [
            { Name: 'work', Properties: { ...receivable, RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: 'PT1M' } },
            { Name: 'plain', Properties: receivable },
          ],
          Topics: [
            {
              Name: 'events',
              Properties: { RequiresDuplicateDetection: false },
              Subscriptions: [
                { Name: 'audit', Properties: receivable },
                { Name: 'billing', Properties: receivable },
                {
                  Name: 'json-only',
                  Properties: receivable,
                  Rules: [{ Name: 'json', Properties: { FilterType: 'Correlation', CorrelationFilter: { ContentType: 'application/json', Properties: { region: 'eu' } } } }],
                },
              ],
            },
          ],
        },
      ],
      Logging: { Type: 'Console' },
    },
  };
}

export async function startHarness(options: ServiceBusBrokerOptions = {}): Promise<Harness> {
  const broker = await startServiceBusBroker({ config: testConfig(), ...options });
  const clients: ServiceBusClient[] = [];
  const newClient = (connectionString = broker.connectionString): ServiceBusClient => {
    const client = new ServiceBusClient(connectionString, FAST_RETRIES);
    clients.push(client);
    return client;
  };
  const client = newClient();
  return {
    broker,
    client,
    newClient,
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await broker.stop();
    },
  };
}
