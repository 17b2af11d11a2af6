// The app's entry point (package.json "main"): reads the settings once, builds the long-lived clients (Partner Center,
// the results topic sender) and registers every function. Handlers themselves are factories over these dependencies.

import { app } from '@azure/functions';
import { DefaultAzureCredential } from '@azure/identity';
import { registerOrderWorkflow } from '../orchestrations';
import { loadConfig, type AppConfig } from '../shared/config';
import { createPartnerCenterCredentials } from '../shared/credentials';
import { createPartnerCenterClient } from '../shared/partner-center';
import { createServiceBusResultPublisher, type ServiceBusTarget } from '../shared/results';
import { registerContractsHttp } from './contractsHttp';
import { registerHealthHttp } from './healthHttp';
import { registerOrderCancelHttp } from './orderCancelHttp';
import { registerOrderStatusHttp } from './orderStatusHttp';
import { registerOrdersHttpStart } from './ordersHttpStart';
import { registerOrdersListHttp } from './ordersListHttp';
import { registerOrdersPageHttp } from './ordersPageHttp';
import { registerOrdersQueueStart } from './ordersQueueStart';
import { registerPurchaseOrderHttp } from './purchaseOrderHttp';

function serviceBusTarget(connection: AppConfig['serviceBus']['connection']): ServiceBusTarget {
  return connection.kind === 'connectionString'
    ? { connectionString: connection.connectionString.reveal() }
    : { fullyQualifiedNamespace: connection.fullyQualifiedNamespace, credential: new DefaultAzureCredential() };
}

const config = loadConfig();
const credentials = createPartnerCenterCredentials(config);

const partnerCenter = createPartnerCenterClient({
  baseUrl: config.partnerCenter.baseUrl,
  tokenProvider: credentials.tokenProvider,
  applicationName: config.partnerCenter.applicationName,
  timeoutMs: config.partnerCenter.timeoutMs,
  maxTransientRetries: config.partnerCenter.maxTransientRetries,
});
const publisher = createServiceBusResultPublisher({ target: serviceBusTarget(config.serviceBus.connection), topic: config.serviceBus.resultsTopic });
app.hook.appTerminate(() => publisher.close());

const startDeps = { policy: config.workflow, now: () => new Date() };

registerOrderWorkflow({ partnerCenter, publisher });
registerOrdersQueueStart({ queueName: config.serviceBus.ordersQueue, connection: config.serviceBus.connectionSetting }, { ...startDeps, publisher });
// Who may call (API_AUTH): function keys, or Entra ID app roles checked in each function (functions/apiAuth.ts).
const auth = config.api.auth;
registerOrdersHttpStart(startDeps, auth);
registerOrderStatusHttp(auth);
registerOrdersListHttp(auth);
registerContractsHttp(auth);
registerOrdersPageHttp(auth);
registerOrderCancelHttp(auth);
registerPurchaseOrderHttp(partnerCenter, auth);
registerHealthHttp({ secretSource: credentials.secretSource, tokenProvider: credentials.tokenProvider, probeResultsTopic: () => publisher.probeSend() }, auth);
