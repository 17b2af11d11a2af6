// GET /api/health: which dependencies the app reaches right now (Key Vault, Entra ID, the results topic, the Durable
// backend), for the preflight after `azd up` and for people. Protected by a function key like the rest of the API.
// 200 when every check passed (or was skipped), 503 otherwise; the body names each failure's setting or role to fix and
// never carries a secret, token, URL or exception text. Answering at all shows the settings loaded.

import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { checkDependencies, type DependencyHealthDeps } from '../shared/health';
import { json } from './httpResponses';
import type { ApiAuthMode } from '../shared/config';
import { API_ROLES, protectHttp } from './apiAuth';

/** An instance id no order can have (order instance ids are derived from ERP order ids), so the probe finds nothing. */
export const HEALTH_PROBE_INSTANCE_ID = 'health-probe-no-such-instance';

export type HealthHttpDeps = Omit<DependencyHealthDeps, 'probeDurableBackend'>;

type StatusClient = Pick<df.DurableClient, 'getStatus'>;

/** The backend answered when it reports the probe instance missing (the JS client throws "HTTP 404") or, oddly, finds it. */
export async function probeDurableBackend(client: StatusClient): Promise<void> {
  try {
    await client.getStatus(HEALTH_PROBE_INSTANCE_ID, { showInput: false });
  } catch (error) {
    if (error instanceof Error && /HTTP 404\b/.test(error.message)) return;
    throw error;
  }
}

export function createHealthHandler(deps: HealthHttpDeps, getClient: (context: InvocationContext) => StatusClient) {
  return async function healthHttp(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    const report = await checkDependencies({ ...deps, probeDurableBackend: () => probeDurableBackend(getClient(context)) });
    for (const check of report.checks.filter((c) => c.status === 'failed')) context.warn(`Health: ${check.name} failed (${check.reason}): ${check.explanation}`);
    return json(report.status === 'healthy' ? 200 : 503, report, { 'Cache-Control': 'no-store' });
  };
}

export function registerHealthHttp(deps: HealthHttpDeps, auth: ApiAuthMode = 'functionKeys'): void {
  app.http('healthHttp', {
    route: 'health',
    methods: ['GET'],
    extraInputs: [df.input.durableClient()],
    ...protectHttp(auth, API_ROLES.read, createHealthHandler(deps, (context) => df.getClient(context))),
  });
}
