// Entra ID's OAuth error bodies, with the AADSTS wording the real service uses, so SDK error handling sees the real shape.

import { randomUUID } from 'node:crypto';

export interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

export interface EntraError {
  status: number;
  body: EntraErrorBody;
}

function entraError(status: number, error: string, code: number, text: string, correlationId?: string): EntraError {
  const traceId = randomUUID();
  const correlation = correlationId ?? randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

export const entraErrors = {
  tenantNotFound: (tenant: string, cid?: string) =>
    entraError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`, cid),
  unsupportedGrant: (grant: string, cid?: string) =>
    entraError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`, cid),
  missingParameter: (name: string, cid?: string) =>
    entraError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`, cid),
  invalidScope: (scope: string, cid?: string) =>
    entraError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      cid,
    ),
  unknownClient: (clientId: string, tenant: string, cid?: string) =>
    entraError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      cid,
    ),
  invalidSecret: (clientId: string, cid?: string) =>
    entraError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      cid,
    ),
  // What Entra ID answers in an outage: 503 temporarily_unavailable, AADSTS90033 (MsodsServiceUnavailable).
  temporarilyUnavailable: (status: number, cid?: string) =>
    entraError(status, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.', cid),
};
