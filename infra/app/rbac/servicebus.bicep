// Service Bus roles scoped to single entities, not the namespace: the app may only receive from the orders queue
// and only send to the results topic. An optional ERP identity gets the mirror image: send orders, read results
// from its own subscription.
param namespaceName string
param ordersQueueName string
param resultsTopicName string
param erpSubscriptionName string
param appPrincipalId string
param erpPrincipalId string = ''
param erpPrincipalType string = 'ServicePrincipal'

var roles = loadJsonContent('../../roles.json')
var grantErp = !empty(erpPrincipalId)

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: namespaceName
}

resource ordersQueue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = {
  parent: namespace
  name: ordersQueueName
}

resource resultsTopic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' existing = {
  parent: namespace
  name: resultsTopicName
}

resource erpSubscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' existing = {
  parent: resultsTopic
  name: erpSubscriptionName
}

resource appReceivesOrders 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(ordersQueue.id, appPrincipalId, roles.AzureServiceBusDataReceiver)
  scope: ordersQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.AzureServiceBusDataReceiver)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appSendsResults 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resultsTopic.id, appPrincipalId, roles.AzureServiceBusDataSender)
  scope: resultsTopic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.AzureServiceBusDataSender)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource erpSendsOrders 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantErp) {
  name: guid(ordersQueue.id, erpPrincipalId, roles.AzureServiceBusDataSender)
  scope: ordersQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.AzureServiceBusDataSender)
    principalId: erpPrincipalId
    principalType: erpPrincipalType
  }
}

resource erpReceivesResults 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantErp) {
  name: guid(erpSubscription.id, erpPrincipalId, roles.AzureServiceBusDataReceiver)
  scope: erpSubscription
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.AzureServiceBusDataReceiver)
    principalId: erpPrincipalId
    principalType: erpPrincipalType
  }
}
