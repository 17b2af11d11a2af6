import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RpcBindingInfo, RpcHttpData, RpcTypedData } from '../coreApiTypes';
import type { Invoker } from '../invoke';
import type { RuntimeLogger } from '../logger';
import type { FunctionRegistry, RegisteredFunction } from '../registry';
import type { EasyAuthResult } from './easyAuth';
import { EASY_AUTH_401_BODY, isAuthOwnedHeader } from './easyAuth';
import { readBody, sendError } from './httpUtils';
import { checkKey, type FunctionKeys } from './keys';
import { compileRoute, type CompiledRoute } from './routeTemplate';

export interface HttpRoute {
  fn: RegisteredFunction;
  route: CompiledRoute;
  methods?: string[];
  authLevel: 'anonymous' | 'function' | 'admin';
}

/** The route table of the app's HTTP triggers (default route = function name), most specific first. */
export function buildHttpRoutes(registry: FunctionRegistry): HttpRoute[] {
  return registry
    .byTriggerType('httpTrigger')
    .map((fn) => {
      const where = `Function "${fn.name}"`;
      const trigger = fn.trigger as RpcBindingInfo & { route?: string; methods?: string[]; authLevel?: string };
      const authLevel = (trigger.authLevel ?? 'function').toLowerCase();
      if (authLevel !== 'anonymous' && authLevel !== 'function' && authLevel !== 'admin') {
        throw new Error(`${where}: authLevel must be anonymous, function or admin, got "${trigger.authLevel}".`);
      }
      return {
        fn,
        route: compileRoute(trigger.route ?? fn.name, where),
        methods: trigger.methods?.map((m) => m.toUpperCase()),
        authLevel: authLevel as HttpRoute['authLevel'],
      };
    })
    .sort((a, b) => b.route.specificity - a.route.specificity);
}

export interface HttpTriggerDeps {
  routes: HttpRoute[];
  invoker: Invoker;
  logger: RuntimeLogger;
  keys: FunctionKeys;
  inputFor: (binding: RpcBindingInfo, name: string) => RpcTypedData | undefined;
  trackExternal: <T>(work: Promise<T>) => Promise<T>;
  maxBodyBytes?: number;
  /** App Service authentication in front of the triggers (LocalRuntimeOptions.easyAuth); none when undefined. */
  easyAuth?: { authenticate(req: IncomingMessage): Promise<EasyAuthResult> };
}

/** Serves one request to the app's HTTP triggers; `path` is the part after the route prefix. */
export function createHttpTriggerHandler(deps: HttpTriggerDeps) {
  const maxBody = deps.maxBodyBytes ?? 100 * 1024 * 1024;
  return async function handleHttpTrigger(req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    // App Service authentication runs before the host: an unauthenticated request reaches no route at all.
    let principalHeaders: Record<string, string> = {};
    if (deps.easyAuth) {
      const auth = await deps.easyAuth.authenticate(req);
      if (!auth.ok) {
        deps.logger.warn(`App Service authentication refused ${method} ${url.pathname}: ${auth.reason}`);
        res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': `Bearer realm="${url.host}"` });
        res.end(EASY_AUTH_401_BODY);
        return;
      }
      principalHeaders = auth.headers;
    }
    const candidates = deps.routes.map((r) => ({ r, params: r.route.match(path) })).filter((c) => c.params !== undefined);
    if (candidates.length === 0) return sendError(res, 404, `No HTTP trigger matches ${url.pathname}.`);
    const chosen = candidates.find((c) => !c.r.methods || c.r.methods.includes(method));
    if (!chosen) {
      const allowed = [...new Set(candidates.flatMap((c) => c.r.methods ?? []))].join(', ');
      return sendError(res, 405, `${method} is not allowed for ${url.pathname}; allowed: ${allowed}.`);
    }
    const { r: route, params } = chosen;
    const denied = checkKey(deps.keys, route.authLevel, req, url);
    if (denied) return sendError(res, 401, denied);

    const body = await readBody(req, maxBody);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      // Only App Service sets its principal headers: what a caller sent under those names never reaches the app.
      if (deps.easyAuth && isAuthOwnedHeader(name)) continue;
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    Object.assign(headers, principalHeaders);
    const http: RpcHttpData = { method, url: url.toString(), headers, params: params ?? {}, body: { bytes: body } };

    let outcome;
    try {
      outcome = await deps.trackExternal(deps.invoker.invoke(route.fn, { triggerData: { http }, inputFor: deps.inputFor }));
    } catch (error) {
      deps.logger.error(`HTTP trigger failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, { functionName: route.fn.name });
      return sendError(res, 500, `Function '${route.fn.name}' failed; see the runtime log.`);
    }
    writeHttpResponse(res, httpResponseOf(route.fn, outcome.response));
  };
}

function httpResponseOf(fn: RegisteredFunction, response: { returnValue?: RpcTypedData | null; outputData?: { name: string; data?: RpcTypedData | null }[] | null }): RpcHttpData | undefined {
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    if (binding.direction !== 'out' || String(binding.type).toLowerCase() !== 'http') continue;
    const data = name === '$return' ? response.returnValue : response.outputData?.find((o) => o.name === name)?.data;
    if (data?.http) return data.http;
  }
  return undefined;
}

function writeHttpResponse(res: ServerResponse, http: RpcHttpData | undefined): void {
  if (!http) {
    res.writeHead(204);
    res.end();
    return;
  }
  const status = Number(http.statusCode ?? 200);
  const body = http.body?.bytes ? Buffer.from(http.body.bytes) : http.body?.string !== undefined && http.body?.string !== null ? Buffer.from(http.body.string) : Buffer.alloc(0);
  const headers: Record<string, string | string[]> = { ...(http.headers ?? {}) };
  const cookies = (http.cookies ?? []).map((c) => serializeCookie(c as RpcCookie));
  if (cookies.length) headers['Set-Cookie'] = cookies;
  headers['Content-Length'] = String(body.length);
  res.writeHead(Number.isInteger(status) && status >= 100 && status <= 999 ? status : 500, headers);
  res.end(body);
}

interface RpcCookie {
  name: string;
  value: string;
  domain?: { value?: string } | null;
  path?: { value?: string } | null;
  expires?: { value?: { seconds?: number } } | null;
  secure?: { value?: boolean } | null;
  httpOnly?: { value?: boolean } | null;
  sameSite?: number | null;
  maxAge?: { value?: number } | null;
}

function serializeCookie(cookie: RpcCookie): string {
  const parts = [`${cookie.name}=${cookie.value}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  if (cookie.expires?.value?.seconds !== undefined) parts.push(`Expires=${new Date(cookie.expires.value.seconds * 1000).toUTCString()}`);
  if (cookie.maxAge?.value !== undefined) parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  if (cookie.sameSite === 1) parts.push('SameSite=Lax');
  if (cookie.sameSite === 2) parts.push('SameSite=Strict');
  if (cookie.sameSite === 3) parts.push('SameSite=None');
  return parts.join('; ');
}
