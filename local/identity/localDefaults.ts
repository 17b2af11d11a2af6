// Fixed values for local runs, so local.settings.sample.json works with `npm run identity` as it is.
// Test suites do not use these: they start the stand-ins on free ports with fresh ids.

export const LOCAL_IDENTITY_DEFAULTS = {
  tenantId: '7c1e6f2a-4b3d-4e5f-8a9b-0c1d2e3f4a5b',
  clientId: 'd2f1a3b4-5c6d-4e7f-9a8b-1c2d3e4f5a6b',
  /** Known to the Entra ID stand-in and stored in its Key Vault; a local placeholder, not a real credential. */
  clientSecret: 'local-only-partner-center-secret',
  secretName: 'partner-center-client-secret',
  identityHeader: 'local-identity-header',
  ports: { entraId: 47443, managedIdentity: 47444, keyVault: 47445 },
  /**
   * API_AUTH=entraId locally: the API's app registration (its App ID URI is the token audience) and two callers with
   * their app roles, as the README's deploy section assigns them in Entra ID. Local placeholders, not credentials.
   */
  api: {
    audience: 'api://pc-order-workflow-local',
    callers: {
      erp: { clientId: '3b9e2c41-7d5a-4f68-9c1b-2e4d6f8a0b13', secret: 'local-only-erp-secret', roles: ['Orders.Submit', 'Orders.Read'] },
      operator: { clientId: '8e4a1f27-3c6b-4d59-a0e2-5b7c9d1f3a24', secret: 'local-only-operator-secret', roles: ['Orders.Submit', 'Orders.Read', 'Orders.Cancel'] },
    },
  },
  /** Relative to the working directory (the repository root); .local-data/ is git-ignored. */
  caFile: '.local-data/identity/ca.pem',
} as const;
