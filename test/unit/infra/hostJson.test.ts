// host.json reviewed for production: the deliberate Durable settings stay, the Partner Center rate is the budget
// entity's (not concurrency's), Service Bus messages complete only when the starter succeeded, and telemetry keeps every
// failure while sampling the rest.
import { readRepoJson } from './support/repo';
import { parseHostConfig } from '../../../local/runtime/hostConfig';
import { SETTINGS } from '../../../shared/config/settings';

interface HostJson {
  version: string;
  functionTimeout?: string;
  extensionBundle: { id: string; version: string };
  extensions: {
    http: { routePrefix: string };
    durableTask: {
      hubName: string;
      overridableExistingInstanceStates: string;
      maxConcurrentActivityFunctions: number;
      maxConcurrentOrchestratorFunctions: number;
      storageProvider: { type: string };
      tracing?: { traceInputsAndOutputs?: boolean };
    };
    serviceBus: { autoCompleteMessages: boolean; maxConcurrentCalls: number; prefetchCount: number; maxAutoLockRenewalDuration: string };
  };
  logging: { logLevel: Record<string, string>; applicationInsights: { samplingSettings: { isEnabled: boolean; excludedTypes: string } } };
}

const host = readRepoJson<HostJson>('host.json');
const durable = host.extensions.durableTask;
// Partner Center: "rate limit of 500 requests per minute per tenant identifier" (order resources; reference B1).
const PARTNER_CENTER_REQUESTS_PER_MINUTE = 500;

describe('host.json', () => {
  it('keeps the routes, the task hub and the refusal to restart a running instance', () => {
    expect(host.version).toBe('2.0');
    expect(host.extensionBundle).toEqual({ id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' });
    expect(host.extensions.http.routePrefix).toBe('api');
    expect(durable.hubName).toBe('PartnerCenterOrders');
    expect(durable.overridableExistingInstanceStates).toBe('NonRunningStates');
    expect(durable.storageProvider.type).toBe('AzureStorage');
  });

  it('leaves the Partner Center rate to the budget entity, not to activity concurrency', () => {
    // Concurrency does not bound a rate (issue 10): the partnerCenterBudget entity paces every order on every instance
    // to PARTNER_CENTER_BUDGET_PER_MINUTE, a little under Partner Center's documented limit. Activity concurrency only
    // bounds what one instance runs at once.
    const budget = Number(SETTINGS.find((setting) => setting.name === 'PARTNER_CENTER_BUDGET_PER_MINUTE')?.default);
    expect(budget).toBeGreaterThan(0);
    expect(budget).toBeLessThan(PARTNER_CENTER_REQUESTS_PER_MINUTE);
    expect(durable.maxConcurrentActivityFunctions).toBeGreaterThan(0);
    expect(durable.maxConcurrentOrchestratorFunctions).toBeGreaterThanOrEqual(durable.maxConcurrentActivityFunctions);
  });

  it('completes Service Bus messages only after the starter returns, one lock renewal window per message', () => {
    expect(host.extensions.serviceBus.autoCompleteMessages).toBe(true);
    expect(host.extensions.serviceBus.prefetchCount).toBe(0);
    expect(host.extensions.serviceBus.maxConcurrentCalls).toBeGreaterThan(0);
    expect(host.extensions.serviceBus.maxAutoLockRenewalDuration).toMatch(/^\d{2}:\d{2}:\d{2}$/);
  });

  it('logs at warning by default, keeps function and Durable lifecycle logs, and never samples away failures', () => {
    expect(host.logging.logLevel.default).toBe('Warning');
    expect(host.logging.logLevel.Function).toBe('Information');
    expect(host.logging.logLevel['Host.Triggers.DurableTask']).toBe('Information');
    const sampling = host.logging.applicationInsights.samplingSettings;
    expect(sampling.isEnabled).toBe(true);
    expect(sampling.excludedTypes.split(';').sort()).toEqual(['Exception', 'Request']);
  });

  it('names the Durable backend literally: the extension resolves %SETTING% in hubName only, never in storageProvider.type', () => {
    // Azure/azure-functions-durable-extension: DurableTaskOptions.ResolveAppSettingOptions resolves HubName alone,
    // and DurableTaskExtension.GetDurabilityProviderFactory matches storageProvider.type as written, so
    // "%DURABLE_BACKEND_TYPE%" would stop the host with "Storage provider type (...) was not found". The scheduler
    // backend is therefore chosen by an AzureFunctionsJobHost__ app setting (appSettings.test.ts).
    expect(JSON.stringify(durable.storageProvider)).not.toContain('%');
    expect(durable.storageProvider.type).toBe('AzureStorage');
  });

  it('starts the local runtime as written, with no app settings at all', () => {
    const local = parseHostConfig(host, {});
    expect(local.durable.hubName).toBe(durable.hubName);
    expect(local.durable.maxConcurrentActivityFunctions).toBe(durable.maxConcurrentActivityFunctions);
    expect(local.routePrefix).toBe(host.extensions.http.routePrefix);
  });

  it('does not trace orchestration inputs and outputs (they hold customer and order data)', () => {
    expect(durable.tracing?.traceInputsAndOutputs).toBe(false);
  });

  it('caps a single function run', () => {
    expect(host.functionTimeout).toMatch(/^00:(0\d|10):\d{2}$/);
  });
});
