// The Partner Center token provider and the Key Vault secret source, through the real @azure/identity and
// @azure/keyvault-secrets SDKs over TLS against the local stand-ins (managed identity → Key Vault → Entra ID).

import { inspect } from 'node:util';
import type { PartnerCenterTokenProvider } from '../../../shared/partner-center/tokenProvider';
import {
  createPartnerCenterTokenProvider,
  createSecretSource,
  CredentialRejectedError,
  CredentialUnavailableError,
  type SecretSource,
} from '../../../shared/credentials';
import { CLIENT_ID, closedPort, DISABLED_SECRET_NAME, expectNoneContain, FIRST_SECRET, SECOND_SECRET, SECRET_NAME, startCredentialRig, type CredentialRig } from './support';

let rig: CredentialRig;
const thrown: unknown[] = [];
const issuedTokens: string[] = [];

beforeAll(async () => {
  rig = await startCredentialRig();
});

afterAll(async () => {
  // No secret or token in any log line (ours and the SDKs') or in anything thrown during this file.
  const haystacks = [...rig.logs(), ...thrown.map((e) => inspect(e, { depth: 10, showHidden: true })), ...thrown.map((e) => JSON.stringify(e))];
  // The search covered real material: SDK log lines, our own warnings, thrown errors and issued tokens.
  expect(rig.logs().filter((l) => l.startsWith('sdk:')).length).toBeGreaterThan(10);
  expect(rig.logs().filter((l) => l.startsWith('warn:')).length).toBeGreaterThan(2);
  expect(thrown.length).toBeGreaterThan(5);
  expect(issuedTokens.length).toBeGreaterThan(100);
  expectNoneContain(haystacks, [FIRST_SECRET, SECOND_SECRET, ...new Set(issuedTokens)]);
  await rig.stop();
});

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    thrown.push(error);
    return error as Error;
  }
  throw new Error('expected a failure');
}

function providerFor(source: SecretSource, now?: () => number): PartnerCenterTokenProvider {
  const provider = createPartnerCenterTokenProvider({
    config: rig.config(),
    secretSource: source,
    credentialOptions: { tlsOptions: rig.tlsOptions, retryOptions: { maxRetries: 0 } },
    logger: rig.logger,
    now,
  });
  return {
    getToken: async () => {
      const token = await provider.getToken();
      issuedTokens.push(token);
      return token;
    },
    invalidate: (token) => provider.invalidate(token),
  };
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

test('100 token requests (50 concurrent, 50 sequential) cost 1 Entra ID token request, 1 Key Vault read and at most 1 managed identity token', async () => {
  const { entraId, keyVault, managedIdentity } = rig.standIns;
  const before = { tokens: entraId.controls.tokenRequests(CLIENT_ID).total, reads: keyVault.controls.reads(SECRET_NAME) };
  const provider = providerFor(createSecretSource(rig.config(), rig.secretSourceOptions()));

  const concurrent = await Promise.all(Array.from({ length: 50 }, () => provider.getToken()));
  const sequential: string[] = [];
  for (let i = 0; i < 50; i++) sequential.push(await provider.getToken());

  expect(new Set([...concurrent, ...sequential]).size).toBe(1);
  expect(entraId.controls.tokenRequests(CLIENT_ID).total - before.tokens).toBe(1);
  expect(keyVault.controls.reads(SECRET_NAME) - before.reads).toBe(1);
  // The managed identity token for Key Vault is cached process-wide by msal-node; this file's first read fetched it.
  expect(managedIdentity.controls.tokenRequests('https://vault.azure.net')).toBe(1);
  const claims = claimsOf(concurrent[0]!);
  expect(claims).toMatchObject({ aud: 'https://api.partnercenter.microsoft.com', tid: rig.standIns.tenantId, appid: CLIENT_ID });
});

test('a token is reused until shortly before it expires, then exactly one new token is requested', async () => {
  let clock = Date.now();
  const provider = providerFor(createSecretSource(rig.config(), rig.secretSourceOptions()), () => clock);
  const before = rig.standIns.entraId.controls.tokenRequests(CLIENT_ID).issued;
  const first = await provider.getToken();
  clock += 3599_000 - 121_000; // 1 s before the 2-minute refresh margin
  expect(await provider.getToken()).toBe(first);
  clock += 2_000; // inside the margin
  const second = await provider.getToken();
  expect(second).not.toBe(first);
  expect(await provider.getToken()).toBe(second);
  expect(rig.standIns.entraId.controls.tokenRequests(CLIENT_ID).issued - before).toBe(2);
});

test('invalidate(token) drops that token once; invalidating an older token changes nothing', async () => {
  const provider = providerFor(createSecretSource(rig.config(), rig.secretSourceOptions()));
  const before = rig.standIns.entraId.controls.tokenRequests(CLIENT_ID).issued;
  const first = await provider.getToken();
  provider.invalidate(first);
  const second = await provider.getToken();
  expect(second).not.toBe(first);
  provider.invalidate(first); // stale report from a slow caller: must not drop the fresh token
  expect(await provider.getToken()).toBe(second);
  expect(rig.standIns.entraId.controls.tokenRequests(CLIENT_ID).issued - before).toBe(2);
});

test('a secret rotated in Key Vault and revoked at Entra ID is picked up without restart, with exactly one re-read', async () => {
  const { entraId, keyVault } = rig.standIns;
  let clock = Date.now();
  const provider = providerFor(createSecretSource(rig.config(), rig.secretSourceOptions()), () => clock);
  const reads = keyVault.controls.reads(SECRET_NAME);
  const requests = entraId.controls.tokenRequests(CLIENT_ID);
  await provider.getToken();

  keyVault.controls.setSecret(SECRET_NAME, SECOND_SECRET);
  entraId.controls.setClientSecrets(CLIENT_ID, [SECOND_SECRET]);
  try {
    clock += 3600_000; // the cached token has expired: the next call needs a new one, with the revoked secret first
    const tokens = await Promise.all(Array.from({ length: 10 }, () => provider.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(keyVault.controls.reads(SECRET_NAME) - reads).toBe(2); // the first read and exactly one re-read
    const after = entraId.controls.tokenRequests(CLIENT_ID);
    expect({ issued: after.issued - requests.issued, rejected: after.rejected - requests.rejected }).toEqual({ issued: 2, rejected: 1 });
    expect(rig.logs().filter((l) => l.startsWith('warn:') && l.includes('Re-reading the secret'))).toHaveLength(1);
  } finally {
    keyVault.controls.setSecret(SECRET_NAME, FIRST_SECRET);
    entraId.controls.setClientSecrets(CLIENT_ID, [FIRST_SECRET]);
  }
});

test('a secret that Entra ID still refuses after one re-read is a non-retryable CredentialRejectedError', async () => {
  const { entraId, keyVault } = rig.standIns;
  const provider = providerFor(createSecretSource(rig.config(), rig.secretSourceOptions()));
  const reads = keyVault.controls.reads(SECRET_NAME);
  entraId.controls.setClientSecrets(CLIENT_ID, ['a-secret-nobody-has']);
  try {
    const error = await failureOf(provider.getToken());
    expect(error).toBeInstanceOf(CredentialRejectedError);
    expect(error).toMatchObject({ retryable: false, endpoint: 'entraId', reason: 'AADSTS7000215' });
    expect(error.message).toContain(`Entra ID (${rig.standIns.entraId.authorityHost}/${rig.standIns.tenantId})`);
    expect(error.message).toContain('AADSTS7000215: Invalid client secret provided');
    expect(error.message).toContain('unchanged after one re-read');
    expect(error.message).not.toContain('..');
    expect(keyVault.controls.reads(SECRET_NAME) - reads).toBe(2);
  } finally {
    entraId.controls.setClientSecrets(CLIENT_ID, [FIRST_SECRET]);
  }
});

test('an app unknown to Entra ID is refused without re-reading the secret', async () => {
  const config = rig.config({ PARTNER_CENTER_CLIENT_ID: '00000000-1111-4222-8333-444444444444' });
  const source = createSecretSource(config, rig.secretSourceOptions());
  const reads = rig.standIns.keyVault.controls.reads(SECRET_NAME);
  const provider = createPartnerCenterTokenProvider({
    config,
    secretSource: source,
    credentialOptions: { tlsOptions: rig.tlsOptions, retryOptions: { maxRetries: 0 } },
    logger: rig.logger,
  });
  const error = await failureOf(provider.getToken());
  expect(error).toBeInstanceOf(CredentialRejectedError);
  expect(error).toMatchObject({ retryable: false, reason: 'AADSTS700016' });
  expect(error.message).toContain("Application with identifier '00000000-1111-4222-8333-444444444444' was not found");
  expect(rig.standIns.keyVault.controls.reads(SECRET_NAME) - reads).toBe(1);
});

test('Entra ID temporarily unavailable (503) is a retryable CredentialUnavailableError, and the next call succeeds', async () => {
  const provider = providerFor(createSecretSource(rig.config(), rig.secretSourceOptions()));
  rig.standIns.entraId.controls.failNextTokenRequests(1, 503);
  const error = await failureOf(provider.getToken());
  expect(error).toBeInstanceOf(CredentialUnavailableError);
  // Entra ID's outage answer (AADSTS90033), not AADSTS50196 (LoopDetected, a refusal of a client in a loop).
  expect(error).toMatchObject({ retryable: true, endpoint: 'entraId', reason: 'AADSTS90033' });
  expect(error.message).toContain('is temporarily unavailable: AADSTS90033: A transient error has occurred. Please try again.');
  await expect(provider.getToken()).resolves.toMatch(/^ey/);
});

test('Entra ID unreachable: a retryable error naming the authority and "connection refused"', async () => {
  const port = await closedPort();
  const config = rig.config({ AZURE_AUTHORITY_HOST: `https://127.0.0.1:${port}` });
  const provider = createPartnerCenterTokenProvider({
    config,
    secretSource: createSecretSource(config, rig.secretSourceOptions()),
    credentialOptions: { tlsOptions: rig.tlsOptions, retryOptions: { maxRetries: 0 } },
    logger: rig.logger,
  });
  const error = await failureOf(provider.getToken());
  expect(error).toBeInstanceOf(CredentialUnavailableError);
  expect(error).toMatchObject({ retryable: true, endpoint: 'entraId', endpointUrl: `https://127.0.0.1:${port}/${rig.standIns.tenantId}`, reason: 'ECONNREFUSED' });
  expect(error.message).toContain('connection refused (ECONNREFUSED)');
});

test('Entra ID with an untrusted certificate: the error names the TLS trust failure instead of endpoints_resolution_error', async () => {
  const provider = createPartnerCenterTokenProvider({
    config: rig.config(),
    secretSource: createSecretSource(rig.config(), rig.secretSourceOptions()),
    credentialOptions: { retryOptions: { maxRetries: 0 } }, // no CA: the per-run CA is not trusted
    logger: rig.logger,
  });
  const error = await failureOf(provider.getToken());
  expect(error).toBeInstanceOf(CredentialUnavailableError);
  expect(error).toMatchObject({ retryable: true, endpoint: 'entraId' });
  expect(error.message).toMatch(/TLS trust failure \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/);
  expect(error.message).not.toContain('endpoints_resolution_error:');
});

describe('Key Vault failures', () => {
  test('Key Vault down: a retryable CredentialUnavailableError naming the vault URL and "connection refused"', async () => {
    const vaultUrl = `https://127.0.0.1:${await closedPort()}`;
    const source = createSecretSource(rig.config({ KEY_VAULT_URL: vaultUrl }), rig.secretSourceOptions());
    const error = await failureOf(source.getSecret());
    expect(error).toBeInstanceOf(CredentialUnavailableError);
    expect(error).toMatchObject({ retryable: true, endpoint: 'keyVault', endpointUrl: vaultUrl, reason: 'ECONNREFUSED' });
    expect(error.message).toBe(`Key Vault ${vaultUrl} could not be read (secret "${SECRET_NAME}"): connection refused (ECONNREFUSED)`);
  });

  test('Key Vault with an untrusted certificate: the error names the TLS trust failure', async () => {
    const options = rig.secretSourceOptions();
    const source = createSecretSource(rig.config(), { ...options, keyVaultClientOptions: { retryOptions: { maxRetries: 0 } } });
    const error = await failureOf(source.getSecret());
    expect(error).toBeInstanceOf(CredentialUnavailableError);
    expect(error.message).toMatch(/^Key Vault https:\/\/127\.0\.0\.1:\d+ could not be read .*TLS trust failure \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
  });

  test('Key Vault answering 503 is retryable; the next read succeeds (a failed read is not cached)', async () => {
    const source = createSecretSource(rig.config(), rig.secretSourceOptions());
    rig.standIns.keyVault.controls.failNextRequests(1, 503);
    const error = await failureOf(source.getSecret());
    expect(error).toMatchObject({ retryable: true, endpoint: 'keyVault', reason: 'HTTP 503' });
    await expect(source.getSecret().then((s) => s.reveal() === FIRST_SECRET)).resolves.toBe(true);
  });

  test('a secret name the vault does not have is a non-retryable CredentialRejectedError', async () => {
    const source = createSecretSource(rig.config({ PARTNER_CENTER_SECRET_NAME: 'no-such-secret' }), rig.secretSourceOptions());
    const error = await failureOf(source.getSecret());
    expect(error).toBeInstanceOf(CredentialRejectedError);
    expect(error).toMatchObject({ retryable: false, endpoint: 'keyVault', reason: 'SecretNotFound' });
    expect(error.message).toContain('secret "no-such-secret"');
  });

  test('a secret seeded disabled (the deployment\'s placeholder) is a non-retryable SecretDisabled, not a role problem', async () => {
    const source = createSecretSource(rig.config({ PARTNER_CENTER_SECRET_NAME: DISABLED_SECRET_NAME }), rig.secretSourceOptions());
    const error = await failureOf(source.getSecret());
    expect(error).toBeInstanceOf(CredentialRejectedError);
    expect(error).toMatchObject({ retryable: false, endpoint: 'keyVault', reason: 'SecretDisabled' });
    expect(error.message).toContain(`secret "${DISABLED_SECRET_NAME}"`);
    expect(error.message).toContain('HTTP 403 Forbidden: Operation get is not allowed on a disabled secret.');
    expect(error.message).toContain('enable that version, or store the value as a new version');
    expect(error.message).not.toContain('Key Vault Secrets User');
    expect(rig.standIns.keyVault.controls.reads(DISABLED_SECRET_NAME)).toBe(0);
  });

  test('a disabled latest version is refused until a new version is stored; a pinned disabled version until it is enabled', async () => {
    const { controls } = rig.standIns.keyVault;
    const disabledVersion = controls.setSecret(SECRET_NAME, SECOND_SECRET, { enabled: false });
    try {
      const latest = createSecretSource(rig.config(), rig.secretSourceOptions());
      const pinned = createSecretSource(rig.config({ PARTNER_CENTER_SECRET_VERSION: disabledVersion }), rig.secretSourceOptions());
      await expect(failureOf(latest.getSecret())).resolves.toMatchObject({ reason: 'SecretDisabled' });
      await expect(failureOf(pinned.getSecret())).resolves.toMatchObject({ reason: 'SecretDisabled' });
      controls.setEnabled(SECRET_NAME, disabledVersion, true);
      expect((await latest.getSecret()).reveal()).toBe(SECOND_SECRET);
      expect((await pinned.getSecret()).reveal()).toBe(SECOND_SECRET);
    } finally {
      controls.setSecret(SECRET_NAME, FIRST_SECRET);
    }
  });

  test('a pinned version is read as that version even after rotation', async () => {
    const [version] = rig.standIns.keyVault.controls.versions(SECRET_NAME);
    rig.standIns.keyVault.controls.setSecret(SECRET_NAME, SECOND_SECRET);
    try {
      const pinned = createSecretSource(rig.config({ PARTNER_CENTER_SECRET_VERSION: version }), rig.secretSourceOptions());
      const latest = createSecretSource(rig.config(), rig.secretSourceOptions());
      expect((await pinned.getSecret()).reveal()).toBe(FIRST_SECRET);
      expect((await latest.getSecret()).reveal()).toBe(SECOND_SECRET);
    } finally {
      rig.standIns.keyVault.controls.setSecret(SECRET_NAME, FIRST_SECRET);
    }
  });
});

test('local-secret mode: the secret comes from the setting, and start-up says so', async () => {
  const config = rig.config({ KEY_VAULT_URL: undefined, PARTNER_CENTER_CLIENT_SECRET: FIRST_SECRET });
  const reads = rig.standIns.keyVault.controls.reads();
  const source = createSecretSource(config, rig.secretSourceOptions());
  expect(source.mode).toBe('local');
  expect(rig.logs()).toContain(
    'warn: Local-secret mode: the Partner Center client secret comes from the PARTNER_CENTER_CLIENT_SECRET setting because KEY_VAULT_URL is not set. Use Key Vault in Azure.',
  );
  const provider = providerFor(source);
  expect(claimsOf(await provider.getToken()).appid).toBe(CLIENT_ID);
  expect(rig.standIns.keyVault.controls.reads()).toBe(reads);
});
