// Structural consistency of the templates, standing in for the Bicep compiler: modules exist and are called with
// the parameters they declare, registry modules are pinned, azd's parameter file and outputs line up, and the
// resources carry the settings the issue asks for (Flex, identity, shared keys off, RBAC vault, local auth off).
import fs from 'node:fs';
import path from 'node:path';
import { allowedValues, isRegistryModule, localModulePath, readBicep } from './support/bicepFile';
import { describe as show, evaluate, moduleScope, rootScope, str } from './support/bicepEval';
import { scan } from './support/bicepText';
import { at, textOf } from './support/bicepValues';
import { parseSimpleYaml, yamlAt } from './support/simpleYaml';
import { deployedModules, SCENARIOS } from './support/deployment';
import { API_BICEP, INFRA_DIR, MAIN_BICEP, bicepFiles, readRepoFile, readRepoJson } from './support/repo';

const main = readBicep(MAIN_BICEP);
const PINNED_REGISTRY_MODULE = /^br\/public:avm\/(res|ptn|utl)\/[a-z0-9-]+(\/[a-z0-9-]+)+:\d+\.\d+\.\d+$/;

describe('modules', () => {
  const calls = bicepFiles().flatMap((file) => [...readBicep(file).modules.values()].map((m) => ({ file, module: m })));

  it('are referenced', () => {
    expect(calls.length).toBeGreaterThan(10);
  });

  it('that are local exist, and every local module file is used', () => {
    const local = calls.filter((c) => !isRegistryModule(c.module.source)).map((c) => localModulePath(readBicep(c.file), c.module.source));
    expect(local.filter((p) => !fs.existsSync(p))).toEqual([]);
    const unused = bicepFiles().filter((f) => f !== MAIN_BICEP && !local.includes(f));
    expect(unused).toEqual([]);
  });

  it('from the registry are Azure Verified Modules pinned to an exact version', () => {
    const registry = calls.filter((c) => isRegistryModule(c.module.source)).map((c) => c.module.source);
    expect(registry.length).toBeGreaterThan(0);
    expect(registry.filter((source) => !PINNED_REGISTRY_MODULE.test(source))).toEqual([]);
  });

  it('that are local are called with exactly the parameters they declare, all required ones included', () => {
    const problems: string[] = [];
    for (const { file, module } of calls.filter((c) => !isRegistryModule(c.module.source))) {
      const target = readBicep(localModulePath(readBicep(file), module.source));
      const params = at(module.body, 'params');
      const passed = params?.kind === 'object' ? [...params.entries.keys()] : [];
      for (const name of passed) if (!target.params.has(name)) problems.push(`${module.symbol}: ${name} is not a parameter of ${module.source}`);
      for (const param of target.params.values()) {
        if (!param.defaultValue && !passed.includes(param.name)) problems.push(`${module.symbol}: required ${param.name} of ${module.source} not passed`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('read only JSON files that exist', () => {
    const loads = bicepFiles().flatMap((file) =>
      [...scan(fs.readFileSync(file, 'utf8')).clean.matchAll(/loadJsonContent\('([^']+)'\)/g)].map((m) => path.resolve(path.dirname(file), m[1])),
    );
    expect(loads.length).toBeGreaterThan(0);
    expect(loads.filter((p) => !fs.existsSync(p))).toEqual([]);
  });

  it('reference only outputs their module declares', () => {
    // Evaluating every output of main.bicep follows each local module output it uses (and throws on a missing one).
    for (const scenario of SCENARIOS) {
      const root = rootScope(MAIN_BICEP, scenario.params);
      for (const output of main.outputs.values()) expect(() => evaluate(output.value, root)).not.toThrow();
      expect(deployedModules(scenario).length).toBeGreaterThan(5);
    }
  });
});

describe('azd wiring', () => {
  const parameters = readRepoJson<{ parameters: Record<string, { value: string }> }>('infra', 'main.parameters.json').parameters;

  it('deploys at subscription scope into a resource group tagged with the azd environment', () => {
    expect(main.targetScope).toBe('subscription');
    const rg = [...main.resources.values()].find((r) => r.type === 'Microsoft.Resources/resourceGroups');
    expect(textOf(at(rg?.body, 'tags'))).toBe('tags');
    expect(main.vars.get('tags')!.value).toEqual({ kind: 'object', entries: new Map([['azd-env-name', { kind: 'expr', text: 'environmentName' }]]) });
  });

  it('maps every parameter file entry to a parameter, and every required parameter to an azd value', () => {
    expect(Object.keys(parameters).filter((name) => !main.params.has(name))).toEqual([]);
    const required = [...main.params.values()].filter((p) => !p.defaultValue).map((p) => p.name);
    expect(required.sort()).toEqual(['environmentName', 'location', 'partnerCenterClientId', 'partnerCenterTenantId']);
    expect(required.filter((name) => !parameters[name])).toEqual([]);
    expect(parameters.environmentName.value).toBe('${AZURE_ENV_NAME}');
    expect(parameters.location.value).toBe('${AZURE_LOCATION}');
    expect(parameters.principalId.value).toBe('${AZURE_PRINCIPAL_ID}');
  });

  it('gives the partner tenant and app id as parameters, and asks azd for the location', () => {
    for (const name of ['partnerCenterTenantId', 'partnerCenterClientId']) expect(main.params.get(name)?.type).toBe('string');
    expect(main.params.get('location')!.decorators.some((d) => /azd:\s*\{\s*type:\s*'location'/.test(d))).toBe(true);
  });

  it('uses defaults in the parameter file that the parameter allows', () => {
    const problems: string[] = [];
    for (const [name, { value }] of Object.entries(parameters)) {
      const fallback = /^\$\{\w+=(.*)\}$/.exec(value)?.[1];
      const allowed = allowedValues(main.params.get(name)!);
      if (fallback === undefined || !allowed) continue;
      const texts = allowed.map((v) => textOf(v));
      if (!texts.includes(fallback)) problems.push(`${name}: ${fallback} not in ${texts.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('tags the function app with the service name azure.yaml deploys, and outputs what azd reads', () => {
    const services = yamlAt(parseSimpleYaml(readRepoFile('azure.yaml')), 'services');
    expect(Object.keys(typeof services === 'object' ? services : {})).toEqual(['api']);
    const api = readBicep(API_BICEP);
    expect(textOf(api.params.get('serviceName')?.defaultValue)).toBe('api');
    expect(textOf(at(api.modules.get('site')?.body, 'params', 'tags'))).toBe("union(tags, { 'azd-service-name': serviceName })");
    for (const output of ['AZURE_LOCATION', 'AZURE_TENANT_ID', 'AZURE_RESOURCE_GROUP', 'SERVICE_API_NAME', 'AZURE_FUNCTION_NAME']) {
      expect({ output, declared: main.outputs.has(output) }).toEqual({ output, declared: true });
    }
  });
});

describe('resources', () => {
  const root = rootScope(MAIN_BICEP, SCENARIOS[0].params);
  const moduleParams = (symbol: string) => at(main.modules.get(symbol)?.body, 'params');
  const value = (symbol: string, ...pathParts: string[]) => {
    const found = at(moduleParams(symbol), ...pathParts);
    if (!found) throw new Error(`${symbol}.params.${pathParts.join('.')} is not set`);
    return show(evaluate(found, root));
  };

  it('run the app on the Flex Consumption plan with Node and its user-assigned identity', () => {
    expect([value('plan', 'sku', 'name'), value('plan', 'sku', 'tier'), value('plan', 'reserved')]).toEqual(['"FC1"', '"FlexConsumption"', 'true']);
    const site = at(readBicep(API_BICEP).modules.get('site')?.body, 'params');
    expect(textOf(at(site, 'kind'))).toBe('functionapp,linux');
    expect(textOf(at(site, 'functionAppConfig', 'runtime', 'name'))).toBe('node');
    expect(textOf(at(site, 'functionAppConfig', 'runtime', 'version'))).toBe('nodeVersion');
    expect(textOf(main.params.get('nodeVersion')?.defaultValue)).toBe('20');
    expect(textOf(at(site, 'functionAppConfig', 'deployment', 'storage', 'authentication', 'type'))).toBe('UserAssignedIdentity');
    expect(at(site, 'managedIdentities')).toEqual({
      kind: 'object',
      entries: new Map([
        ['systemAssigned', { kind: 'expr', text: 'false' }],
        ['userAssignedResourceIds', { kind: 'array', items: [{ kind: 'expr', text: 'identityId' }] }],
      ]),
    });
  });

  it('keep the storage account key-free and hold the deployment container the app deploys from', () => {
    expect(value('storage', 'allowSharedKeyAccess')).toBe('false');
    expect(value('storage', 'allowBlobPublicAccess')).toBe('false');
    const containers = at(moduleParams('storage'), 'blobServices', 'containers');
    expect(containers?.kind === 'array' ? containers.items.map((c) => textOf(at(c, 'name'))) : []).toEqual(['deploymentContainerName']);
    expect(textOf(at(moduleParams('api'), 'deploymentContainerName'))).toBe('deploymentContainerName');
  });

  it('turn local (key) authentication off for monitoring and Service Bus, and use RBAC for Key Vault', () => {
    expect(value('appInsights', 'disableLocalAuth')).toBe('true');
    expect(value('logAnalytics', 'features', 'disableLocalAuth')).toBe('true');
    const vault = readBicep(path.join(INFRA_DIR, 'app', 'keyvault.bicep')).resources.get('vault');
    expect(textOf(at(vault?.body, 'properties', 'enableRbacAuthorization'))).toBe('true');
    expect(at(vault?.body, 'properties', 'accessPolicies')).toBeUndefined();
  });

  it('create the Durable Task Scheduler task hub under the hub name host.json uses', () => {
    const hostJson = readRepoJson<{ extensions: { durableTask: { hubName: string } } }>('host.json');
    expect(show(evaluate({ kind: 'expr', text: 'durableTaskHubName' }, root))).toBe(JSON.stringify(hostJson.extensions.durableTask.hubName));
    expect(textOf(at(moduleParams('scheduler'), 'taskHubName'))).toBe('durableTaskHubName');
    expect(main.modules.get('scheduler')?.condition).toBe('useScheduler');
  });

  it('create the Partner Center secret once, disabled and without its value, so the roles can be scoped to it', () => {
    const placeholderFor = (slotCreated: boolean) => {
      const vault = moduleScope(rootScope(MAIN_BICEP, { ...SCENARIOS[0].params, partnerCenterSecretSlotCreated: { t: 'bool', v: slotCreated } }), 'keyVault');
      const resource = vault.file.resources.get('secretPlaceholder')!;
      return { created: show(evaluate({ kind: 'expr', text: resource.condition! }, vault)), name: show(evaluate(at(resource.body, 'name')!, vault)), resource };
    };
    const first = placeholderFor(false);
    expect({ created: first.created, name: first.name }).toEqual({ created: 'true', name: '"partner-center-client-secret"' });
    expect(textOf(at(first.resource.body, 'properties', 'attributes', 'enabled'))).toBe('false');
    expect(textOf(at(first.resource.body, 'properties', 'value'))).toMatch(/^placeholder: /);
    expect(placeholderFor(true).created).toBe('false');
    // azd feeds the template's own output back in: after the first deployment the placeholder is never written again.
    const parameters = readRepoJson<{ parameters: Record<string, { value: string }> }>('infra', 'main.parameters.json').parameters;
    expect(parameters.partnerCenterSecretSlotCreated.value).toBe('${PARTNER_CENTER_SECRET_SLOT_CREATED=false}');
    expect(textOf(main.outputs.get('PARTNER_CENTER_SECRET_SLOT_CREATED')?.value)).toBe('true');
  });

  it('size the Dedicated Durable Task Scheduler in capacity units, and leave the Consumption SKU without one', () => {
    const capacityParam = main.params.get('schedulerCapacity')!;
    expect(textOf(capacityParam.defaultValue)).toBe('1');
    expect(capacityParam.decorators).toEqual(expect.arrayContaining(['@minValue(1)', '@maxValue(3)']));
    const capacityFor = (sku: string) => {
      const scope = moduleScope(rootScope(MAIN_BICEP, { durableBackend: str('DurableTaskScheduler'), schedulerSkuName: str(sku), principalId: str(''), erpPrincipalId: str('') }), 'scheduler');
      return show(evaluate(at(scope.file.resources.get('scheduler')?.body, 'properties', 'sku', 'capacity')!, scope));
    };
    expect(capacityFor('Dedicated')).toBe('1');
    expect(capacityFor('Consumption')).toBe('null');
    const parameters = readRepoJson<{ parameters: Record<string, { value: string }> }>('infra', 'main.parameters.json').parameters;
    expect(parameters.schedulerCapacity.value).toBe('${DURABLE_TASK_SCHEDULER_CAPACITY=1}');
  });

  it('offer both Durable backends, Azure Storage by default', () => {
    const param = main.params.get('durableBackend')!;
    expect(allowedValues(param)?.map(textOf)).toEqual(['AzureStorage', 'DurableTaskScheduler']);
    expect(textOf(param.defaultValue)).toBe('AzureStorage');
  });
});
