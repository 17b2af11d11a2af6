// Durable Task Scheduler (optional backend): a managed scheduler with one task hub. The app reaches it with its
// managed identity (Durable Task Data Contributor, granted in rbac/scheduler.bicep).
param name string
param location string = resourceGroup().location
param tags object = {}
param skuName string
@description('Capacity units of the Dedicated SKU; the Consumption SKU takes none.')
param capacity int
param taskHubName string

resource scheduler 'Microsoft.DurableTask/schedulers@2026-02-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    // Authentication is by Entra token; the allow list only narrows the networks that may try.
    ipAllowlist: [
      '0.0.0.0/0'
    ]
    sku: {
      name: skuName
      // Dedicated is billed and sized per capacity unit, so it needs one; Consumption has no capacity to set.
      capacity: skuName == 'Dedicated' ? capacity : null
    }
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2026-02-01' = {
  parent: scheduler
  name: taskHubName
}

output name string = scheduler.name
output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
