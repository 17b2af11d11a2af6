// Service Bus roles scoped to single entities, not the namespace: the app owns only the orders queue (the trigger
// receives from it, and target-based scaling reads its message counts, which needs Data Owner: see roles.json) and
// may only send to the results topic. An optional ERP identity gets the mirror image: send orders, read results
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

// Data Owner includes receiving, so no separate Data Receiver grant: one assignment, on the queue alone.
resource appOwnsOrdersQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(ordersQueue.id, appPrincipalId, roles.AzureServiceBusDataOwner.id)
  scope: ordersQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.AzureServiceBusDataOwner.id)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appSendsResults 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resultsTopic.id, appPrincipalId, roles.AzureServiceBusDataSender.id)
  scope: resultsTopic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.AzureServiceBusDataSender.id)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource erpSendsOrders 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantErp) {
  name: guid(ordersQueue.id, erpPrincipalId, roles.AzureServiceBusDataSender.id)
  scope: ordersQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.AzureServiceBusDataSender.id)
    principalId: erpPrincipalId
    principalType: erpPrincipalType
  }
}

resource erpReceivesResults 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantErp) {
  name: guid(erpSubscription.id, erpPrincipalId, roles.AzureServiceBusDataReceiver.id)
  scope: erpSubscription
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.AzureServiceBusDataReceiver.id)
    principalId: erpPrincipalId
    principalType: erpPrincipalType
  }
}
