import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_IDENTITY_DEFAULTS } from '../../../local/identity/localDefaults';
import { loadConfig, SETTINGS } from '../../../shared/config';

const sample = JSON.parse(readFileSync(join(__dirname, '../../../local.settings.sample.json'), 'utf8')) as { IsEncrypted: boolean; Values: Record<string, string> };

test('SETTINGS names are unique and every entry says what is expected and why it exists', () => {
  const names = SETTINGS.map((s) => s.name);
  expect(new Set(names).size).toBe(names.length);
  for (const s of SETTINGS) {
    expect(s.expected.length).toBeGreaterThan(3);
    expect(s.description.length).toBeGreaterThan(10);
    if (s.required === 'conditional') expect(s.requiredWhen).toBeTruthy();
  }
});

test('secret settings are local-only and never always-required, so none is needed in Azure app settings', () => {
  const secrets = SETTINGS.filter((s) => s.secret);
  expect(secrets.map((s) => s.name)).toEqual(['PARTNER_CENTER_CLIENT_SECRET', 'ServiceBusConnection', 'AzureWebJobsStorage']);
  for (const s of secrets) expect({ name: s.name, localOnly: s.localOnly, required: s.required }).toEqual({ name: s.name, localOnly: true, required: 'conditional' });
});

test('local.settings.sample.json documents exactly the settings in SETTINGS', () => {
  expect(sample.IsEncrypted).toBe(false);
  expect(Object.keys(sample.Values).sort()).toEqual(SETTINGS.map((s) => s.name).sort());
});

test('the sample loads, in Key Vault mode, against the fixed ports and ids of `npm run identity`', () => {
  const config = loadConfig(sample.Values);
  const d = LOCAL_IDENTITY_DEFAULTS;
  expect(config.partnerCenter).toMatchObject({ tenantId: d.tenantId, clientId: d.clientId, baseUrl: 'http://127.0.0.1:7080' });
  expect(config.credentials).toEqual({
    authorityHost: `https://127.0.0.1:${d.ports.entraId}`,
    secret: { mode: 'keyVault', vaultUrl: `https://127.0.0.1:${d.ports.keyVault}`, secretName: d.secretName },
  });
  expect(sample.Values.IDENTITY_ENDPOINT).toBe(`https://127.0.0.1:${d.ports.managedIdentity}/msi/token`);
  expect(sample.Values.IDENTITY_HEADER).toBe(d.identityHeader);
  expect(sample.Values.NODE_EXTRA_CA_CERTS).toBe(d.caFile);
});
