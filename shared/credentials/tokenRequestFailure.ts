// Classifies a failed Entra ID token request from @azure/identity. The SDK gives an error whose message carries the
// OAuth error code and the AADSTS description (never the secret); network and TLS failures arrive as a vague
// `endpoints_resolution_error` / `network_error`, so those are diagnosed with a probe of the authority.

import { CredentialRejectedError, CredentialUnavailableError } from './errors';
import { networkFailureOf, probeEndpoint } from './networkFailure';

export type TokenRequestFailure =
  /** invalid_client: the secret is wrong, expired or revoked; re-reading it may help. */
  | { kind: 'secretRejected'; error: CredentialRejectedError }
  | { kind: 'rejected'; error: CredentialRejectedError }
  | { kind: 'unavailable'; error: CredentialUnavailableError };

export interface AuthorityInfo {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  ca?: string | Buffer | Array<string | Buffer>;
}

const TRANSIENT_OAUTH_ERRORS = new Set(['temporarily_unavailable', 'server_error']);
const OAUTH_ERRORS = /\b(invalid_client|unauthorized_client|invalid_request|invalid_scope|invalid_grant|unsupported_grant_type|temporarily_unavailable|server_error|access_denied)\b/;

/** "AADSTS7000215: Invalid client secret provided. ..." without the trace/correlation ids and timestamps. */
function aadstsDescription(message: string): { code?: string; text?: string } {
  const match = /(AADSTS(\d+)):\s*(.*?)(?:\s+Trace ID:|\s+-\s+Correlation ID:|$)/s.exec(message);
  return match ? { code: match[1], text: `${match[1]}: ${match[3]!.replace(/\s+/g, ' ').trim()}` } : {};
}

export async function classifyTokenRequestFailure(error: unknown, authority: AuthorityInfo): Promise<TokenRequestFailure> {
  const message = error instanceof Error ? error.message : String(error);
  const authorityUrl = `${authority.authorityHost}/${authority.tenantId}`;
  const details = (reason: string) => ({ endpoint: 'entraId' as const, endpointUrl: authorityUrl, reason });
  const oauth = OAUTH_ERRORS.exec(message)?.[1];
  const { code, text } = aadstsDescription(message);
  const statusCode = (error as { statusCode?: number }).statusCode;

  if (oauth === 'invalid_client') {
    const why = text ?? 'invalid_client';
    return {
      kind: 'secretRejected',
      error: new CredentialRejectedError(`Entra ID (${authorityUrl}) rejected the client secret of app ${authority.clientId}: ${why}`, details(code ?? oauth)),
    };
  }
  if (oauth && TRANSIENT_OAUTH_ERRORS.has(oauth)) {
    return {
      kind: 'unavailable',
      error: new CredentialUnavailableError(`Entra ID (${authorityUrl}) is temporarily unavailable: ${text ?? oauth}`, details(code ?? oauth)),
    };
  }
  if (oauth || code) {
    return {
      kind: 'rejected',
      error: new CredentialRejectedError(
        `Entra ID (${authorityUrl}) refused the token request of app ${authority.clientId}: ${text ?? oauth}`,
        details(code ?? oauth!),
      ),
    };
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 && statusCode !== 408 && statusCode !== 429) {
    return {
      kind: 'rejected',
      error: new CredentialRejectedError(`Entra ID (${authorityUrl}) refused the token request: HTTP ${statusCode}`, details(`HTTP ${statusCode}`)),
    };
  }
  // No OAuth answer at all: the authority could not be reached. Find out why, with the same trust the SDK used.
  const network =
    networkFailureOf(error) ?? (await probeEndpoint(`${authorityUrl}/v2.0/.well-known/openid-configuration`, { ca: authority.ca }));
  const sdkSaid = message.split('\n')[0]!.slice(0, 200);
  const why = network ? network.description : `no usable answer (${sdkSaid})`;
  return {
    kind: 'unavailable',
    error: new CredentialUnavailableError(`Entra ID (${authorityUrl}) could not be reached for a Partner Center token: ${why}`, details(network?.code ?? 'Unavailable')),
  };
}
