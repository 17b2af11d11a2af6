// Data-plane roles on the function app's storage account. The Functions host needs Blob Data Owner for
// AzureWebJobsStorage and the deployment package; the AzureStorage Durable backend adds queues and tables.
param storageAccountName string
param appPrincipalId string
param grantQueueAndTable bool

var roles = loadJsonContent('../../roles.json')

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appBlobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, appPrincipalId, roles.StorageBlobDataOwner.id)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.StorageBlobDataOwner.id)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appQueueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantQueueAndTable) {
  name: guid(storageAccount.id, appPrincipalId, roles.StorageQueueDataContributor.id)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.StorageQueueDataContributor.id)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appTableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantQueueAndTable) {
  name: guid(storageAccount.id, appPrincipalId, roles.StorageTableDataContributor.id)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.StorageTableDataContributor.id)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}
