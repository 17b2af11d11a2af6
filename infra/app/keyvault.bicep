// Key Vault for the Partner Center client secret. Access is by Azure RBAC only (no access policies); the secret's
// value is never deployed from here: the operator stores it after deployment (the README's "Deploy to Azure" section).
param name string
param location string = resourceGroup().location
param tags object = {}
param enablePurgeProtection bool = false
@description('Name of the secret that holds the Partner Center client secret.')
param secretName string
@description('True on the first deployment only: create the secret as a disabled placeholder, so the roles can be scoped to it. Later deployments must leave it out, or they would add a disabled version over the stored value.')
param createSecretPlaceholder bool

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

// A role assignment can only be scoped to a secret that exists, and the roles are scoped to this one secret
// (rbac/keyvault.bicep). So the first deployment creates it: disabled, with a value that is no secret, until the
// operator stores the real one as a new, enabled version. Until then Key Vault refuses to read it (Forbidden,
// "disabled secret"), so the app reports the secret as unreadable instead of sending a placeholder to Entra ID.
resource secretPlaceholder 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (createSecretPlaceholder) {
  parent: vault
  name: secretName
  properties: {
    value: 'placeholder: store the Partner Center client secret with az keyvault secret set'
    contentType: 'text/plain'
    attributes: {
      enabled: false
    }
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
// The name again, so the role assignments on the secret wait for this module (and the placeholder).
output secretName string = secretName
