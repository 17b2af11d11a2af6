// Durable Task Scheduler backend only: the app's identity reads and writes its task hub.
param schedulerName string
param appPrincipalId string

var roles = loadJsonContent('../../roles.json')

resource scheduler 'Microsoft.DurableTask/schedulers@2026-02-01' existing = {
  name: schedulerName
}

resource appRunsTaskHub 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(scheduler.id, appPrincipalId, roles.DurableTaskDataContributor.id)
  scope: scheduler
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.DurableTaskDataContributor.id)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}
