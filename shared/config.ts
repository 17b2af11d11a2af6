// Settings: one validated read at start-up (loadConfig) and the list of every setting (SETTINGS).
export { loadConfig, loadWorkflowPolicy, ConfigError, type ApiAuthMode, type AppConfig, type SecretSourceSettings, type ServiceBusConnectionSettings } from './config/loadConfig';
export { SETTINGS, settingDefinition, DEFAULT_AUTHORITY_HOST, DEFAULT_PARTNER_CENTER_BASE_URL, type SettingDefinition } from './config/settings';
export { SecretValue } from './config/secretValue';
export { isLoopbackHost } from './config/settingReader';
export type { WorkflowPolicy, RetryPolicy } from './config/workflowPolicy';
