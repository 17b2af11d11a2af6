// Key Vault secrets stand-in: challenge-based bearer auth (401 + WWW-Authenticate, as SecretClient expects), get the
// latest or a given version, set a secret (new version), enable or disable a version (a disabled one is refused with
// 403 SecretDisabled, as Key Vault does), and controls to rotate a secret and count reads.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodePathSegment, nowSeconds, readBody, sendJson, startHttpsServer, type RunningServer, type TlsMaterial } from './httpsServer';
import { verifyJwt, type PublicJwk } from './signingKeys';

export const KEY_VAULT_RESOURCE = 'https://vault.azure.net';

interface SecretVersion {
  version: string;
  value: string;
  contentType?: string;
  enabled: boolean;
  created: number;
  updated: number;
}

/** A seeded secret: its value, and whether its (only) version is enabled (default true). */
export interface SeedSecret {
  value: string;
  enabled?: boolean;
}

export interface KeyVaultControls {
  /** Adds a new version (rotation), enabled unless told otherwise; returns its version id. */
  setSecret(name: string, value: string, options?: { enabled?: boolean }): string;
  /** Enables or disables one version (throws for an unknown name or version). */
  setEnabled(name: string, version: string, enabled: boolean): void;
  /** Successful secret reads (GET 200) for a name, or in total. */
  reads(name?: string): number;
  /** 401 challenges sent to requests without a bearer token. */
  challenges(): number;
  /** Requests whose bearer token was refused. */
  rejectedTokens(): number;
  /** The next `count` requests answer `status` (503 by default), as a throttled or failing vault would. */
  failNextRequests(count: number, status?: number): void;
  versions(name: string): string[];
}

export interface KeyVaultStandIn extends RunningServer {
  /** Vault URL for KEY_VAULT_URL / SecretClient. */
  vaultUrl: string;
  controls: KeyVaultControls;
}

export interface KeyVaultStandInOptions {
  tls: TlsMaterial;
  tenantId: string;
  /** The Entra ID stand-in's origin: named in the challenge's `authorization` parameter. */
  authorityHost: string;
  /** Keys that sign acceptable bearer tokens (those of the identity stand-ins). */
  trustedKeys: () => readonly PublicJwk[];
  /** Initial secrets by name: a value (one enabled version) or a value with `enabled`. */
  secrets?: Record<string, string | SeedSecret>;
  port?: number;
}

const newVersion = () => randomBytes(16).toString('hex');

export async function startKeyVaultStandIn(options: KeyVaultStandInOptions): Promise<KeyVaultStandIn> {
  const store = new Map<string, SecretVersion[]>();
  const readCounts = new Map<string, number>();
  const counters = { challenges: 0, rejected: 0 };
  const failures = { remaining: 0, status: 503 };
  let origin = '';

  function addVersion(name: string, value: string, contentType?: string, enabled = true): SecretVersion {
    const created = nowSeconds();
    const entry: SecretVersion = { version: newVersion(), value, contentType, enabled, created, updated: created };
    store.set(name, [...(store.get(name) ?? []), entry]);
    return entry;
  }
  for (const [name, seed] of Object.entries(options.secrets ?? {})) {
    if (typeof seed === 'string') addVersion(name, seed);
    else addVersion(name, seed.value, undefined, seed.enabled ?? true);
  }

  const bundle = (name: string, s: SecretVersion) => ({
    value: s.value,
    ...(s.contentType ? { contentType: s.contentType } : {}),
    id: `${origin}/secrets/${name}/${s.version}`,
    attributes: { enabled: s.enabled, created: s.created, updated: s.updated, recoverableDays: 90, recoveryLevel: 'Recoverable+Purgeable' },
    tags: {},
  });

  function challenge(res: ServerResponse, message: string): void {
    const authenticate = `Bearer authorization="${options.authorityHost}/${options.tenantId}", resource="${KEY_VAULT_RESOURCE}"`;
    sendJson(res, 401, { error: { code: 'Unauthorized', message } }, { 'WWW-Authenticate': authenticate });
  }

  /** True when the request carries a token the vault accepts; otherwise it has already been answered. */
  async function authorize(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const header = req.headers.authorization;
    if (!header) {
      counters.challenges++;
      challenge(res, 'AKV10000: Request is missing a Bearer or PoP token.');
      return false;
    }
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    const check = await verifyJwt(token, options.trustedKeys(), { audience: KEY_VAULT_RESOURCE, nowSeconds: nowSeconds() });
    if (!check.ok) {
      counters.rejected++;
      challenge(res, `AKV10022: Invalid token: ${check.reason}.`);
      return false;
    }
    return true;
  }

  const notFound = (res: ServerResponse, name: string, version?: string) =>
    sendJson(res, 404, {
      error: {
        code: 'SecretNotFound',
        message: `A secret with (name/id) ${version ? `${name}/${version}` : name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
      },
    });

  // Key Vault refuses to return the value of a disabled version, the latest included (Azure/azure-sdk-for-js#24756).
  const disabled = (res: ServerResponse) =>
    sendJson(res, 403, { error: { code: 'Forbidden', message: 'Operation get is not allowed on a disabled secret.', innererror: { code: 'SecretDisabled' } } });

  /** `attributes.enabled` of a PUT or PATCH body: undefined when absent, an error text when not a boolean. */
  function enabledOf(parsed: { attributes?: unknown }): boolean | undefined | string {
    if (parsed.attributes === undefined) return undefined;
    const enabled = (parsed.attributes as { enabled?: unknown } | null)?.enabled;
    if (enabled === undefined) return undefined;
    return typeof enabled === 'boolean' ? enabled : 'Property "attributes.enabled" must be a boolean.';
  }

  function parseJson(body: string): Record<string, unknown> | undefined {
    try {
      const parsed: unknown = JSON.parse(body);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  const server = await startHttpsServer(
    options.tls,
    async (req, res, url) => {
      const segments = url.pathname.split('/').filter(Boolean).map(decodePathSegment);
      if (segments[0] !== 'secrets' || segments.length < 2 || segments.length > 3) {
        return sendJson(res, 404, { error: { code: 'NotFound', message: `The Key Vault stand-in has no ${req.method} ${url.pathname}` } });
      }
      // The first request of the challenge flow carries no body; read it anyway so the socket stays usable.
      const body = await readBody(req);
      if (!url.searchParams.get('api-version')) {
        return sendJson(res, 400, { error: { code: 'BadParameter', message: 'The api-version query parameter is required.' } });
      }
      if (!(await authorize(req, res))) return;
      if (failures.remaining > 0) {
        failures.remaining--;
        return sendJson(res, failures.status, { error: { code: 'ServiceUnavailable', message: 'Injected failure from the Key Vault stand-in.' } });
      }
      const name = segments[1]!;
      const version = segments[2];
      if (req.method === 'GET') {
        const versions = store.get(name) ?? [];
        const found = version ? versions.find((v) => v.version === version) : versions.at(-1);
        if (!found) return notFound(res, name, version);
        if (!found.enabled) return disabled(res);
        readCounts.set(name, (readCounts.get(name) ?? 0) + 1);
        return sendJson(res, 200, bundle(name, found));
      }
      if ((req.method === 'PUT' && !version) || (req.method === 'PATCH' && version)) {
        const parsed = parseJson(body);
        if (!parsed) return sendJson(res, 400, { error: { code: 'BadParameter', message: 'The request body must be a JSON object.' } });
        const enabled = enabledOf(parsed);
        if (typeof enabled === 'string') return sendJson(res, 400, { error: { code: 'BadParameter', message: enabled } });
        if (req.method === 'PATCH') {
          // Update secret properties (SecretClient.updateSecretProperties): here only `enabled` changes.
          const found = (store.get(name) ?? []).find((v) => v.version === version);
          if (!found) return notFound(res, name, version);
          if (enabled !== undefined) {
            found.enabled = enabled;
            found.updated = nowSeconds();
          }
          const { value: _value, ...withoutValue } = bundle(name, found);
          return sendJson(res, 200, withoutValue);
        }
        if (typeof parsed.value !== 'string') {
          return sendJson(res, 400, { error: { code: 'BadParameter', message: 'Property "value" is required and must be a string.' } });
        }
        const contentType = typeof parsed.contentType === 'string' ? parsed.contentType : undefined;
        return sendJson(res, 200, bundle(name, addVersion(name, parsed.value, contentType, enabled ?? true)));
      }
      sendJson(res, 405, { error: { code: 'MethodNotAllowed', message: `${req.method} is not supported on ${url.pathname}` } });
    },
    options.port,
  );
  origin = server.url;

  return {
    ...server,
    vaultUrl: origin,
    controls: {
      setSecret: (name, value, secretOptions) => addVersion(name, value, undefined, secretOptions?.enabled ?? true).version,
      setEnabled: (name, version, enabled) => {
        const found = (store.get(name) ?? []).find((v) => v.version === version);
        if (!found) throw new Error(`The Key Vault stand-in has no secret ${name} version ${version}`);
        found.enabled = enabled;
        found.updated = nowSeconds();
      },
      reads: (name) => (name ? (readCounts.get(name) ?? 0) : [...readCounts.values()].reduce((a, b) => a + b, 0)),
      challenges: () => counters.challenges,
      rejectedTokens: () => counters.rejected,
      failNextRequests: (count, status = 503) => {
        failures.remaining = count;
        failures.status = status;
      },
      versions: (name) => (store.get(name) ?? []).map((v) => v.version),
    },
  };
}
