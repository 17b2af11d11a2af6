// The function app: Flex Consumption, Linux, Node, one user-assigned identity, identity-based settings only.
// Every setting the app's config module requires in Azure is set here; test/unit/infra checks that against
// shared/config/settings.ts and that no setting carries a key, a connection string or a secret.
param name string
param location string = resourceGroup().location
param tags object = {}
@description('azd deploys the code to the app carrying this azd-service-name tag (azure.yaml services.api).')
param serviceName string = 'api'
param planId string
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param applicationInsightsName string
param nodeVersion string
param instanceMemoryMB int
param maximumInstanceCount int
param serviceBusFullyQualifiedNamespace string
param ordersQueueName string
param resultsTopicName string
param keyVaultUri string
param partnerCenterTenantId string
param partnerCenterClientId string
param partnerCenterSecretName string
@allowed([
  'AzureStorage'
  'DurableTaskScheduler'
])
param durableBackend string
@description('Durable Task Scheduler endpoint; empty with the AzureStorage backend.')
param schedulerEndpoint string = ''
@allowed([
  'functionKeys'
  'entraId'
])
@description('Who may call the HTTP API (API_AUTH): function keys, or Entra ID tokens checked by App Service authentication.')
param apiAuth string = 'functionKeys'
@description('apiAuth entraId: application (client) id of the API\'s app registration (the one defining the app roles).')
param apiAppClientId string = ''
@description('apiAuth entraId: the token audience (the app registration\'s Application ID URI); api://<apiAppClientId> when empty.')
param apiAudience string = ''

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Host storage through the identity: blob always (host leases, keys, deployment).
var hostStorageSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: storageAccount.properties.primaryEndpoints.blob
}

// The AzureStorage Durable backend keeps its work-item queues and history/instance tables in the same account.
var azureStorageBackendSettings = {
  AzureWebJobsStorage__queueServiceUri: storageAccount.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: storageAccount.properties.primaryEndpoints.table
}

// The Durable Task Scheduler backend: host.json names the AzureStorage provider, so these app settings override
// it (AzureFunctionsJobHost__<path> replaces a host.json value). host.json cannot read the backend from a setting:
// the Durable extension resolves %SETTING% in hubName only and matches storageProvider.type as written. The
// "connection string" holds no secret: an endpoint, the auth mode and the identity's client id.
var schedulerBackendSettings = {
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'azureManaged'
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${schedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}'
}

// Telemetry as the identity (App Insights has local auth disabled). The connection string names the ingestion
// endpoint and resource; without an Entra token it cannot be used to write.
var telemetrySettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

// What the app itself reads (shared/config/settings.ts).
var appConfigSettings = {
  // DefaultAzureCredential goes straight to the user-assigned identity named here.
  AZURE_CLIENT_ID: identityClientId
  AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential'
  ServiceBusConnection__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identityClientId
  ORDERS_QUEUE: ordersQueueName
  RESULTS_TOPIC: resultsTopicName
  KEY_VAULT_URL: keyVaultUri
  PARTNER_CENTER_SECRET_NAME: partnerCenterSecretName
  PARTNER_CENTER_TENANT_ID: partnerCenterTenantId
  PARTNER_CENTER_CLIENT_ID: partnerCenterClientId
  API_AUTH: apiAuth
}

var appSettings = union(
  hostStorageSettings,
  telemetrySettings,
  appConfigSettings,
  durableBackend == 'DurableTaskScheduler' ? schedulerBackendSettings : azureStorageBackendSettings
)

module site 'br/public:avm/res/web/site:0.15.1' = {
  name: '${serviceName}-flex-consumption'
  params: {
    kind: 'functionapp,linux'
    name: name
    location: location
    tags: union(tags, { 'azd-service-name': serviceName })
    serverFarmResourceId: planId
    httpsOnly: true
    clientAffinityEnabled: false
    managedIdentities: {
      systemAssigned: false
      userAssignedResourceIds: [
        identityId
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageAccount.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
    siteConfig: {
      alwaysOn: false
      minTlsVersion: '1.2'
    }
    // azd deploys with an Entra token; publishing with basic (user name / password) credentials stays off.
    basicPublishingCredentialsPolicies: [
      {
        name: 'ftp'
        allow: false
      }
      {
        name: 'scm'
        allow: false
      }
    ]
    appSettingsKeyValuePairs: appSettings
  }
}

// API_AUTH=entraId: App Service authentication in front of the app. Requests without a valid Entra ID token for the
// API (issuer: this tenant, audience: the API's) get 401 before any function runs; the functions then check the app
// role in X-MS-CLIENT-PRINCIPAL (functions/apiAuth.ts). No login flow and no token store: callers are services with
// client-credentials tokens. Function keys are not asked for (the functions are anonymous to the host).
resource siteForAuth 'Microsoft.Web/sites@2023-12-01' existing = {
  name: name
}

resource apiAuthSettings 'Microsoft.Web/sites/config@2023-12-01' = if (apiAuth == 'entraId') {
  parent: siteForAuth
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: apiAppClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            empty(apiAudience) ? 'api://${apiAppClientId}' : apiAudience
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
  dependsOn: [
    site
  ]
}

output name string = site.outputs.name
output defaultHostname string = site.outputs.defaultHostname
