// Managed identity stand-in with the App Service contract: IDENTITY_ENDPOINT + IDENTITY_HEADER, answered by
// GET <endpoint>?api-version=2019-08-01&resource=<resource> with the X-IDENTITY-HEADER header.

import { randomUUID } from 'node:crypto';
import { nowSeconds, sendJson, startHttpsServer, type RunningServer, type TlsMaterial } from './httpsServer';
import { signJwt, type SigningKey } from './signingKeys';

export interface ManagedIdentityControls {
  /** Token requests answered with a token, by resource. */
  tokenRequests(resource?: string): number;
  /** Requests refused (missing or wrong X-IDENTITY-HEADER, missing resource). */
  refusedRequests(): number;
}

export interface ManagedIdentityStandIn extends RunningServer {
  /** IDENTITY_ENDPOINT */
  endpoint: string;
  /** IDENTITY_HEADER */
  header: string;
  /** Client id of the system-assigned identity (appid of its tokens). */
  clientId: string;
  /** Object (principal) id of that identity (oid of its tokens): what Azure RBAC role assignments name. */
  principalId: string;
  controls: ManagedIdentityControls;
}

export interface ManagedIdentityStandInOptions {
  tls: TlsMaterial;
  tenantId: string;
  signingKey: SigningKey;
  /** Issuer written into the tokens (the Entra ID stand-in's). */
  issuer: string;
  tokenLifetimeSeconds?: number;
  /** IDENTITY_HEADER value; random by default. */
  header?: string;
  port?: number;
}

const PATH = '/msi/token';

export async function startManagedIdentityStandIn(options: ManagedIdentityStandInOptions): Promise<ManagedIdentityStandIn> {
  const header = options.header ?? randomUUID();
  const clientId = randomUUID();
  const objectId = randomUUID();
  const lifetime = options.tokenLifetimeSeconds ?? 86_399;
  const issued = new Map<string, number>();
  let refused = 0;

  const server = await startHttpsServer(
    options.tls,
    (req, res, url) => {
      if (req.method !== 'GET' || url.pathname !== PATH) {
        return sendJson(res, 404, { statusCode: 404, message: `The managed identity stand-in has no ${req.method} ${url.pathname}` });
      }
      if (req.headers['x-identity-header'] !== header) {
        refused++;
        return sendJson(res, 401, { statusCode: 401, message: 'X-IDENTITY-HEADER is missing or does not match IDENTITY_HEADER.' });
      }
      const resource = url.searchParams.get('resource');
      if (!resource) {
        refused++;
        return sendJson(res, 400, { statusCode: 400, message: 'The query parameter resource is required.' });
      }
      const iat = nowSeconds();
      const exp = iat + lifetime;
      const token = signJwt(options.signingKey, {
        aud: resource,
        iss: options.issuer,
        iat,
        nbf: iat,
        exp,
        appid: clientId,
        appidacr: '2',
        idtyp: 'app',
        oid: objectId,
        sub: objectId,
        tid: options.tenantId,
        ver: '1.0',
        xms_mirid: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/local/providers/Microsoft.Web/sites/pc-order-workflow',
      });
      issued.set(resource, (issued.get(resource) ?? 0) + 1);
      sendJson(res, 200, { access_token: token, expires_on: String(exp), resource, token_type: 'Bearer', client_id: clientId });
    },
    options.port,
  );

  return {
    ...server,
    endpoint: `${server.url}${PATH}`,
    header,
    clientId,
    principalId: objectId,
    controls: {
      tokenRequests: (resource) => (resource ? (issued.get(resource) ?? 0) : [...issued.values()].reduce((a, b) => a + b, 0)),
      refusedRequests: () => refused,
    },
  };
}
