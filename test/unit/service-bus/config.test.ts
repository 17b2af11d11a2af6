/** Config.json parsing: the emulator format is read faithfully, and every problem is reported by its JSON path. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBrokerConfig } from '../../../local/service-bus/config';
import {
  DEFAULT_NAMESPACE,
  ERP_SUBSCRIPTION,
  ORDERS_QUEUE,
  RESULTS_TOPIC,
  defaultBrokerConfigDocument,
} from '../../../local/service-bus/defaultEntities';

const namespace = (body: Record<string, unknown>) => ({ UserConfig: { Namespaces: [{ Name: 'sbemulatorns', ...body }], Logging: { Type: 'File' } } });

test('the official emulator sample Config.json is read with its properties', () => {
  const config = parseBrokerConfig({
    UserConfig: {
      Namespaces: [
        {
          Name: 'sbemulatorns',
          Queues: [
            {
              Name: 'queue.1',
              Properties: {
                DeadLetteringOnMessageExpiration: false,
                DefaultMessageTimeToLive: 'PT1H',
                DuplicateDetectionHistoryTimeWindow: 'PT20S',
                ForwardDeadLetteredMessagesTo: '',
                ForwardTo: '',
                LockDuration: 'PT1M',
                MaxDeliveryCount: 3,
                RequiresDuplicateDetection: false,
                RequiresSession: false,
              },
            },
          ],
          Topics: [
            {
              Name: 'topic.1',
              Properties: { DefaultMessageTimeToLive: 'PT1H', DuplicateDetectionHistoryTimeWindow: 'PT20S', RequiresDuplicateDetection: true },
              Subscriptions: [
                {
                  Name: 'subscription.1',
                  Properties: { DeadLetteringOnMessageExpiration: true, DefaultMessageTimeToLive: 'PT1H', LockDuration: 'PT5S', MaxDeliveryCount: 3, ForwardDeadLetteredMessagesTo: '', ForwardTo: '', RequiresSession: false },
                  Rules: [{ Name: 'app-prop-filter-1', Properties: { FilterType: 'Correlation', CorrelationFilter: { ContentType: 'application/json', Label: 'x', Properties: { prop1: 'value1' } } } }],
                },
              ],
            },
          ],
        },
      ],
      Logging: { Type: 'File' },
    },
  });
  expect(config.namespace).toBe('sbemulatorns');
  expect(config.queues).toEqual([
    { name: 'queue.1', settings: { lockDurationMs: 60_000, maxDeliveryCount: 3, defaultTtlMs: 3_600_000, deadLetterOnExpiration: false }, duplicateDetection: undefined },
  ]);
  expect(config.topics[0].duplicateDetection).toEqual({ windowMs: 20_000 });
  expect(config.topics[0].subscriptions[0]).toEqual({
    name: 'subscription.1',
    settings: { lockDurationMs: 5_000, maxDeliveryCount: 3, defaultTtlMs: 3_600_000, deadLetterOnExpiration: true },
    rules: [{ name: 'app-prop-filter-1', filter: { kind: 'correlation', correlation: { contentType: 'application/json', subject: 'x', applicationProperties: { prop1: 'value1' } } } }],
  });
});

test('left-out properties take the Service Bus defaults', () => {
  const config = parseBrokerConfig(namespace({ Queues: [{ Name: 'q' }] }));
  expect(config.queues[0]).toEqual({ name: 'q', settings: { lockDurationMs: 60_000, maxDeliveryCount: 10, defaultTtlMs: 3_600_000, deadLetterOnExpiration: false }, duplicateDetection: undefined });
  expect(config.emulatorWarnings).toEqual([]);
});

test('values the official emulator would refuse are accepted with a note, so short test locks stay possible', () => {
  const config = parseBrokerConfig(namespace({ Queues: [{ Name: 'q', Properties: { LockDuration: 'PT0.5S', MaxDeliveryCount: 20 } }] }));
  expect(config.queues[0].settings).toMatchObject({ lockDurationMs: 500, maxDeliveryCount: 20 });
  expect(config.emulatorWarnings).toEqual([
    "UserConfig.Namespaces[0].Queues[0].Properties.MaxDeliveryCount is outside the official emulator's range 1 to 10; this broker accepts it, the emulator would not",
    "UserConfig.Namespaces[0].Queues[0].Properties.LockDuration is outside the official emulator's range PT5S to PT5M; this broker accepts it, the emulator would not",
  ]);
});

test('every problem is listed with its path and what was expected', () => {
  let message = '';
  try {
    parseBrokerConfig(
      namespace({
        Queues: [{ Name: 'q', Properties: { LockDuration: '60 seconds', MaxDeliveryCount: 0, RequiresSession: true } }, { Name: 'Q' }],
        Topics: [{ Name: 't', Subscriptions: [{ Name: 's', Rules: [{ Name: 'r', Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: "color = 'red'" } } }] }] }],
      }),
      'my-config.json',
    );
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toContain('Invalid Service Bus broker configuration (my-config.json)');
  expect(message).toContain('UserConfig.Namespaces[0].Queues[0].Properties.LockDuration: expected a positive ISO 8601 duration such as "PT1M" or "PT5S", got "60 seconds"');
  expect(message).toContain('UserConfig.Namespaces[0].Queues[0].Properties.MaxDeliveryCount: expected an integer of at least 1, got 0');
  expect(message).toContain('Queues[0].Properties.RequiresSession: expected false (sessions are not supported by this broker)');
  expect(message).toContain('the name "Q" is declared twice');
  expect(message).toContain('Topics[0].Subscriptions[0].Rules[0].Properties.SqlFilter.SqlExpression: expected "1=1" or "1=0" (SQL filters are not supported by this broker; use a Correlation filter)');
});

test('a document that is not an emulator config says what is missing', () => {
  expect(() => parseBrokerConfig({ Queues: [] })).toThrow('UserConfig: expected an object, got undefined');
  expect(() => parseBrokerConfig({ UserConfig: { Namespaces: [] } })).toThrow('UserConfig.Namespaces: expected exactly one namespace');
});

test('trivial SQL filters become constant rules', () => {
  const config = parseBrokerConfig(
    namespace({ Topics: [{ Name: 't', Subscriptions: [{ Name: 'all', Rules: [{ Name: 'r', Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: '1 = 1' } } }] }] }] }),
  );
  expect(config.topics[0].subscriptions[0].rules).toEqual([{ name: 'r', filter: { kind: 'constant', matches: true } }]);
});

test('the default configuration declares the project entity names the rest of the project uses', () => {
  const fromFile = JSON.parse(readFileSync(join(__dirname, '../../../local/service-bus/config.default.json'), 'utf8'));
  expect(defaultBrokerConfigDocument).toEqual(fromFile);
  const config = parseBrokerConfig(defaultBrokerConfigDocument);
  // Production's hour-long duplicate detection window (infra/app/servicebus.bicep) is past the emulator's PT5M range.
  expect(config.emulatorWarnings).toHaveLength(2);
  expect(config.emulatorWarnings.every((w) => w.includes('DuplicateDetectionHistoryTimeWindow is outside the official emulator\'s range PT5S to PT5M'))).toBe(true);
  expect([config.queues[0].duplicateDetection?.windowMs, config.topics[0].duplicateDetection?.windowMs]).toEqual([3_600_000, 3_600_000]);
  expect(config.namespace).toBe(DEFAULT_NAMESPACE);
  expect(config.queues.map((q) => q.name)).toEqual([ORDERS_QUEUE]);
  expect(config.queues[0].duplicateDetection).toBeDefined();
  expect(config.queues[0].settings).toMatchObject({ maxDeliveryCount: 10, lockDurationMs: 60_000 });
  expect(config.topics.map((t) => [t.name, t.duplicateDetection !== undefined, t.subscriptions.map((s) => s.name)])).toEqual([[RESULTS_TOPIC, true, [ERP_SUBSCRIPTION]]]);
});
