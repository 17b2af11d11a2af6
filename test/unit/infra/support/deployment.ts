// What a deployment of infra/main.bicep would contain for given parameter values: the function app's settings and
// every role assignment, evaluated through the local modules.
import { BicepFile, isRegistryModule } from './bicepFile';
import { Scope, Val, describe, evaluate, force, moduleScope, rootScope, str } from './bicepEval';
import { at, textOf } from './bicepValues';
import { MAIN_BICEP } from './repo';

export const DEPLOYER = 'deployer-object-id';
export const ERP = 'erp-object-id';

export interface Scenario {
  label: string;
  params: Record<string, Val>;
}

/** Every backend, with and without the optional principals. */
export const SCENARIOS: Scenario[] = [
  { label: 'AzureStorage backend, deployer and ERP principals', params: { durableBackend: str('AzureStorage'), principalId: str(DEPLOYER), erpPrincipalId: str(ERP) } },
  { label: 'AzureStorage backend, no optional principals', params: { durableBackend: str('AzureStorage'), principalId: str(''), erpPrincipalId: str('') } },
  { label: 'DurableTaskScheduler backend, deployer and ERP principals', params: { durableBackend: str('DurableTaskScheduler'), principalId: str(DEPLOYER), erpPrincipalId: str(ERP) } },
  { label: 'DurableTaskScheduler backend, no optional principals', params: { durableBackend: str('DurableTaskScheduler'), principalId: str(''), erpPrincipalId: str('') } },
];

function isDeployed(condition: string | undefined, scope: Scope, what: string): boolean {
  if (condition === undefined) return true;
  const val = evaluate({ kind: 'expr', text: condition }, scope);
  if (val.t !== 'bool') throw new Error(`${what}: condition "${condition}" is not decidable here (${describe(val)})`);
  return val.v;
}

/** Scopes of the local modules main.bicep deploys in this scenario, nested modules included ("a/b"). */
export function deployedModules(scenario: Scenario, samples?: Record<string, string>): Array<{ symbol: string; scope: Scope }> {
  const found: Array<{ symbol: string; scope: Scope }> = [];
  const walk = (scope: Scope, prefix: string) => {
    for (const m of scope.file.modules.values()) {
      if (isRegistryModule(m.source) || !isDeployed(m.condition, scope, `module ${prefix}${m.symbol}`)) continue;
      const child = moduleScope(scope, m.symbol);
      found.push({ symbol: `${prefix}${m.symbol}`, scope: child });
      walk(child, `${prefix}${m.symbol}/`);
    }
  };
  walk(rootScope(MAIN_BICEP, scenario.params, samples), '');
  return found;
}

/**
 * The function app's app settings (name → evaluated value) in this scenario; `samples` stand in for values only
 * known at deployment time.
 */
export function appSettings(scenario: Scenario, samples?: Record<string, string>): Map<string, Val> {
  const api = deployedModules(scenario, samples).find((m) => m.symbol === 'api');
  if (!api) throw new Error('main.bicep deploys no "api" module');
  const site = api.scope.file.modules.get('site');
  const settingsValue = at(site?.body, 'params', 'appSettingsKeyValuePairs');
  if (!settingsValue) throw new Error('api.bicep: module "site" sets no appSettingsKeyValuePairs');
  const settings = evaluate(settingsValue, api.scope);
  if (settings.t !== 'obj') throw new Error(`app settings do not evaluate to an object: ${describe(settings)}`);
  return new Map([...settings.entries].map(([name, item]) => [name, force(item)]));
}

export interface Grant {
  file: string;
  symbol: string;
  /** The roles.json key the assignment names, e.g. StorageBlobDataOwner. */
  roleKey: string;
  roleDefinitionGuid: string;
  /** The key used inside guid(...) for the assignment's name. */
  nameRoleKey?: string;
  scopeType: string;
  scopeName: string;
  principal: string;
  principalType: string;
}

const ROLE_DEFINITION_ID = /^subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions',\s*roles\.(\w+)\.id\)$/;

function roleGrants(file: BicepFile, scope: Scope): Grant[] {
  const grants: Grant[] = [];
  for (const resource of file.resources.values()) {
    if (resource.type !== 'Microsoft.Authorization/roleAssignments') continue;
    if (!isDeployed(resource.condition, scope, `${file.file} ${resource.symbol}`)) continue;
    const where = `${file.file} ${resource.symbol}`;
    const definition = textOf(at(resource.body, 'properties', 'roleDefinitionId')) ?? '';
    const match = ROLE_DEFINITION_ID.exec(definition);
    if (!match) throw new Error(`${where}: roleDefinitionId must be subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.<Role>.id), got ${definition}`);
    const guid = evaluate({ kind: 'expr', text: `roles.${match[1]}.id` }, scope);
    const scopeSymbol = textOf(at(resource.body, 'scope')) ?? '';
    const target = file.resources.get(scopeSymbol);
    if (!target) throw new Error(`${where}: scope "${scopeSymbol}" is not a resource declared in the file`);
    const nameText = textOf(at(resource.body, 'name')) ?? '';
    grants.push({
      file: file.file,
      symbol: resource.symbol,
      roleKey: match[1],
      roleDefinitionGuid: guid.t === 'str' ? guid.v : describe(guid),
      nameRoleKey: /roles\.(\w+)\.id\)$/.exec(nameText)?.[1],
      scopeType: target.type,
      scopeName: describe(evaluate({ kind: 'expr', text: `${scopeSymbol}.name` }, scope)),
      principal: describe(evaluate(at(resource.body, 'properties', 'principalId')!, scope)),
      principalType: describe(evaluate(at(resource.body, 'properties', 'principalType')!, scope)),
    });
  }
  return grants;
}

/** Every role assignment the deployment creates in this scenario, from main.bicep and its local modules. */
export function roleAssignments(scenario: Scenario): Grant[] {
  const root = rootScope(MAIN_BICEP, scenario.params);
  return [...roleGrants(root.file, root), ...deployedModules(scenario).flatMap((m) => roleGrants(m.scope.file, m.scope))];
}
