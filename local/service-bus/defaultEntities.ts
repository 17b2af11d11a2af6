/**
 * The entity names this project uses, shared by the local broker's default configuration, the app settings and
 * the infrastructure templates. config.default.json declares exactly these (a unit test keeps them in step).
 */
import defaultConfigDocument from './config.default.json';

export const DEFAULT_NAMESPACE = 'sbemulatorns';
export const ORDERS_QUEUE = 'orders';
export const RESULTS_TOPIC = 'order-results';
export const ERP_SUBSCRIPTION = 'erp';

/** The emulator's well-known development credentials; the broker checks SAS signatures against these by default. */
export const DEFAULT_SHARED_ACCESS_KEY_NAME = 'RootManageSharedAccessKey';
export const DEFAULT_SHARED_ACCESS_KEY = 'SAS_KEY_VALUE';

/** The default Config.json document (emulator format). */
export const defaultBrokerConfigDocument: unknown = defaultConfigDocument;
