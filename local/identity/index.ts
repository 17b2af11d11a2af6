// Local Entra ID, managed identity and Key Vault stand-ins (HTTPS with a per-run CA), for tests and local runs.
export { startIdentityStandIns, type IdentityStandIns, type IdentityStandInsOptions } from './standIns';
export type { AppRoleAssignment, EntraClientRegistration, EntraIdStandIn, TokenOverride, TokenRequestCounts } from './entraIdServer';
export type { ManagedIdentityStandIn, UserAssignedIdentity } from './managedIdentityServer';
export { KEY_VAULT_RESOURCE, type KeyVaultRoleAssignment, type KeyVaultStandIn, type SeedSecret } from './keyVaultServer';
export { LOCAL_IDENTITY_DEFAULTS } from './localDefaults';
