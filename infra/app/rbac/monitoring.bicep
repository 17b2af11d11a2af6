// Application Insights accepts telemetry only with an Entra token (local auth disabled); this lets the app's
// identity publish it.
param applicationInsightsName string
param appPrincipalId string

var roles = loadJsonContent('../../roles.json')

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource appPublishesTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, roles.MonitoringMetricsPublisher.id)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.MonitoringMetricsPublisher.id)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}
