// Key Vault for the Partner Center client secret. Access is by Azure RBAC only (no access policies); the secret
// itself is never deployed from here: the operator stores it after deployment (the README's "Deploy to Azure" section).
param name string
param location string = resourceGroup().location
param tags object = {}
param enablePurgeProtection bool = false

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    // Omitted rather than false: the property accepts only true (turning it on is irreversible).
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
