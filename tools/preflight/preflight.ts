// The preflight for a deployed app (`npm run preflight -- --url <function app url>`): what a partner must get right
// after `azd up` before sending real orders. It checks that the app answers, that its settings loaded and that it
// reaches its dependencies (GET /api/health), and optionally sends one order to a sandbox customer and follows it to
// its outcome. Every problem is explained in plain words with the setting, role or command that fixes it.

import { randomBytes } from 'node:crypto';
import type { DependencyCheck, HealthReport } from '../../shared/health';

export const PREFLIGHT_HELP = [
  'Usage: npm run preflight -- --url <function app url> [--key <function key>] [--sandbox-customer <customer id>]',
  '                            [--catalog-item <productId:skuId:availabilityId>] [--timeout-minutes N] [--poll-seconds N]',
  '',
  '  --url               the function app, e.g. "$(azd env get-value AZURE_FUNCTION_URL)"',
  '  --key               the function key (or set FUNCTION_KEY); az functionapp keys list ... --query functionKeys.default',
  '  --sandbox-customer  also send one order (quantity 1) for this integration sandbox customer and follow it to its outcome',
  '  --catalog-item      what that order buys (default CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5, monthly, P1Y)',
  '  --timeout-minutes   how long to follow the order (default 15)',
  '',
  'Exits 0 when everything is ready, 1 when something is missing (each problem is explained), 2 on bad usage.',
].join('\n');

export interface PreflightDeps {
  env: Readonly<Record<string, string | undefined>>;
  print: (line: string) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

interface PreflightOptions {
  url: URL;
  key?: string;
  customerId?: string;
  catalogItemId: string;
  timeoutMs: number;
  pollMs: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseArgs(argv: string[], env: PreflightDeps['env']): PreflightOptions | { error: string } | { help: true } {
  const values: Record<string, string> = {};
  const known = ['--url', '--key', '--sandbox-customer', '--catalog-item', '--timeout-minutes', '--poll-seconds'];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    if (!known.includes(arg)) return { error: `Unknown option '${arg}'` };
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) return { error: `${arg} needs a value` };
    values[arg] = value;
  }
  if (!values['--url']) return { error: '--url is required: the function app URL, e.g. "$(azd env get-value AZURE_FUNCTION_URL)"' };
  let url: URL;
  try {
    url = new URL(values['--url']);
  } catch {
    return { error: `--url must be an absolute URL such as https://<app>.azurewebsites.net (got ${JSON.stringify(values['--url'])})` };
  }
  if (url.protocol !== 'https:' && !/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(url.hostname)) return { error: '--url must use https (http only for a local app on loopback)' };
  const customerId = values['--sandbox-customer'];
  if (customerId !== undefined && !GUID.test(customerId)) return { error: `--sandbox-customer must be the customer's tenant id, a GUID (got ${JSON.stringify(customerId)})` };
  const number = (name: string, fallback: number, min: number, max: number) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
  };
  const timeoutMinutes = number('--timeout-minutes', 15, 0.01, 24 * 60);
  const pollSeconds = number('--poll-seconds', 10, 0.01, 600);
  if (timeoutMinutes === undefined) return { error: '--timeout-minutes must be a number of minutes from 0.01 to 1440' };
  if (pollSeconds === undefined) return { error: '--poll-seconds must be a number of seconds from 0.01 to 600' };
  return {
    url: new URL(url.origin + url.pathname.replace(/\/+$/, '')),
    key: values['--key'] ?? (env.FUNCTION_KEY?.trim() || undefined),
    customerId,
    catalogItemId: values['--catalog-item'] ?? 'CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5',
    timeoutMs: timeoutMinutes * 60_000,
    pollMs: pollSeconds * 1000,
  };
}

/** A network failure's code (ENOTFOUND, ECONNREFUSED, CERT_…), never the request. */
function networkReason(error: unknown): string {
  const e = error as { cause?: { code?: string; message?: string }; name?: string; message?: string };
  if (e?.name === 'TimeoutError') return 'no answer within 30 s';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}

const SYMBOL: Record<DependencyCheck['status'], string> = { ok: '✓', failed: '✗', skipped: '–' };
const LABEL: Record<string, string> = {
  keyVault: 'Key Vault (the Partner Center app secret)',
  entraId: 'Entra ID (a token for Partner Center)',
  resultsTopic: 'Service Bus (send on the results topic)',
  durableBackend: 'Durable backend',
};

/** Returns the exit code: 0 ready, 1 something is missing, 2 bad usage. */
export async function runPreflight(argv: string[], deps: PreflightDeps): Promise<number> {
  const parsed = parseArgs(argv, deps.env);
  if ('help' in parsed) {
    deps.print(PREFLIGHT_HELP);
    return 0;
  }
  if ('error' in parsed) {
    deps.print(`${parsed.error}\n\n${PREFLIGHT_HELP}`);
    return 2;
  }
  const options = parsed;
  const doFetch = deps.fetch ?? fetch;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const print = deps.print;
  const headers: Record<string, string> = options.key ? { 'x-functions-key': options.key } : {};
  const api = (path: string) => `${options.url.href.replace(/\/+$/, '')}/api${path}`;
  const problems: string[] = [];

  print(`Preflight of ${options.url.origin}`);

  // 1. The app answers, and its health endpoint reports its dependencies.
  let response: Response;
  try {
    response = await doFetch(api('/health'), { headers, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    print(`✗ The app does not answer (${networkReason(error)}).`);
    print('  Check --url: it is "$(azd env get-value AZURE_FUNCTION_URL)" after azd up, and the deployment finished (azd deploy).');
    return 1;
  }
  const text = await response.text();
  if (response.status === 401 || response.status === 403) {
    print(`✗ The app answers, but refused ${options.key ? 'the function key given' : 'a call without a function key'} (HTTP ${response.status}).`);
    print('  Pass the default function key with --key or FUNCTION_KEY:');
    print('  az functionapp keys list --resource-group "$(azd env get-value AZURE_RESOURCE_GROUP)" --name "$(azd env get-value AZURE_FUNCTION_NAME)" --query functionKeys.default --output tsv');
    return 1;
  }
  let report: HealthReport | undefined;
  try {
    const body = JSON.parse(text) as HealthReport;
    if (Array.isArray(body?.checks)) report = body;
  } catch {
    report = undefined;
  }
  if (!report) {
    print(`✗ The app answers, but GET /api/health answered HTTP ${response.status} without a health report.`);
    if (response.status === 404) {
      print("  The app's functions are not loaded. Most often a setting is missing or invalid: the app stops at start-up with one");
      print('  "Invalid settings" error that lists each (see azd monitor --logs, or Application Insights exceptions).');
      print('  If this is an older deployment without the health endpoint, run azd deploy.');
    } else {
      print('  The function host may still be starting, or failing: see azd monitor --logs.');
    }
    return 1;
  }

  print('✓ The app answers and its settings loaded.');
  if (report.secretSource === 'local') {
    problems.push('The app runs in local-secret mode (PARTNER_CENTER_CLIENT_SECRET): in Azure, set KEY_VAULT_URL and keep the secret in Key Vault.');
  }
  for (const check of report.checks) {
    const label = LABEL[check.name] ?? check.name;
    if (check.status === 'ok') print(`${SYMBOL.ok} ${label}`);
    else if (check.status === 'skipped') print(`${SYMBOL.skipped} ${label}: skipped. ${check.explanation ?? ''}`.trimEnd());
    else {
      print(`${SYMBOL.failed} ${label}: ${check.reason ?? 'failed'}. ${check.explanation ?? ''}`.trimEnd());
      problems.push(`${label}: ${check.explanation ?? check.reason ?? 'failed'}`);
    }
  }
  if (report.status !== 'healthy' || problems.length > 0) return finish(print, problems);

  // 2. Optionally, one real order to a sandbox customer, followed to its outcome.
  if (options.customerId) {
    const orderProblem = await followOneOrder(options, { doFetch, sleep, print, headers, api });
    if (orderProblem) problems.push(orderProblem);
  } else {
    print('– No order sent (add --sandbox-customer <customer id> to send one to an integration sandbox customer and follow it).');
  }
  return finish(print, problems);
}

function finish(print: (line: string) => void, problems: string[]): number {
  if (problems.length === 0) {
    print('\nReady: the app reaches everything it needs.');
    return 0;
  }
  print(`\nNot ready (${problems.length} problem${problems.length === 1 ? '' : 's'}):`);
  for (const problem of problems) print(`- ${problem}`);
  return 1;
}

interface OrderDeps {
  doFetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  print: (line: string) => void;
  headers: Record<string, string>;
  api: (path: string) => string;
}

/** Sends one order and polls its status until it has an outcome; returns a problem, or undefined when it completed. */
async function followOneOrder(options: PreflightOptions, d: OrderDeps): Promise<string | undefined> {
  const orderId = `PREFLIGHT-${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
  const order = {
    orderId,
    customerId: options.customerId,
    lineItems: [{ catalogItemId: options.catalogItemId, quantity: 1, billingCycle: 'monthly', termDuration: 'P1Y', friendlyName: 'preflight' }],
  };
  const posted = await d.doFetch(d.api('/orders'), { method: 'POST', headers: { ...d.headers, 'Content-Type': 'application/json' }, body: JSON.stringify(order) });
  const postedBody = (await posted.json().catch(() => undefined)) as { errors?: { field: string; message: string }[] } | undefined;
  if (posted.status !== 202) {
    const errors = postedBody?.errors?.map((e) => `${e.field} ${e.message}`).join('; ');
    return `The order ${orderId} was not accepted (HTTP ${posted.status}${errors ? `: ${errors}` : ''}).`;
  }
  d.print(`✓ Order ${orderId} accepted for customer ${options.customerId}; following it…`);

  const deadline = Date.now() + options.timeoutMs;
  let lastStage = '';
  for (;;) {
    const status = await d.doFetch(d.api(`/orders/${encodeURIComponent(orderId)}`), { headers: d.headers });
    const view = (await status.json().catch(() => undefined)) as
      | { outcome: string | null; stage: string; orders: { status: string }[]; errors: { source?: string; message?: string; description?: string; code?: unknown }[]; lastError: string | null }
      | undefined;
    if (status.ok && view) {
      if (view.stage !== lastStage) d.print(`  stage: ${view.stage}${view.lastError ? ` (last error: ${view.lastError})` : ''}`);
      lastStage = view.stage;
      if (view.outcome) {
        if (view.outcome === 'completed') {
          d.print(`✓ Order ${orderId} completed: ${view.orders.length} Partner Center order(s), ${view.orders.map((o) => o.status).join(', ')}.`);
          return undefined;
        }
        const errors = view.errors.map((e) => `${e.source ?? 'error'}${e.code === undefined ? '' : ` ${String(e.code)}`}: ${e.description ?? e.message ?? ''}`).join('; ');
        return `The order ${orderId} ended as ${view.outcome}${errors ? ` (${errors})` : ''}. The app works end to end, but Partner Center did not buy it: check the customer and the catalog item.`;
      }
    }
    if (Date.now() > deadline) {
      return `The order ${orderId} has no outcome after ${options.timeoutMs / 60_000} minutes (stage ${lastStage || 'unknown'}). Follow it with GET /api/orders/${orderId}.`;
    }
    await d.sleep(options.pollMs);
  }
}
