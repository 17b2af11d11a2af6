export { startServiceBusBroker, type ServiceBusBroker, type ServiceBusBrokerOptions, type BrokerControls, type BrokerLogger } from './server';
export type { SendFailureCondition } from './amqpErrors';
export type { InjectedCounts, SendMatch } from './sendFaults';
export type { BrokerInspection, InspectedMessage } from './inspection';
export type { StoreCounts } from './messageStore';
export { parseBrokerConfig, loadBrokerConfigFile } from './config';
export * from './defaultEntities';
export { SERVICE_BUS_TOKEN_AUDIENCE, type EntraTokenTrust, type EntraPrincipal } from './entraToken';
