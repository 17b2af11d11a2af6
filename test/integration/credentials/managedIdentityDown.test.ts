// Key Vault cannot be read when the managed identity endpoint is down: a retryable error that names the vault and
// says no token could be had. Its own file: msal-node fixes the managed identity endpoint process-wide on first use.

import { inspect } from 'node:util';
import { createSecretSource, CredentialUnavailableError } from '../../../shared/credentials';
import { expectNoneContain, FIRST_SECRET, SECRET_NAME, startCredentialRig, type CredentialRig } from './support';

let rig: CredentialRig;
beforeAll(async () => {
  rig = await startCredentialRig();
  await rig.standIns.managedIdentity.stop();
});
afterAll(async () => {
  await rig.stop();
});

test('managed identity endpoint down: CredentialUnavailableError for Key Vault, retryable, and Key Vault saw only the challenge', async () => {
  const source = createSecretSource(rig.config(), rig.secretSourceOptions());
  const error = await source.getSecret().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CredentialUnavailableError);
  expect(error).toMatchObject({ retryable: true, endpoint: 'keyVault', endpointUrl: rig.standIns.keyVault.vaultUrl, reason: 'NoKeyVaultToken' });
  const message = (error as Error).message;
  expect(message).toMatch(
    new RegExp(`^Key Vault ${rig.standIns.keyVault.vaultUrl} could not be read \\(secret "${SECRET_NAME}"\\): no token for Key Vault: ManagedIdentityCredential: Network unreachable\\.`),
  );
  expect(rig.standIns.keyVault.controls.challenges()).toBe(1);
  expect(rig.standIns.keyVault.controls.reads()).toBe(0);
  expectNoneContain([message, inspect(error, { depth: 10 }), ...rig.logs()], [FIRST_SECRET]);
});
