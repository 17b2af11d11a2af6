// Key Vault secrets stand-in: challenge-based bearer auth (401 + WWW-Authenticate, as SecretClient expects), get the
// latest or a given version, set a secret (new version), and controls to rotate a secret and count reads.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodePathSegment, nowSeconds, readBody, sendJson, startHttpsServer, type RunningServer, type TlsMaterial } from './httpsServer';
import { verifyJwt, type PublicJwk } from './signingKeys';

export const KEY_VAULT_RESOURCE = 'https://vault.azure.net';

interface SecretVersion {
  version: string;
  value: string;
  contentType?: string;
  created: number;
}

export interface KeyVaultControls {
  /** Adds a new version (rotation); returns its version id. */
  setSecret(name: string, value: string): string;
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
  secrets?: Record<string, string>;
  port?: number;
}

const newVersion = () => randomBytes(16).toString('hex');

export async function startKeyVaultStandIn(options: KeyVaultStandInOptions): Promise<KeyVaultStandIn> {
  const store = new Map<string, SecretVersion[]>();
  const readCounts = new Map<string, number>();
  const counters = { challenges: 0, rejected: 0 };
  const failures = { remaining: 0, status: 503 };
  let origin = '';

  function addVersion(name: string, value: string, contentType?: string): SecretVersion {
    const entry: SecretVersion = { version: newVersion(), value, contentType, created: nowSeconds() };
    store.set(name, [...(store.get(name) ?? []), entry]);
    return entry;
  }
  for (const [name, value] of Object.entries(options.secrets ?? {})) addVersion(name, value);

  const bundle = (name: string, s: SecretVersion) => ({
    value: s.value,
    ...(s.contentType ? { contentType: s.contentType } : {}),
    id: `${origin}/secrets/${name}/${s.version}`,
    attributes: { enabled: true, created: s.created, updated: s.created, recoverableDays: 90, recoveryLevel: 'Recoverable+Purgeable' },
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
        readCounts.set(name, (readCounts.get(name) ?? 0) + 1);
        return sendJson(res, 200, bundle(name, found));
      }
      if (req.method === 'PUT' && !version) {
        let parsed: { value?: unknown; contentType?: unknown };
        try {
          parsed = JSON.parse(body);
        } catch {
          return sendJson(res, 400, { error: { code: 'BadParameter', message: 'The request body must be JSON.' } });
        }
        if (typeof parsed.value !== 'string') {
          return sendJson(res, 400, { error: { code: 'BadParameter', message: 'Property "value" is required and must be a string.' } });
        }
        const contentType = typeof parsed.contentType === 'string' ? parsed.contentType : undefined;
        return sendJson(res, 200, bundle(name, addVersion(name, parsed.value, contentType)));
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
      setSecret: (name, value) => addVersion(name, value).version,
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
