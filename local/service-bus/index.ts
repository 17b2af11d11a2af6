export { startServiceBusBroker, type ServiceBusBroker, type ServiceBusBrokerOptions, type BrokerLogger } from './server';
export type { BrokerInspection, InspectedMessage } from './inspection';
export type { StoreCounts } from './messageStore';
export { parseBrokerConfig, loadBrokerConfigFile } from './config';
export * from './defaultEntities';
