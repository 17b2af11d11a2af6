// Starts the three identity stand-ins together: Entra ID, the managed identity endpoint and Key Vault, all HTTPS on
// 127.0.0.1 with one per-run CA, and the Key Vault trusting the tokens the other two sign.

import { randomUUID } from 'node:crypto';
import { createLocalCertificates, writeCaFile } from './certificates';
import { startEntraIdStandIn, type AppRoleAssignment, type EntraClientRegistration, type EntraIdStandIn } from './entraIdServer';
import { startKeyVaultStandIn, type KeyVaultRoleAssignment, type KeyVaultStandIn, type SeedSecret } from './keyVaultServer';
import { startManagedIdentityStandIn, type ManagedIdentityStandIn, type UserAssignedIdentity } from './managedIdentityServer';
import { createSigningKey } from './signingKeys';

export interface IdentityStandInsOptions {
  /** Partner tenant; a random GUID by default. */
  tenantId?: string;
  /** App registrations the Entra ID stand-in knows. */
  clients?: EntraClientRegistration[];
  /** App roles those registrations hold on an API (the `roles` claim of their tokens for it). */
  appRoles?: AppRoleAssignment[];
  /** Initial Key Vault secrets by name: a value, or a value with `enabled: false` (as infra/app/keyvault.bicep's placeholder). */
  secrets?: Record<string, string | SeedSecret>;
  /**
   * Key Vault's Azure RBAC. Left out, any valid token may read and write every secret (tests of other things). Given,
   * only these assignments count: `managedIdentityReads` gives the managed identity Key Vault Secrets User on those
   * secrets alone, as infra/app/rbac/keyvault.bicep does, and `assignments` adds others.
   */
  keyVaultRbac?: { managedIdentityReads?: string[]; assignments?: KeyVaultRoleAssignment[] };
  /** Also write the CA to a file (for NODE_EXTRA_CA_CERTS): true = a temp folder, or a path. Removed by stop(). */
  writeCaFile?: boolean | string;
  /** IDENTITY_HEADER the managed identity stand-in expects; random by default. */
  identityHeader?: string;
  /** User-assigned identities attached to the app (AZURE_CLIENT_ID / managedIdentityClientId may name one). */
  userAssignedIdentities?: UserAssignedIdentity[];
  ports?: { entraId?: number; managedIdentity?: number; keyVault?: number };
  tokenLifetimeSeconds?: number;
}

export interface IdentityStandIns {
  tenantId: string;
  /** PEM of the per-run CA; pass as `tlsOptions: { ca }` to the SDKs. */
  caCertPem: string;
  /** Path of the CA file, when `writeCaFile` was set. */
  caFile?: string;
  entraId: EntraIdStandIn;
  managedIdentity: ManagedIdentityStandIn;
  keyVault: KeyVaultStandIn;
  /**
   * Environment for a process that should use these stand-ins through DefaultAzureCredential: the App Service managed
   * identity contract, the credential chain limited to its production part (environment, workload identity, managed identity; 'ManagedIdentityCredential' would make DefaultAzureCredential drop its options, tlsOptions included), and (with a CA file) NODE_EXTRA_CA_CERTS.
   */
  environment(): Record<string, string>;
  stop(): Promise<void>;
}

export async function startIdentityStandIns(options: IdentityStandInsOptions = {}): Promise<IdentityStandIns> {
  const tenantId = (options.tenantId ?? randomUUID()).toLowerCase();
  const certificates = createLocalCertificates();
  const tls = { serverCertPem: certificates.serverCertPem, serverKeyPem: certificates.serverKeyPem };
  const signingKey = createSigningKey();
  const caFile = options.writeCaFile
    ? writeCaFile(certificates.caCertPem, typeof options.writeCaFile === 'string' ? options.writeCaFile : undefined)
    : undefined;

  const started: { stop(): Promise<void> }[] = [];
  try {
    const entraId = await startEntraIdStandIn({
      tls,
      tenantId,
      signingKey,
      clients: options.clients,
      appRoles: options.appRoles,
      tokenLifetimeSeconds: options.tokenLifetimeSeconds,
      port: options.ports?.entraId,
    });
    started.push(entraId);
    const managedIdentity = await startManagedIdentityStandIn({
      tls,
      tenantId,
      signingKey,
      issuer: `${entraId.authorityHost}/${tenantId}/v2.0`,
      header: options.identityHeader,
      userAssigned: options.userAssignedIdentities,
      port: options.ports?.managedIdentity,
    });
    started.push(managedIdentity);
    const keyVault = await startKeyVaultStandIn({
      tls,
      tenantId,
      authorityHost: entraId.authorityHost,
      trustedKeys: () => entraId.jwks().keys,
      secrets: options.secrets,
      roleAssignments: options.keyVaultRbac && [
        ...(options.keyVaultRbac.managedIdentityReads ?? []).map((secretName) => ({
          principalId: managedIdentity.principalId,
          role: 'Key Vault Secrets User' as const,
          secretName,
        })),
        ...(options.keyVaultRbac.assignments ?? []),
      ],
      port: options.ports?.keyVault,
    });
    started.push(keyVault);

    return {
      tenantId,
      caCertPem: certificates.caCertPem,
      caFile: caFile?.path,
      entraId,
      managedIdentity,
      keyVault,
      environment: () => ({
        IDENTITY_ENDPOINT: managedIdentity.endpoint,
        IDENTITY_HEADER: managedIdentity.header,
        AZURE_TOKEN_CREDENTIALS: 'prod',
        ...(caFile ? { NODE_EXTRA_CA_CERTS: caFile.path } : {}),
      }),
      stop: async () => {
        await Promise.all(started.map((s) => s.stop()));
        caFile?.remove();
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    caFile?.remove();
    throw error;
  }
}
