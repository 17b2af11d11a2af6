// Every setting the app and its platform read, in one list: loadConfig validates the `app` ones, the infra templates
// and local.settings.sample.json are checked against all of them, and the README table is written from it.

export interface SettingDefinition {
  name: string;
  /** `always`; `optional` (a default or "off" applies); `conditional` (see requiredWhen). */
  required: 'always' | 'optional' | 'conditional';
  requiredWhen?: string;
  /** Secret values are never printed and never belong in Azure app settings (use Key Vault or managed identity). */
  secret: boolean;
  /** Only for a laptop / CI: Azure either sets it itself or must not have it. */
  localOnly: boolean;
  /** `app`: read and validated by loadConfig. `platform`: read by Node, the Azure SDKs or the Functions host. */
  readBy: 'app' | 'platform';
  default?: string;
  /** What a valid value looks like. */
  expected: string;
  description: string;
}

const app = (d: Omit<SettingDefinition, 'readBy' | 'secret' | 'localOnly'> & Partial<SettingDefinition>): SettingDefinition => ({
  readBy: 'app',
  secret: false,
  localOnly: false,
  ...d,
});

const platform = (d: Omit<SettingDefinition, 'readBy' | 'secret'> & Partial<SettingDefinition>): SettingDefinition => ({
  readBy: 'platform',
  secret: false,
  ...d,
});

export const DEFAULT_PARTNER_CENTER_BASE_URL = 'https://api.partnercenter.microsoft.com';
export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

export const SETTINGS: readonly SettingDefinition[] = [
  app({
    name: 'PARTNER_CENTER_BASE_URL',
    required: 'optional',
    default: DEFAULT_PARTNER_CENTER_BASE_URL,
    expected: 'an https URL (http is accepted only for a loopback host such as 127.0.0.1)',
    description: 'Partner Center REST API root; points at the local simulator on a laptop.',
  }),
  app({
    name: 'PARTNER_CENTER_TENANT_ID',
    required: 'always',
    expected: 'a GUID',
    description: 'The partner (CSP) tenant whose app registration calls Partner Center.',
  }),
  app({
    name: 'PARTNER_CENTER_CLIENT_ID',
    required: 'always',
    expected: 'a GUID',
    description: 'Application (client) id of the app registration used for app-only Partner Center calls.',
  }),
  app({
    name: 'AZURE_AUTHORITY_HOST',
    required: 'optional',
    default: DEFAULT_AUTHORITY_HOST,
    expected: 'an https URL with no path',
    description: 'Entra ID authority host for the Partner Center token; the Entra ID stand-in on a laptop.',
  }),
  app({
    name: 'KEY_VAULT_URL',
    required: 'optional',
    expected: 'an https URL with no path, e.g. https://<vault>.vault.azure.net',
    description:
      'Key Vault holding the app secret, read with DefaultAzureCredential (managed identity in Azure). Unset = local-secret mode (PARTNER_CENTER_CLIENT_SECRET).',
  }),
  app({
    name: 'PARTNER_CENTER_SECRET_NAME',
    required: 'optional',
    default: 'partner-center-client-secret',
    expected: '1-127 letters, digits and hyphens',
    description: 'Name of the Key Vault secret that holds the app registration client secret.',
  }),
  app({
    name: 'PARTNER_CENTER_SECRET_VERSION',
    required: 'optional',
    expected: 'a 32-character hexadecimal Key Vault secret version',
    description: 'Pins one secret version; unset = always the latest (what rotation without restart needs).',
  }),
  app({
    name: 'PARTNER_CENTER_CLIENT_SECRET',
    required: 'conditional',
    requiredWhen: 'KEY_VAULT_URL is not set (local-secret mode); must not be set when KEY_VAULT_URL is set',
    secret: true,
    localOnly: true,
    expected: 'the client secret value (not its id)',
    description: 'Local-secret mode only: the app registration client secret. Never an Azure app setting.',
  }),
  app({
    name: 'ServiceBusConnection',
    required: 'conditional',
    requiredWhen: 'ServiceBusConnection__fullyQualifiedNamespace is not set (exactly one of the two)',
    secret: true,
    localOnly: true,
    expected: 'a Service Bus connection string with Endpoint=sb://… and SharedAccessKeyName/SharedAccessKey or SharedAccessSignature',
    description: 'Service Bus by connection string (the local broker or emulator). In Azure use the managed-identity form.',
  }),
  app({
    name: 'ServiceBusConnection__fullyQualifiedNamespace',
    required: 'conditional',
    requiredWhen: 'ServiceBusConnection is not set (exactly one of the two)',
    expected: 'a host name such as <namespace>.servicebus.windows.net (no scheme)',
    description: 'Service Bus by managed identity: the namespace host. Used by the trigger binding and the result publisher.',
  }),
  app({ name: 'ORDERS_QUEUE', required: 'optional', default: 'orders', expected: 'a Service Bus entity name', description: 'Queue the ERP sends order requests to.' }),
  app({
    name: 'RESULTS_TOPIC',
    required: 'optional',
    default: 'order-results',
    expected: 'a Service Bus entity name',
    description: 'Topic the workflow publishes order outcomes to.',
  }),
  app({
    name: 'API_AUTH',
    required: 'optional',
    default: 'functionKeys',
    expected: 'functionKeys or entraId',
    description:
      'Who may call the HTTP API: function keys, or Microsoft Entra ID tokens checked by App Service authentication, with app roles Orders.Submit, Orders.Read and Orders.Cancel.',
  }),
  app({
    name: 'PARTNER_CENTER_APPLICATION_NAME',
    required: 'optional',
    default: 'pc-order-workflow',
    expected: '1-100 printable ASCII characters',
    description: 'Sent as the MS-PartnerCenter-Application header.',
  }),
  app({
    name: 'PARTNER_CENTER_TIMEOUT_MS',
    required: 'optional',
    default: '60000',
    expected: 'an integer from 1000 to 300000',
    description: 'Per-attempt timeout of a Partner Center call, in milliseconds.',
  }),
  app({
    name: 'PARTNER_CENTER_MAX_TRANSIENT_RETRIES',
    required: 'optional',
    default: '2',
    expected: 'an integer from 0 to 10',
    description: 'Quick retries of a transient Partner Center failure inside one activity (longer waits are durable timers). Never for checkout: its lost answer goes back to the workflow, which reads the cart first.',
  }),
  app({
    name: 'ORDER_POLL_DEADLINE',
    required: 'optional',
    default: 'P7D',
    expected: 'an ISO 8601 duration from PT1M to P90D, e.g. P7D',
    description: 'How long an order may take from its start: throttling, outages and pending orders are waited out until then.',
  }),
  app({
    name: 'ORDER_POLL_INITIAL_INTERVAL',
    required: 'optional',
    default: 'PT30S',
    expected: 'an ISO 8601 duration from PT1S to P1D',
    description: 'First wait between order polls; it doubles up to ORDER_POLL_MAX_INTERVAL. Under a burst it is the tail after the last checkout.',
  }),
  app({
    name: 'ORDER_POLL_MAX_INTERVAL',
    required: 'optional',
    default: 'PT1H',
    expected: 'an ISO 8601 duration from PT1S to P1D, not shorter than ORDER_POLL_INITIAL_INTERVAL',
    description: 'Longest wait between order polls.',
  }),
  app({
    name: 'ORDER_POLL_HUMAN_WAIT_INTERVAL',
    required: 'optional',
    default: 'PT1H',
    expected: 'an ISO 8601 duration from PT1M to P1D',
    description: 'Poll interval while every pending order waits for people (purchase-order upload, review).',
  }),
  app({
    name: 'ORDER_POLLS_PER_EXECUTION',
    required: 'optional',
    default: '25',
    expected: 'an integer from 1 to 1000',
    description: 'Polls (or tries to publish an outcome Service Bus does not take) per orchestration execution before it continues as new, which keeps replay cost per round constant.',
  }),
  app({
    name: 'CART_EXPIRY_MARGIN',
    required: 'optional',
    default: 'PT10M',
    expected: 'an ISO 8601 duration from PT0S to PT1H',
    description: 'Checkout only while now < cart expirationTimestamp - margin; otherwise the cart is recreated.',
  }),
  app({
    name: 'CART_MAX_RECREATIONS',
    required: 'optional',
    default: '3',
    expected: 'an integer from 0 to 10',
    description: 'How many times an expired cart is recreated before the order fails.',
  }),
  app({
    name: 'CHECKOUT_MAX_ATTEMPTS',
    required: 'optional',
    default: '6',
    expected: 'an integer from 1 to 50',
    description: 'Checkout answers per cart that leave a checkout possibly under way (busy, already submitted, lost) at the busy interval; after them the cart is read and checkout asked again less and less often, up to the deadline (unknown, never failed). 429s and outages do not count.',
  }),
  app({
    name: 'CHECKOUT_BUSY_RETRY_INTERVAL',
    required: 'optional',
    default: 'PT30S',
    expected: 'an ISO 8601 duration from PT1S to PT1H',
    description: 'Wait after Partner Center answers 409/800064 (the cart is being processed by another request).',
  }),
  app({
    name: 'ORDER_RECOVERY_RETRY_INTERVAL',
    required: 'optional',
    default: 'PT2M',
    expected: 'an ISO 8601 duration from PT1S to PT1H',
    description: "First wait before looking again for a checked-out cart's orders in the order list (which lags); it doubles up to ORDER_POLL_MAX_INTERVAL.",
  }),
  app({
    name: 'ORDER_RECOVERY_WINDOW',
    required: 'optional',
    default: 'PT20M',
    expected: 'an ISO 8601 duration from PT1M to P1D',
    description: "How long the order list may take to show all of a checked-out cart's orders before the ones found are accepted.",
  }),
  app({
    name: 'OUTAGE_RETRY_INITIAL_INTERVAL',
    required: 'optional',
    default: 'PT30S',
    expected: 'an ISO 8601 duration from PT1S to PT1H',
    description: 'First durable wait after Partner Center, Entra ID or Key Vault was unavailable; it doubles up to OUTAGE_RETRY_MAX_INTERVAL.',
  }),
  app({
    name: 'OUTAGE_RETRY_MAX_INTERVAL',
    required: 'optional',
    default: 'PT15M',
    expected: 'an ISO 8601 duration from PT1S to P1D, not shorter than OUTAGE_RETRY_INITIAL_INTERVAL',
    description: 'Longest durable wait between tries while a service is unavailable (until ORDER_POLL_DEADLINE).',
  }),
  app({
    name: 'RETRY_JITTER',
    required: 'optional',
    default: 'PT5S',
    expected: 'an ISO 8601 duration from PT0S to PT5M',
    description: 'Up to this much is added to each 429 and outage wait (derived from the order id), so throttled orders spread out.',
  }),
  app({
    name: 'PARTNER_CENTER_BUDGET_PER_MINUTE',
    required: 'optional',
    default: '480',
    expected: 'an integer from 0 to 10000 (0 turns pacing off)',
    description: "Partner Center calls per minute that all orders of the partner tenant share, on every instance of the app (Partner Center allows about 500 and counts refused calls too).",
  }),
  app({
    name: 'PARTNER_CENTER_BUDGET_BURST',
    required: 'optional',
    default: '10',
    expected: 'an integer from 1 to 500',
    description: 'Partner Center calls that may go at once after a quiet spell, within PARTNER_CENTER_BUDGET_PER_MINUTE.',
  }),
  app({
    name: 'ACTIVITY_RETRY_FIRST_INTERVAL',
    required: 'optional',
    default: 'PT5S',
    expected: 'an ISO 8601 duration from PT1S to PT10M',
    description: 'Host retry of an activity that failed unexpectedly: first wait, doubling up to ACTIVITY_RETRY_MAX_INTERVAL.',
  }),
  app({
    name: 'ACTIVITY_RETRY_MAX_INTERVAL',
    required: 'optional',
    default: 'PT1M',
    expected: 'an ISO 8601 duration from PT1S to PT1H',
    description: 'Longest wait between host retries of an activity.',
  }),
  app({
    name: 'ACTIVITY_RETRY_MAX_ATTEMPTS',
    required: 'optional',
    default: '5',
    expected: 'an integer from 1 to 20',
    description: 'Attempts of an activity that fails unexpectedly; known failures (429, outages, refusals) come back as values instead.',
  }),
  app({
    name: 'PUBLISH_RETRY_MAX_INTERVAL',
    required: 'optional',
    default: 'PT5M',
    expected: 'an ISO 8601 duration from PT1S to PT1H',
    description: 'Longest wait between retries of publishing a result to the topic (first wait ACTIVITY_RETRY_FIRST_INTERVAL).',
  }),
  app({
    name: 'PUBLISH_RETRY_MAX_ATTEMPTS',
    required: 'optional',
    default: '10',
    expected: 'an integer from 1 to 50',
    description: 'Attempts (the host\'s retries) of one try to publish a result. A milestone that fails them is given up; an outcome is tried again on durable timers (the outage backoff) until it goes through, shown as waitingFor resultsTopic.',
  }),
  platform({
    name: 'FUNCTIONS_WORKER_RUNTIME',
    required: 'always',
    localOnly: false,
    expected: 'node',
    description: 'Read by the Functions host.',
  }),
  platform({
    name: 'AzureWebJobsStorage',
    required: 'conditional',
    requiredWhen: 'the Functions host runs with a storage connection string (local runs); in Azure use the managed-identity form AzureWebJobsStorage__* instead',
    secret: true,
    localOnly: true,
    expected: 'a storage connection string, e.g. UseDevelopmentStorage=true for Azurite',
    description: 'Read by the Functions host and the Durable Functions extension (task hub storage).',
  }),
  platform({
    name: 'AZURE_CLIENT_ID',
    required: 'optional',
    localOnly: false,
    expected: 'the client id (GUID) of the user-assigned managed identity, or empty for a system-assigned one',
    description: 'Read by DefaultAzureCredential: which managed identity reads Key Vault and Service Bus.',
  }),
  platform({
    name: 'ServiceBusConnection__credential',
    required: 'optional',
    localOnly: false,
    expected: 'managedidentity (with ServiceBusConnection__fullyQualifiedNamespace), or empty',
    description: 'Read by the Functions Service Bus extension for the identity-based trigger connection.',
  }),
  platform({
    name: 'ServiceBusConnection__clientId',
    required: 'optional',
    localOnly: false,
    expected: 'the user-assigned identity client id (GUID), or empty',
    description: 'Read by the Functions Service Bus extension: the identity of the trigger connection.',
  }),
  platform({
    name: 'IDENTITY_ENDPOINT',
    required: 'optional',
    localOnly: true,
    expected: 'the managed identity endpoint URL',
    description: 'Set by App Service / Functions in Azure; locally the managed identity stand-in (`npm run identity`).',
  }),
  platform({
    name: 'IDENTITY_HEADER',
    required: 'optional',
    localOnly: true,
    expected: 'the value the managed identity endpoint expects in X-IDENTITY-HEADER',
    description: 'Set by App Service / Functions in Azure; locally the stand-in prints it.',
  }),
  platform({
    name: 'AZURE_TOKEN_CREDENTIALS',
    required: 'optional',
    localOnly: false,
    expected: 'prod, dev or one credential name',
    description: "Limits DefaultAzureCredential's chain; 'prod' keeps a developer login from being used against the stand-ins.",
  }),
  platform({
    name: 'NODE_EXTRA_CA_CERTS',
    required: 'optional',
    localOnly: true,
    expected: 'path of a PEM file',
    description: "Read once by Node at process start: makes it trust the stand-ins' per-run CA.",
  }),
];

export function settingDefinition(name: string): SettingDefinition {
  const found = SETTINGS.find((s) => s.name === name);
  if (!found) throw new Error(`No setting named ${name} is defined`);
  return found;
}
