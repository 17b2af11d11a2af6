// Key Vault roles, scoped to the one Partner Center secret rather than the vault: the app may read that secret's
// value; the deployer may write it (to store the Partner Center secret after `azd up` and rotate it). Neither can
// list or read any other secret, nor touch keys, certificates or the vault's settings.
param vaultName string
@description('The Partner Center secret; it must exist (keyvault.bicep creates it as a disabled placeholder).')
param secretName string
param appPrincipalId string
param deployerPrincipalId string = ''
param deployerPrincipalType string = 'User'

var roles = loadJsonContent('../../roles.json')

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = {
  parent: vault
  name: secretName
}

resource appReadsSecret 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(secret.id, appPrincipalId, roles.KeyVaultSecretsUser.id)
  scope: secret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.KeyVaultSecretsUser.id)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource deployerWritesSecret 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(secret.id, deployerPrincipalId, roles.KeyVaultSecretsOfficer.id)
  scope: secret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.KeyVaultSecretsOfficer.id)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}
