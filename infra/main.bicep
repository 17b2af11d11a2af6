// Partner Center order workflow: everything `azd up` needs in one resource group.
// Every connection is identity-based (one user-assigned managed identity); no key, connection string or secret is
// written to a setting or an output. The Partner Center client secret is stored in Key Vault by the operator after
// deployment (see the README's "Deploy to Azure" section) and is never a parameter of this template.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; used for the resource group name and the unique token in every resource name.')
param environmentName string

@minLength(1)
@description('Region for all resources. It must offer the Flex Consumption plan (az functionapp list-flexconsumption-locations).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the person or pipeline running the deployment (azd sets AZURE_PRINCIPAL_ID). It gets Key Vault Secrets Officer on the Partner Center secret alone so it can store it. Leave empty to grant nothing.')
param principalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
])
@description('Kind of principal behind principalId: User for a person, ServicePrincipal for a CI identity.')
param principalType string = 'User'

@minLength(36)
@maxLength(36)
@description('Microsoft Entra tenant id (GUID) of the CSP partner whose Partner Center account places the orders.')
param partnerCenterTenantId string

@minLength(1)
@description('Application (client) id of the Entra app registration that is allowed to call the Partner Center API.')
param partnerCenterClientId string

@minLength(1)
@maxLength(127)
@description('Name of the Key Vault secret that will hold the Partner Center app\'s client secret. Only the name is deployed; the value is stored afterwards with az keyvault secret set.')
param partnerCenterSecretName string = 'partner-center-client-secret'

@allowed([
  'AzureStorage'
  'DurableTaskScheduler'
])
@description('Durable Functions backend. AzureStorage keeps orchestration state in the function app\'s storage account; DurableTaskScheduler uses the managed Durable Task Scheduler for higher throughput.')
param durableBackend string = 'AzureStorage'

@allowed([
  'Consumption'
  'Dedicated'
])
@description('Durable Task Scheduler SKU (used only when durableBackend is DurableTaskScheduler).')
param schedulerSkuName string = 'Consumption'

@minValue(1)
@maxValue(3)
@description('Capacity units (CUs) of the Dedicated Durable Task Scheduler SKU, used only with schedulerSkuName Dedicated. One CU dispatches up to 2,000 actions per second, far above what Partner Center\'s rate limits let this app use; three CUs are needed for zone redundancy, and three is the most the SKU offers.')
param schedulerCapacity int = 1

@allowed([
  '20'
  '22'
])
@description('Node.js version of the Flex Consumption runtime.')
param nodeVersion string = '20'

@allowed([
  512
  2048
  4096
])
@description('Memory of each Flex Consumption instance, in MB.')
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
@description('Upper bound on instances. Partner Center throttles per partner tenant, so more instances do not buy more throughput; see the README section "Deploy to Azure".')
param maximumInstanceCount int = 4

@description('Optional object id of the ERP\'s identity. When set it gets Data Sender on the orders queue and Data Receiver on the erp subscription, nothing else.')
param erpPrincipalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
@description('Kind of principal behind erpPrincipalId.')
param erpPrincipalType string = 'ServicePrincipal'

@description('False until the first deployment has created the Partner Center secret as a disabled placeholder (the roles are scoped to that secret, which must exist). azd sets it from this template\'s own output PARTNER_CENTER_SECRET_SLOT_CREATED, so later deployments never write over the stored secret.')
param partnerCenterSecretSlotCreated bool = false

@allowed([
  'functionKeys'
  'entraId'
])
@description('Who may call the HTTP API: function keys, or Microsoft Entra ID app roles through App Service authentication (see the README section "Deploy to Azure").')
param apiAuth string = 'functionKeys'

@description('apiAuth entraId: application (client) id of the API\'s app registration with the Orders.Submit, Orders.Read and Orders.Cancel app roles.')
param apiAppClientId string = ''

@description('apiAuth entraId: the token audience (Application ID URI); api://<apiAppClientId> when empty.')
param apiAudience string = ''

@description('Turn on Key Vault purge protection. Recommended for production; it stops `azd down --purge` from purging the vault.')
param enableKeyVaultPurgeProtection bool = false

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = '${abbrs.webSitesFunctions}orders-${resourceToken}'
var deploymentContainerName = 'app-package-${take(resourceToken, 7)}'
var useScheduler = durableBackend == 'DurableTaskScheduler'

// Must equal extensions.durableTask.hubName in host.json (the Durable Task Scheduler task hub is created with it).
var durableTaskHubName = 'PartnerCenterOrders'

// Entity names the app reads from ORDERS_QUEUE / RESULTS_TOPIC; they match shared/config/settings.ts defaults and
// local/service-bus/config.default.json so local runs and Azure behave alike.
var ordersQueueName = 'orders'
var resultsTopicName = 'order-results'
var erpSubscriptionName = 'erp'

resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// The one identity the function app uses for storage, Service Bus, Key Vault, telemetry and the scheduler.
module appIdentity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'appIdentity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}orders-${resourceToken}'
    location: location
    tags: tags
  }
}

module plan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: 'plan'
  scope: rg
  params: {
    name: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    sku: {
      name: 'FC1'
      tier: 'FlexConsumption'
    }
    reserved: true
  }
}

// Host storage (AzureWebJobsStorage), the deployment package container and, with the AzureStorage backend, the
// Durable task hub's queues and tables. Shared keys are off: only Entra identities get in.
module storage 'br/public:avm/res/storage/storage-account:0.8.3' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    skuName: 'Standard_LRS'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
    blobServices: {
      containers: [
        {
          name: deploymentContainerName
          publicAccess: 'None'
        }
      ]
    }
  }
}

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.11.1' = {
  name: 'logAnalytics'
  scope: rg
  params: {
    name: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    location: location
    tags: tags
    dataRetention: 30
    features: {
      disableLocalAuth: true
    }
  }
}

module appInsights 'br/public:avm/res/insights/component:0.6.0' = {
  name: 'appInsights'
  scope: rg
  params: {
    name: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    // Telemetry is accepted only with an Entra token: the app publishes as its managed identity.
    disableLocalAuth: true
  }
}

module serviceBus 'app/servicebus.bicep' = {
  name: 'serviceBus'
  scope: rg
  params: {
    name: '${abbrs.serviceBusNamespaces}${resourceToken}'
    location: location
    tags: tags
    ordersQueueName: ordersQueueName
    resultsTopicName: resultsTopicName
    erpSubscriptionName: erpSubscriptionName
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    enablePurgeProtection: enableKeyVaultPurgeProtection
    secretName: partnerCenterSecretName
    createSecretPlaceholder: !partnerCenterSecretSlotCreated
  }
}

module scheduler 'app/scheduler.bicep' = if (useScheduler) {
  name: 'scheduler'
  scope: rg
  params: {
    name: '${abbrs.durableTaskSchedulers}${resourceToken}'
    location: location
    tags: tags
    skuName: schedulerSkuName
    capacity: schedulerCapacity
    taskHubName: durableTaskHubName
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    location: location
    tags: tags
    planId: plan.outputs.resourceId
    identityId: appIdentity.outputs.resourceId
    identityClientId: appIdentity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: appInsights.outputs.name
    nodeVersion: nodeVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    ordersQueueName: serviceBus.outputs.ordersQueueName
    resultsTopicName: serviceBus.outputs.resultsTopicName
    keyVaultUri: keyVault.outputs.uri
    partnerCenterTenantId: partnerCenterTenantId
    partnerCenterClientId: partnerCenterClientId
    partnerCenterSecretName: partnerCenterSecretName
    durableBackend: durableBackend
    schedulerEndpoint: useScheduler ? scheduler.outputs.endpoint : ''
    apiAuth: apiAuth
    apiAppClientId: apiAppClientId
    apiAudience: apiAudience
  }
}

// Least privilege, one module per target resource; role ids come from roles.json.
module storageAccess 'app/rbac/storage.bicep' = {
  name: 'storageAccess'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    appPrincipalId: appIdentity.outputs.principalId
    // Queues and tables hold the Durable task hub only with the AzureStorage backend.
    grantQueueAndTable: !useScheduler
  }
}

module serviceBusAccess 'app/rbac/servicebus.bicep' = {
  name: 'serviceBusAccess'
  scope: rg
  params: {
    namespaceName: serviceBus.outputs.name
    ordersQueueName: serviceBus.outputs.ordersQueueName
    resultsTopicName: serviceBus.outputs.resultsTopicName
    erpSubscriptionName: serviceBus.outputs.erpSubscriptionName
    appPrincipalId: appIdentity.outputs.principalId
    erpPrincipalId: erpPrincipalId
    erpPrincipalType: erpPrincipalType
  }
}

module keyVaultAccess 'app/rbac/keyvault.bicep' = {
  name: 'keyVaultAccess'
  scope: rg
  params: {
    vaultName: keyVault.outputs.name
    secretName: keyVault.outputs.secretName
    appPrincipalId: appIdentity.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

module monitoringAccess 'app/rbac/monitoring.bicep' = {
  name: 'monitoringAccess'
  scope: rg
  params: {
    applicationInsightsName: appInsights.outputs.name
    appPrincipalId: appIdentity.outputs.principalId
  }
}

module schedulerAccess 'app/rbac/scheduler.bicep' = if (useScheduler) {
  name: 'schedulerAccess'
  scope: rg
  params: {
    schedulerName: useScheduler ? scheduler.outputs.name : ''
    appPrincipalId: appIdentity.outputs.principalId
  }
}

// Outputs become azd environment values (azd env get-values). None of them is a secret.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = api.outputs.name
output AZURE_FUNCTION_NAME string = api.outputs.name
output AZURE_FUNCTION_URL string = 'https://${api.outputs.defaultHostname}'
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = appIdentity.outputs.clientId
output KEY_VAULT_NAME string = keyVault.outputs.name
output KEY_VAULT_URL string = keyVault.outputs.uri
output PARTNER_CENTER_SECRET_NAME string = partnerCenterSecretName
// Read back by main.parameters.json on the next `azd provision`: the placeholder is created once, never again.
output PARTNER_CENTER_SECRET_SLOT_CREATED bool = true
output SERVICE_BUS_NAMESPACE string = serviceBus.outputs.name
output SERVICE_BUS_FULLY_QUALIFIED_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output ORDERS_QUEUE string = serviceBus.outputs.ordersQueueName
output RESULTS_TOPIC string = serviceBus.outputs.resultsTopicName
output RESULTS_SUBSCRIPTION string = serviceBus.outputs.erpSubscriptionName
output DURABLE_BACKEND string = durableBackend
output DURABLE_TASK_SCHEDULER_ENDPOINT string = useScheduler ? scheduler.outputs.endpoint : ''
