// The Service Bus entities in Azure are the ones the app and the local broker use: same names as the app's defaults
// (shared/config/settings.ts) and local/service-bus/config.default.json, same delivery behaviour.
import { SETTINGS } from '../../../shared/config/settings';
import { isRegistryModule, readBicep } from './support/bicepFile';
import { Scope, Val, describe as show, evaluate, rootScope } from './support/bicepEval';
import { at } from './support/bicepValues';
import { appSettings, deployedModules, SCENARIOS } from './support/deployment';
import { MAIN_BICEP, readRepoJson } from './support/repo';

interface EmulatorEntityProperties {
  LockDuration?: string;
  MaxDeliveryCount?: number;
  RequiresDuplicateDetection?: boolean;
  DuplicateDetectionHistoryTimeWindow?: string;
}
interface EmulatorConfig {
  UserConfig: {
    Namespaces: Array<{
      Queues: Array<{ Name: string; Properties: EmulatorEntityProperties }>;
      Topics: Array<{ Name: string; Properties: EmulatorEntityProperties; Subscriptions: Array<{ Name: string; Properties: EmulatorEntityProperties }> }>;
    }>;
  };
}

const localConfig = readRepoJson<EmulatorConfig>('local', 'service-bus', 'config.default.json');
const [localNamespace] = localConfig.UserConfig.Namespaces;
const defaultOf = (name: string) => SETTINGS.find((s) => s.name === name)?.default;

const scenario = SCENARIOS[0];
const serviceBus = deployedModules(scenario).find((m) => m.symbol === 'serviceBus')!;

/** Evaluated properties of a resource declared in infra/app/servicebus.bicep. */
function properties(symbol: string, scope: Scope = serviceBus.scope): Record<string, Val> {
  const resource = scope.file.resources.get(symbol);
  if (!resource) throw new Error(`servicebus.bicep declares no resource "${symbol}"`);
  const props = at(resource.body, 'properties');
  if (props?.kind !== 'object') throw new Error(`${symbol} has no properties object`);
  return Object.fromEntries([...props.entries].map(([k, v]) => [k, evaluate(v, scope)]));
}
const nameOf = (symbol: string) => show(evaluate({ kind: 'expr', text: `${symbol}.name` }, serviceBus.scope));
const plain = (val: Val | undefined) => (val && 'v' in val ? val.v : val === undefined ? undefined : show(val));

describe('Service Bus in Azure', () => {
  it('comes from the local module (the registry namespace module calls listKeys in its outputs)', () => {
    const decl = readBicep(MAIN_BICEP).modules.get('serviceBus');
    expect(decl && isRegistryModule(decl.source)).toBe(false);
  });

  it('names the queue, topic and subscription like the app defaults and the local broker', () => {
    const local = {
      queue: localNamespace.Queues.map((q) => q.Name),
      topic: localNamespace.Topics.map((t) => t.Name),
      subscription: localNamespace.Topics.flatMap((t) => t.Subscriptions.map((s) => s.Name)),
    };
    const azure = { queue: [nameOf('ordersQueue')], topic: [nameOf('resultsTopic')], subscription: [nameOf('erpSubscription')] };
    expect(azure).toEqual({ queue: ['"orders"'], topic: ['"order-results"'], subscription: ['"erp"'] });
    expect(local).toEqual({ queue: ['orders'], topic: ['order-results'], subscription: ['erp'] });
    expect({ ORDERS_QUEUE: defaultOf('ORDERS_QUEUE'), RESULTS_TOPIC: defaultOf('RESULTS_TOPIC') }).toEqual({ ORDERS_QUEUE: 'orders', RESULTS_TOPIC: 'order-results' });
  });

  it.each(SCENARIOS)('hands the same entity names to the app in its settings ($label)', (each) => {
    const settings = appSettings(each);
    expect({ ORDERS_QUEUE: show(settings.get('ORDERS_QUEUE')!), RESULTS_TOPIC: show(settings.get('RESULTS_TOPIC')!) }).toEqual({
      ORDERS_QUEUE: '"orders"',
      RESULTS_TOPIC: '"order-results"',
    });
  });

  it('uses a tier with topics and duplicate detection, and Entra ID only', () => {
    const namespace = serviceBus.scope.file.resources.get('namespace')!;
    const sku = plain(evaluate(at(namespace.body, 'sku', 'name')!, serviceBus.scope));
    expect(['Standard', 'Premium']).toContain(sku);
    expect(plain(properties('namespace').disableLocalAuth)).toBe(true);
  });

  it('detects duplicates on the orders queue and the results topic', () => {
    expect(plain(properties('ordersQueue').requiresDuplicateDetection)).toBe(true);
    expect(plain(properties('resultsTopic').requiresDuplicateDetection)).toBe(true);
    expect(localNamespace.Queues[0].Properties.RequiresDuplicateDetection).toBe(true);
    expect(localNamespace.Topics[0].Properties.RequiresDuplicateDetection).toBe(true);
  });

  it('keeps message ids for the same duplicate detection window as the local broker (PT1H)', () => {
    const azure = { queue: plain(properties('ordersQueue').duplicateDetectionHistoryTimeWindow), topic: plain(properties('resultsTopic').duplicateDetectionHistoryTimeWindow) };
    const local = { queue: localNamespace.Queues[0].Properties.DuplicateDetectionHistoryTimeWindow, topic: localNamespace.Topics[0].Properties.DuplicateDetectionHistoryTimeWindow };
    expect(azure).toEqual(local);
    expect(azure).toEqual({ queue: 'PT1H', topic: 'PT1H' });
  });

  it('delivers like the local broker: same lock duration and max delivery count, dead-lettering on expiry', () => {
    const queue = properties('ordersQueue');
    const subscription = properties('erpSubscription');
    const localQueue = localNamespace.Queues[0].Properties;
    const localSubscription = localNamespace.Topics[0].Subscriptions[0].Properties;
    expect({ lock: plain(queue.lockDuration), max: plain(queue.maxDeliveryCount) }).toEqual({ lock: localQueue.LockDuration, max: localQueue.MaxDeliveryCount });
    expect({ lock: plain(subscription.lockDuration), max: plain(subscription.maxDeliveryCount) }).toEqual({
      lock: localSubscription.LockDuration,
      max: localSubscription.MaxDeliveryCount,
    });
    expect(plain(queue.maxDeliveryCount)).toBeGreaterThan(1);
    expect(plain(queue.deadLetteringOnMessageExpiration)).toBe(true);
    expect(plain(subscription.deadLetteringOnMessageExpiration)).toBe(true);
    expect(plain(queue.requiresSession)).toBe(false);
  });

  it('is reached from main.bicep with the names in one place', () => {
    const root = rootScope(MAIN_BICEP, scenario.params);
    expect(['ordersQueueName', 'resultsTopicName', 'erpSubscriptionName'].map((v) => show(evaluate({ kind: 'expr', text: v }, root)))).toEqual([
      '"orders"',
      '"order-results"',
      '"erp"',
    ]);
  });
});
