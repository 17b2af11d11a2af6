// Names the reason a connection failed. The SDKs often hide it: MSAL reports any failure to reach the authority as
// `endpoints_resolution_error`, so for Entra ID we probe the endpoint ourselves with the same TLS trust.

import { request } from 'node:https';
import type { SecureContextOptions } from 'node:tls';

const TLS_TRUST_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
]);

const CODE_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

export interface NetworkFailure {
  /** The Node error code, e.g. ECONNREFUSED or SELF_SIGNED_CERT_IN_CHAIN; `TIMEOUT` for no answer. */
  code: string;
  description: string;
}

/** Finds a Node network/TLS error code on an error or its causes, and says what it means. */
export function networkFailureOf(error: unknown): NetworkFailure | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (TLS_TRUST_CODES.has(code) || code in CODE_TEXT)) return describeCode(code);
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function describeCode(code: string): NetworkFailure {
  if (TLS_TRUST_CODES.has(code)) {
    return {
      code,
      description: `TLS trust failure (${code}): the server's certificate is not trusted by this process; trust its CA via the SDK's tlsOptions.ca or NODE_EXTRA_CA_CERTS`,
    };
  }
  return { code, description: `${CODE_TEXT[code] ?? 'network error'} (${code})` };
}

/**
 * Connects to `url` the way an SDK would (same CA option) and reports why it fails, or undefined when it answers at
 * all. Used only after a failure, to turn a vague SDK error into a precise one.
 */
export function probeEndpoint(url: string, tls: Pick<SecureContextOptions, 'ca'> = {}, timeoutMs = 3_000): Promise<NetworkFailure | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', ca: tls.ca, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(undefined);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ code: 'TIMEOUT', description: `no answer within ${timeoutMs} ms` });
    });
    req.on('error', (error) => resolve(networkFailureOf(error) ?? { code: 'ERROR', description: error.message }));
    req.end();
  });
}
