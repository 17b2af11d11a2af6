// Settings of a contract run against the real Partner Center integration sandbox, read from the environment only:
// the secret comes from an environment variable or from Key Vault, never from a file in the repository. Reading them
// calls nothing, so a run without them can explain what is missing before it touches any service.

import { DEFAULT_AUTHORITY_HOST, DEFAULT_PARTNER_CENTER_BASE_URL } from '../../shared/config';

export type Env = Readonly<Record<string, string | undefined>>;

/** The line-item kinds the contract creates a cart for; each can be pointed at another catalog item or skipped. */
export const LINE_ITEM_KINDS = {
  license: { setting: 'CONTRACT_ITEM_LICENSE', default: 'CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5', billingCycle: 'monthly', termDuration: 'P1Y', what: 'a new-commerce licence (monthly, P1Y)' },
  software: { setting: 'CONTRACT_ITEM_SOFTWARE', default: 'DG7GMGF0DWTL:0001:DG7GMGF0DSFM', billingCycle: 'one_time', termDuration: undefined, what: 'perpetual software (one_time)' },
  saas: { setting: 'CONTRACT_ITEM_SAAS', default: 'DZH318Z0BXWC:0002:DZH318Z0BMRV', billingCycle: 'monthly', termDuration: 'P1M', what: 'a SaaS subscription (monthly, P1M)' },
  azurePlan: { setting: 'CONTRACT_ITEM_AZURE_PLAN', default: 'DZH318Z0BPS6:0001:DZH318Z0BPS6', billingCycle: 'monthly', termDuration: undefined, what: 'an Azure plan (monthly, no term)' },
} as const;
export type LineItemKind = keyof typeof LINE_ITEM_KINDS;

export interface SandboxSettings {
  baseUrl: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  customerId: string;
  secret: { mode: 'environment' } | { mode: 'keyVault'; vaultUrl: string; secretName: string };
  /** Catalog item per kind; undefined = skipped (set to "skip"). */
  items: Record<LineItemKind, string | undefined>;
}

/** Every setting a sandbox run reads, with what it expects: printed when something is missing. */
export const SANDBOX_SETTINGS: readonly { name: string; expected: string }[] = [
  { name: 'CONTRACT_TENANT_ID', expected: 'the integration sandbox partner tenant id (a GUID)' },
  { name: 'CONTRACT_TENANT_IS_SANDBOX', expected: '"true": you confirm CONTRACT_TENANT_ID is a Partner Center integration sandbox, where orders are not billed' },
  { name: 'CONTRACT_CLIENT_ID', expected: "the sandbox app registration's application (client) id (a GUID)" },
  { name: 'CONTRACT_CUSTOMER_ID', expected: 'a test customer of the sandbox partner (a GUID)' },
  { name: 'CONTRACT_CLIENT_SECRET', expected: 'the app secret, from the environment (or use CONTRACT_KEY_VAULT_URL instead)' },
  { name: 'CONTRACT_KEY_VAULT_URL', expected: 'https://<vault>.vault.azure.net holding the secret, read with your Azure login (instead of CONTRACT_CLIENT_SECRET)' },
  { name: 'CONTRACT_SECRET_NAME', expected: 'the Key Vault secret name (default partner-center-client-secret)' },
  { name: 'CONTRACT_BASE_URL', expected: `Partner Center's API root (default ${DEFAULT_PARTNER_CENTER_BASE_URL})` },
  { name: 'CONTRACT_AUTHORITY_HOST', expected: `the Entra ID authority host (default ${DEFAULT_AUTHORITY_HOST})` },
  ...Object.values(LINE_ITEM_KINDS).map((kind) => ({ name: kind.setting, expected: `catalog item id for ${kind.what} (default ${kind.default}; "skip" leaves it out)` })),
];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CATALOG_ITEM = /^[A-Za-z0-9-]+(:[A-Za-z0-9-]+){0,2}$/;
const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;

export type SandboxSettingsResult = { ok: true; settings: SandboxSettings } | { ok: false; problems: string[] };

/** Reads and checks the sandbox settings; names every problem. Never echoes the secret. */
export function readSandboxSettings(env: Env): SandboxSettingsResult {
  const problems: string[] = [];
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const guid = (name: string, what: string) => {
    const v = value(name);
    if (v === undefined) return void problems.push(`${name} is not set: expected ${what}`);
    if (!GUID.test(v)) return void problems.push(`${name} must be a GUID (got ${JSON.stringify(v.slice(0, 60))})`);
    return v.toLowerCase();
  };
  const https = (name: string, fallback: string | undefined) => {
    const v = value(name) ?? fallback;
    if (v === undefined) return undefined;
    let url: URL | undefined;
    try {
      url = new URL(v);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== 'https:') return void problems.push(`${name} must be an https URL (got ${JSON.stringify(v.slice(0, 80))})`);
    return url.href.replace(/\/+$/, '');
  };

  const tenantId = guid('CONTRACT_TENANT_ID', 'the integration sandbox partner tenant id');
  const marked = value('CONTRACT_TENANT_IS_SANDBOX');
  if (marked !== 'true') {
    problems.push(
      `CONTRACT_TENANT_IS_SANDBOX is ${marked === undefined ? 'not set' : `"${marked.slice(0, 20)}"`}: the contract suite checks out real carts, so it only runs against a tenant marked as a Partner Center integration sandbox (set it to "true" for such a tenant only)`,
    );
  }
  const clientId = guid('CONTRACT_CLIENT_ID', "the sandbox app registration's application (client) id");
  const customerId = guid('CONTRACT_CUSTOMER_ID', 'a test customer id of the sandbox partner');
  const baseUrl = https('CONTRACT_BASE_URL', DEFAULT_PARTNER_CENTER_BASE_URL);
  const authorityHost = https('CONTRACT_AUTHORITY_HOST', DEFAULT_AUTHORITY_HOST);

  let secret: SandboxSettings['secret'] | undefined;
  const vaultUrl = value('CONTRACT_KEY_VAULT_URL');
  if (value('CONTRACT_CLIENT_SECRET') !== undefined && vaultUrl !== undefined) {
    problems.push('CONTRACT_CLIENT_SECRET and CONTRACT_KEY_VAULT_URL are both set: set exactly one');
  } else if (value('CONTRACT_CLIENT_SECRET') !== undefined) {
    secret = { mode: 'environment' };
  } else if (vaultUrl !== undefined) {
    const url = https('CONTRACT_KEY_VAULT_URL', undefined);
    const secretName = value('CONTRACT_SECRET_NAME') ?? 'partner-center-client-secret';
    if (!SECRET_NAME.test(secretName)) problems.push(`CONTRACT_SECRET_NAME must be 1-127 letters, digits and hyphens (got ${JSON.stringify(secretName.slice(0, 60))})`);
    else if (url) secret = { mode: 'keyVault', vaultUrl: url, secretName };
  } else {
    problems.push('No app secret: set CONTRACT_CLIENT_SECRET in the environment, or CONTRACT_KEY_VAULT_URL (and CONTRACT_SECRET_NAME) to read it from Key Vault with your Azure login; never put it in a file in the repository');
  }

  const items = {} as Record<LineItemKind, string | undefined>;
  for (const [kind, spec] of Object.entries(LINE_ITEM_KINDS) as [LineItemKind, (typeof LINE_ITEM_KINDS)[LineItemKind]][]) {
    const v = value(spec.setting) ?? spec.default;
    if (v.toLowerCase() === 'skip') items[kind] = undefined;
    else if (CATALOG_ITEM.test(v)) items[kind] = v;
    else problems.push(`${spec.setting} must be a catalog item id productId:skuId:availabilityId or "skip" (got ${JSON.stringify(v.slice(0, 60))})`);
  }

  if (problems.length > 0 || !tenantId || !clientId || !customerId || !baseUrl || !authorityHost || !secret) return { ok: false, problems };
  return { ok: true, settings: { baseUrl, authorityHost, tenantId, clientId, customerId, secret, items } };
}

/** What to tell someone whose sandbox settings are incomplete. */
export function explainSandboxSettings(problems: readonly string[]): string {
  return [
    'The contract suite was not run against Partner Center: its sandbox settings are incomplete. Nothing was called.',
    '',
    ...problems.map((p) => `- ${p}`),
    '',
    'A sandbox run reads these environment variables:',
    ...SANDBOX_SETTINGS.map((s) => `  ${s.name.padEnd(28)} ${s.expected}`),
    '',
    'Example: CONTRACT_TENANT_ID=… CONTRACT_TENANT_IS_SANDBOX=true CONTRACT_CLIENT_ID=… CONTRACT_CUSTOMER_ID=… \\',
    '         CONTRACT_KEY_VAULT_URL=https://<vault>.vault.azure.net npm run contract -- --sandbox',
  ].join('\n');
}
