// Every role assignment uses the documented id of the role it names, and the deployment grants exactly the
// least-privilege set: nothing broader, nothing at a wider scope than needed.
import fs from 'node:fs';
import { bicepFiles, readRepoJson } from './support/repo';
import { DEPLOYER, ERP, Grant, SCENARIOS, roleAssignments } from './support/deployment';

// Built-in role definition ids, as documented (shared/reference/model-codebases.md, section C4):
// - Storage Blob Data Owner, Storage Queue Data Contributor, Storage Table Data Contributor, Monitoring Metrics
//   Publisher: Azure-Samples/durable-functions-quickstart-typescript-azd infra/app/rbac.bicep.
// - Azure Service Bus Data Receiver: Azure-Samples/functions-quickstart-dotnet-azd-service-bus infra/main.bicep.
// - Azure Service Bus Data Sender: jornpe/BlinkyProject deployment/modules/roleAssignments/assignMessageQueueRole.bicep.
// - Azure Service Bus Data Owner: MicrosoftDocs azure-docs articles/role-based-access-control/built-in-roles (Integration);
//   it is the trigger role MicrosoftDocs azure-docs includes/functions-service-bus-permissions.md names besides Data
//   Receiver, and the one the Service Bus extension's scale monitor needs for queue runtime properties (roles.json).
// - Key Vault Secrets User / Secrets Officer: MicrosoftDocs azure-docs articles/key-vault/general/rbac-guide.md.
// - Durable Task Data Contributor: Azure-Samples/durable-functions-quickstart-typescript-azd infra/main.bicep.
const DOCUMENTED_ROLE_IDS: Record<string, string> = {
  'Storage Blob Data Owner': 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  'Storage Queue Data Contributor': '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  'Storage Table Data Contributor': '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  'Monitoring Metrics Publisher': '3913510d-42f4-4e42-8a64-420c390055eb',
  'Azure Service Bus Data Receiver': '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0',
  'Azure Service Bus Data Sender': '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
  'Azure Service Bus Data Owner': '090c5cfd-751d-490a-894a-3ce6f1109419',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
  'Key Vault Secrets Officer': 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  'Durable Task Data Contributor': '0ad04412-c4d5-4796-b79c-f76d14c8d402',
};
// Roles broader than anything this app needs; they must never appear. (Azure Service Bus Data Owner may, but only
// for the app on the orders queue: see the test below and roles.json.)
const TOO_BROAD: Record<string, string> = {
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  'Key Vault Administrator': '00482a5a-887f-4fb3-b363-3b7fe8e74483',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
};

const keyOf = (roleName: string) => roleName.replace(/ /g, '');
const APP = '<appIdentity.outputs.principalId>';
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const grantLine = (g: Grant) => `${g.principal} ${g.roleKey} on ${g.scopeType} ${g.scopeName}`;

describe('infra/roles.json', () => {
  const roles = readRepoJson<Record<string, { id: string; why: string }>>('infra', 'roles.json');

  it('maps each role name (without spaces) to its documented id', () => {
    for (const [key, { id }] of Object.entries(roles)) {
      const documented = Object.keys(DOCUMENTED_ROLE_IDS).find((name) => keyOf(name) === key);
      expect({ key, documented: documented ?? 'no documented role of that name' }).toEqual({ key, documented: expect.any(String) });
      expect({ key, id }).toEqual({ key, id: DOCUMENTED_ROLE_IDS[documented!] });
    }
  });

  it('holds none of the broad roles', () => {
    const broadIds = Object.values(TOO_BROAD);
    expect(Object.values(roles).filter(({ id }) => broadIds.includes(id))).toEqual([]);
    expect(Object.keys(roles).filter((key) => Object.keys(TOO_BROAD).map(keyOf).includes(key))).toEqual([]);
  });

  it('says for each role who gets it, on what, and why', () => {
    const vague = Object.entries(roles).filter(([, { why }]) => typeof why !== 'string' || !/^(App|Deployer|Optional ERP identity)\b.*, on /.test(why));
    expect(vague.map(([key]) => key)).toEqual([]);
    expect(roles.AzureServiceBusDataOwner.why).toMatch(/target-based scaling.*runtime properties/);
    expect(roles.AzureServiceBusDataOwner.why).toMatch(/Trade-off/);
  });

  it('is the only place a role id is written: no .bicep file contains a GUID', () => {
    const withGuid = bicepFiles().filter((file) => GUID.test(fs.readFileSync(file, 'utf8')));
    expect(withGuid).toEqual([]);
  });
});

describe.each(SCENARIOS)('role assignments ($label)', (scenario) => {
  const grants = roleAssignments(scenario);
  const { durableBackend, principalId, erpPrincipalId } = scenario.params as Record<string, { v: string }>;

  it('use the documented id of the role they name, in both the definition and the assignment name', () => {
    for (const grant of grants) {
      const roleName = Object.keys(DOCUMENTED_ROLE_IDS).find((name) => keyOf(name) === grant.roleKey);
      expect({ assignment: grant.symbol, roleName }).toEqual({ assignment: grant.symbol, roleName: expect.any(String) });
      expect({ assignment: grant.symbol, id: grant.roleDefinitionGuid }).toEqual({ assignment: grant.symbol, id: DOCUMENTED_ROLE_IDS[roleName!] });
      expect({ assignment: grant.symbol, nameKey: grant.nameRoleKey }).toEqual({ assignment: grant.symbol, nameKey: grant.roleKey });
    }
  });

  it('grant exactly the least-privilege set', () => {
    const expected = [
      `${APP} StorageBlobDataOwner on Microsoft.Storage/storageAccounts <storage.outputs.name>`,
      `${APP} AzureServiceBusDataOwner on Microsoft.ServiceBus/namespaces/queues "orders"`,
      `${APP} AzureServiceBusDataSender on Microsoft.ServiceBus/namespaces/topics "order-results"`,
      `${APP} KeyVaultSecretsUser on Microsoft.KeyVault/vaults/secrets "partner-center-client-secret"`,
      `${APP} MonitoringMetricsPublisher on Microsoft.Insights/components <appInsights.outputs.name>`,
    ];
    if (durableBackend.v === 'AzureStorage') {
      expected.push(
        `${APP} StorageQueueDataContributor on Microsoft.Storage/storageAccounts <storage.outputs.name>`,
        `${APP} StorageTableDataContributor on Microsoft.Storage/storageAccounts <storage.outputs.name>`,
      );
    } else {
      expected.push(`${APP} DurableTaskDataContributor on Microsoft.DurableTask/schedulers <'dts-\${resourceToken}'>`);
    }
    if (principalId.v) expected.push(`"${DEPLOYER}" KeyVaultSecretsOfficer on Microsoft.KeyVault/vaults/secrets "partner-center-client-secret"`);
    if (erpPrincipalId.v) {
      expected.push(
        `"${ERP}" AzureServiceBusDataSender on Microsoft.ServiceBus/namespaces/queues "orders"`,
        `"${ERP}" AzureServiceBusDataReceiver on Microsoft.ServiceBus/namespaces/topics/subscriptions "erp"`,
      );
    }
    expect(grants.map(grantLine).sort()).toEqual(expected.sort());
  });

  it('give Data Owner to the app on the orders queue alone, where the trigger and its scaler need it', () => {
    const owners = grants.filter((g) => g.roleKey === 'AzureServiceBusDataOwner').map(grantLine);
    expect(owners).toEqual([`${APP} AzureServiceBusDataOwner on Microsoft.ServiceBus/namespaces/queues "orders"`]);
    // Data Owner includes receiving: no second, redundant grant on the same queue.
    expect(grants.filter((g) => g.principal === APP && g.scopeName === '"orders"')).toHaveLength(1);
  });

  it('reach Key Vault only through the one secret, which the deployment itself creates', () => {
    const vaultGrants = grants.filter((g) => g.roleKey.startsWith('KeyVault'));
    expect(vaultGrants.length).toBeGreaterThan(0);
    expect(vaultGrants.filter((g) => g.scopeType !== 'Microsoft.KeyVault/vaults/secrets')).toEqual([]);
  });

  it("declare the app's identity as a service principal", () => {
    for (const grant of grants.filter((g) => g.principal === APP)) {
      expect({ assignment: grant.symbol, principalType: grant.principalType }).toEqual({ assignment: grant.symbol, principalType: '"ServicePrincipal"' });
    }
  });
});
