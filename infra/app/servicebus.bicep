// Service Bus for the order flow: the ERP sends order requests to a queue, the app publishes outcomes to a topic that
// the ERP reads through its own subscription.
// A local module rather than the AVM namespace module: that module's outputs call listKeys on
// RootManageSharedAccessKey, and this deployment reads no key anywhere.
param name string
param location string = resourceGroup().location
param tags object = {}
param ordersQueueName string
param resultsTopicName string
param erpSubscriptionName string

// Redelivered or resent messages with the same MessageId inside this window are dropped by the broker. The app
// also refuses to start a second orchestration for the same order, so this is the first of two guards.
var duplicateDetectionWindow = 'PT1H'
var messageTimeToLive = 'P14D'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  // Standard is the smallest tier with topics and duplicate detection (Basic has neither).
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    // No SAS: senders and receivers authenticate with Entra ID only.
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource ordersQueue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: ordersQueueName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    // The starter only checks for an existing instance and schedules one, so a minute is ample; the Functions host
    // renews the lock while a call runs.
    lockDuration: 'PT1M'
    // A message that fails this often is poison (bad JSON is rejected on the first delivery anyway): dead-letter it.
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: messageTimeToLive
    requiresSession: false
    enablePartitioning: false
  }
}

resource resultsTopic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: resultsTopicName
  properties: {
    // Result message ids are derived from the instance id and outcome, so a retried publish is dropped here.
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    defaultMessageTimeToLive: messageTimeToLive
    enablePartitioning: false
  }
}

resource erpSubscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = {
  parent: resultsTopic
  name: erpSubscriptionName
  properties: {
    lockDuration: 'PT1M'
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: messageTimeToLive
    requiresSession: false
  }
}

output name string = namespace.name
// serviceBusEndpoint is https://<namespace>.servicebus.<cloud suffix>:443/; the SDK wants the bare host name.
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
output ordersQueueName string = ordersQueue.name
output resultsTopicName string = resultsTopic.name
output erpSubscriptionName string = erpSubscription.name
