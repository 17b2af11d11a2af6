// The function app's settings in the Bicep against the app's own list of settings (shared/config/settings.ts):
// everything Azure needs is set, in its identity-based form, and nothing secret or laptop-only is.
import { loadConfig } from '../../../shared/config/loadConfig';
import { SETTINGS, SettingDefinition } from '../../../shared/config/settings';
import { Val, describe as show } from './support/bicepEval';
import { at, textOf } from './support/bicepValues';
import { appSettings, Scenario, SCENARIOS } from './support/deployment';
import { readBicep } from './support/bicepFile';
import { API_BICEP } from './support/repo';

const settingNamed = (name: string) => SETTINGS.find((s) => s.name === name);
const CLIENT_ID = '<appIdentity.outputs.clientId>';

// Settings the platform reads that are not the app's business (so not in SETTINGS); anything else unknown to
// SETTINGS is a mistake (a typo, or a setting nobody reads).
const PLATFORM_SETTINGS: Record<string, string> = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'Functions host: where telemetry goes (identifies, does not authenticate)',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Functions host: publish telemetry with the managed identity',
  AZURE_CLIENT_ID: "@azure/identity DefaultAzureCredential: which user-assigned identity to use",
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Durable extension (scheduler backend): endpoint + managed identity, no key',
};
const HOST_JSON_OVERRIDE = /^AzureFunctionsJobHost__/;

/** A setting defined with `<name>__credential` etc.: the identity-based form of a connection named `<name>`. */
const connectionOf = (setting: string) => (setting.includes('__') && !HOST_JSON_OVERRIDE.test(setting) ? setting.split('__')[0] : undefined);

/**
 * How Azure satisfies a setting the app requires: set directly, or for a secret connection, its identity-based form
 * (`<name>__credential` = managedidentity) — or, for the worker runtime, Flex Consumption's functionAppConfig.runtime
 * (Flex rejects a FUNCTIONS_WORKER_RUNTIME app setting).
 */
function satisfied(def: SettingDefinition, settings: Map<string, Val>): string | undefined {
  if (settings.has(def.name)) return 'set';
  if (def.secret && str(settings.get(`${def.name}__credential`)) === 'managedidentity') return 'identity-based';
  if (def.name === 'FUNCTIONS_WORKER_RUNTIME' && flexRuntimeName() === def.expected) return 'functionAppConfig.runtime';
  return undefined;
}

function flexRuntimeName(): string | undefined {
  const site = readBicep(API_BICEP).modules.get('site');
  return textOf(at(site?.body, 'params', 'functionAppConfig', 'runtime', 'name'));
}

const str = (val: Val | undefined) => (val?.t === 'str' ? val.v : undefined);

// What Azure fills in for values only known at deployment time, keyed by where the value comes from.
const DEPLOYMENT_TIME_SAMPLES: Record<string, string> = {
  'appIdentity.outputs.clientId': '6a3c1f0e-1b2d-4c3e-8f4a-5b6c7d8e9f01',
  'param partnerCenterTenantId': '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9',
  'param partnerCenterClientId': '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  'vault.properties.vaultUri': 'https://kv-abc123.vault.azure.net/',
  'namespace.properties.serviceBusEndpoint': 'https://sb-abc123.servicebus.windows.net:443/',
};

/** The environment the app would see in Azure: the app's own settings, with deployment-time values filled in. */
function azureEnvironment(scenario: Scenario): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, val] of appSettings(scenario, DEPLOYMENT_TIME_SAMPLES)) {
    if (settingNamed(name)?.readBy !== 'app' && connectionOf(name) !== 'ServiceBusConnection') continue;
    if (val.t !== 'str') throw new Error(`${name}: no sample for the deployment-time value ${show(val)}`);
    env[name] = val.v;
  }
  return env;
}

describe.each(SCENARIOS)('function app settings ($label)', (scenario) => {
  const settings = appSettings(scenario);

  it('satisfy every setting the app requires in Azure', () => {
    const required = SETTINGS.filter((s) => s.required === 'always' && !s.localOnly);
    expect(required.length).toBeGreaterThan(0);
    const missing = required.filter((def) => !satisfied(def, settings)).map((def) => def.name);
    expect(missing).toEqual([]);
  });

  it("pass the app's own validation, in Key Vault and managed-identity mode", () => {
    const config = loadConfig(azureEnvironment(scenario));
    expect(config.credentials.secret).toEqual({ mode: 'keyVault', vaultUrl: 'https://kv-abc123.vault.azure.net', secretName: 'partner-center-client-secret' });
    expect(config.serviceBus).toMatchObject({
      connection: { kind: 'managedIdentity', fullyQualifiedNamespace: 'sb-abc123.servicebus.windows.net' },
      ordersQueue: 'orders',
      resultsTopic: 'order-results',
    });
    expect(config.partnerCenter.tenantId).toBe(DEPLOYMENT_TIME_SAMPLES['param partnerCenterTenantId']);
  });

  it('contain no secret and no laptop-only setting', () => {
    const forbidden = [...settings.keys()].filter((name) => {
      const def = settingNamed(name);
      return def !== undefined && (def.secret || def.localOnly);
    });
    expect(forbidden).toEqual([]);
  });

  it('name only settings somebody reads', () => {
    const unknown = [...settings.keys()].filter((name) => {
      if (settingNamed(name) || name in PLATFORM_SETTINGS || HOST_JSON_OVERRIDE.test(name)) return false;
      const connection = connectionOf(name);
      return !(connection && settingNamed(connection));
    });
    expect(unknown).toEqual([]);
  });

  it('make every identity-based connection use the managed identity', () => {
    const connections = new Set([...settings.keys()].map(connectionOf).filter((c): c is string => c !== undefined));
    expect([...connections].sort()).toEqual(['AzureWebJobsStorage', 'ServiceBusConnection']);
    for (const connection of connections) {
      expect({ connection, credential: str(settings.get(`${connection}__credential`)) }).toEqual({ connection, credential: 'managedidentity' });
      expect({ connection, clientId: show(settings.get(`${connection}__clientId`)!) }).toEqual({ connection, clientId: CLIENT_ID });
    }
    expect(show(settings.get('AZURE_CLIENT_ID')!)).toBe(CLIENT_ID);
    expect(show(settings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')!)).toBe(`<'ClientId=\${appIdentity.outputs.clientId};Authorization=AAD'>`);
  });

  it('reach Service Bus by namespace host name, and Key Vault by URL instead of a local secret', () => {
    expect(show(settings.get('ServiceBusConnection__fullyQualifiedNamespace')!)).toMatch(/servicebus|serviceBusEndpoint/);
    expect(settings.has('ServiceBusConnection')).toBe(false);
    expect(show(settings.get('KEY_VAULT_URL')!)).toBe('<vault.properties.vaultUri>');
    expect(settings.has('PARTNER_CENTER_CLIENT_SECRET')).toBe(false);
  });

  it('carry the Partner Center identity from the deployment parameters', () => {
    expect(show(settings.get('PARTNER_CENTER_TENANT_ID')!)).toBe('<param partnerCenterTenantId>');
    expect(show(settings.get('PARTNER_CENTER_CLIENT_ID')!)).toBe('<param partnerCenterClientId>');
    expect(str(settings.get('PARTNER_CENTER_SECRET_NAME'))).toBe(settingNamed('PARTNER_CENTER_SECRET_NAME')!.default);
  });

  it('keep DefaultAzureCredential on the managed identity', () => {
    expect(str(settings.get('AZURE_TOKEN_CREDENTIALS'))).toBe('ManagedIdentityCredential');
  });

  it("give the Durable backend what it needs", () => {
    const backend = str(scenario.params.durableBackend);
    const storageUris = ['blob', 'queue', 'table'].filter((service) => settings.has(`AzureWebJobsStorage__${service}ServiceUri`));
    if (backend === 'AzureStorage') {
      expect(storageUris).toEqual(['blob', 'queue', 'table']);
      expect([...settings.keys()].filter((n) => HOST_JSON_OVERRIDE.test(n) || n.startsWith('DURABLE_TASK'))).toEqual([]);
    } else {
      expect(storageUris).toEqual(['blob']);
      const prefix = 'AzureFunctionsJobHost__extensions__durableTask__storageProvider__';
      expect(str(settings.get(`${prefix}type`))).toBe('azureManaged');
      const connectionName = str(settings.get(`${prefix}connectionStringName`))!;
      expect(settings.has(connectionName)).toBe(true);
      expect(show(settings.get(connectionName)!)).toBe(`<'Endpoint=\${scheduler.properties.endpoint};Authentication=ManagedIdentity;ClientID=\${appIdentity.outputs.clientId}'>`);
    }
  });
});
