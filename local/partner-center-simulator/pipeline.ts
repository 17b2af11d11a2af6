// What happens to one request, in this order (each step stands for a behaviour of the service):
//   1. control API (/_simulator/…) short-circuits everything else; then the body is read in full;
//   2. injected latency, then an injected connection reset (nothing happens server-side);
//   3. bearer-token check → 401;  4. rate limit per partner tenant (throttle.ts) → 429 with Retry-After;
//   5. injected 429 / 5xx (before any side effect);  6. routing (404/405, customer id GUID → 400/2000), then the
//      caller's permission (knobs.accessDenied → 403) and relationship to the customer (403/20002, 404/60003);
//   7. MS-RequestId replay for POSTs: a repeated (method, path, MS-RequestId) with the same body, within
//      knobs.requestIdReplayWindowMs, gets the stored answer and creates nothing; a repeat that arrives while the
//      first is still running waits for it and gets the same answer; a different body runs as a new request;
//   8. the handler;  9. "commit then drop": the handler ran, then the socket is destroyed instead of answering.
// Every answer carries MS-RequestId and MS-CorrelationId (echoed, or generated when absent), MS-CV and MS-ServerId.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { Authenticator } from './auth';
import { CONTROL_PREFIX, handleControl } from './controlApi';
import { errorResponse, throttledResponse, type SimResponse } from './responses';
import { matchRoute, operationOf } from './router';
import type { RequestLogEntry, SimulatorRuntime } from './runtime';
import type { ServiceHandler, ServiceRequest } from './serviceContext';

const MAX_BODY_BYTES = 1024 * 1024;
/** PO uploads carry documents (the docs' example files are up to 2,223 KB); the service documents no limit. */
const MAX_ATTACHMENT_BODY_BYTES = 32 * 1024 * 1024;

/** Resolves `aborted` instead of failing when the client goes away mid-body: that is not a server error. */
function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<{ body: string; rawBody: Buffer; tooLarge: boolean; aborted: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      resolve({ body: rawBody.toString('utf8'), rawBody, tooLarge: size > limit, aborted: false });
    });
    req.on('error', () => resolve({ body: '', rawBody: Buffer.alloc(0), tooLarge: false, aborted: true }));
    req.on('close', () => resolve({ body: '', rawBody: Buffer.alloc(0), tooLarge: false, aborted: !req.complete }));
  });
}

/** Client-supplied ids are echoed; absurd values are cut so a header can never carry a large payload back. */
function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text && text.trim() ? text.trim().slice(0, 128) : undefined;
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value]));
}

export interface PipelineDeps {
  runtime: SimulatorRuntime;
  authenticator: Authenticator;
  serverId: string;
  onRequest?: (entry: RequestLogEntry) => void;
  clockSource?: () => Promise<number>;
}

export function createRequestPipeline({ runtime, authenticator, serverId, onRequest, clockSource }: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    const path = url.pathname;
    const suppliedRequestId = headerValue(req, 'ms-requestid');
    const ids = { requestId: suppliedRequestId ?? randomUUID(), correlationId: headerValue(req, 'ms-correlationid') ?? randomUUID() };
    const headers: Record<string, string> = {
      'MS-RequestId': ids.requestId,
      'MS-CorrelationId': ids.correlationId,
      'MS-CV': `${randomBytes(12).toString('base64')}.0`,
      'MS-ServerId': serverId,
      'X-Locale': headerValue(req, 'x-locale') ?? 'en-US',
    };

    if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
      const { body } = await readBody(req);
      return send(res, handleControl(runtime.controls, method, path, url.searchParams, body), headers);
    }

    if (clockSource) {
      // A clock source that cannot be read (its process is gone, say) leaves the simulator clock where it is.
      const sourceMs = await clockSource().catch(() => undefined);
      if (sourceMs !== undefined) runtime.clock.follow(sourceMs);
    }

    const entry: RequestLogEntry = { method, path, status: 0, ...ids, requestIdSupplied: suppliedRequestId !== undefined, replayed: false, faults: [] };
    runtime.log(entry);
    const finish = (response: SimResponse) => {
      entry.status = response.status;
      send(res, response, headers);
      onRequest?.(entry);
    };

    // The body is read first: like the real service, work continues when a client gives up waiting (timeouts
    // during an injected latency are exactly how duplicate purchases happen).
    const bodyLimit = /\/attachment\/?$/i.test(path) ? MAX_ATTACHMENT_BODY_BYTES : MAX_BODY_BYTES;
    const { body, rawBody, tooLarge, aborted } = await readBody(req, bodyLimit);
    if (aborted) return;
    const fault = runtime.faults().decide(method, path);
    entry.faults = fault.applied;
    if (fault.latencyMs > 0) await delay(fault.latencyMs);
    if (fault.reset) {
      onRequest?.(entry);
      return void req.socket.resetAndDestroy();
    }

    const auth = await authenticator.authenticate(req.headers.authorization);
    if ('denied' in auth) return finish(auth.denied);
    const throttled = runtime.throttle().take({ tenantId: auth.caller.tenantId, ...operationOf(method, path) });
    if (!throttled.allowed) return finish(throttledResponse(throttled.retryAfterSeconds));
    if (fault.status429 !== undefined) return finish(throttledResponse(fault.status429));
    if (fault.status5xx !== undefined) return finish(errorResponse(fault.status5xx, 800003, 'Unexpected service error (injected by the simulator).'));
    if (tooLarge) return finish(errorResponse(413, 800002, `Invalid request input: the body is larger than ${bodyLimit} bytes.`));

    const match = matchRoute(method, path);
    if ('response' in match) return finish(match.response);
    const refusal = callerRefusal(runtime, match.params.customerId);
    if (refusal) return finish(refusal);
    const run = () => runHandler(runtime, match.handler, { method, path, params: match.params, query: url.searchParams, body, rawBody, headers: lowerCaseHeaders(req), caller: auth.caller });
    const response = method === 'POST' && suppliedRequestId ? await replayOrRun(runtime, `${method} ${path.toLowerCase()} ${suppliedRequestId}`, body, run, entry) : await run();

    if (fault.dropAfterCommit) {
      // The work is done (and stored for replay); the client never learns the outcome.
      entry.status = 0;
      onRequest?.(entry);
      return void req.socket.destroy();
    }
    finish(response);
  };
}

/**
 * Who may call for which customer, before any handler runs: a caller without the permission (403/900308, 900329), a
 * tenant that is not this partner's customer (403/20002), a customer id that is no tenant at all (404/60003). Codes and
 * texts from error-codes.md; 20002's wire body from microsoft/Partner-Smart-Office#12. Which of these the service checks
 * first is undocumented: here permission, then relationship.
 */
function callerRefusal(runtime: SimulatorRuntime, customerId: string): SimResponse | undefined {
  const knobs = runtime.knobs();
  if (knobs.accessDenied === 'insufficientPrivileges') return errorResponse(403, 900308, 'Insufficient privileges', 'PartnerFD');
  if (knobs.accessDenied === 'appOnlyAuthentication') return errorResponse(403, 900329, 'This resource does not support application-only authentication.', 'PartnerFD');
  const id = customerId.toLowerCase();
  if (knobs.otherTenants.includes(id)) return errorResponse(403, 20002, 'No relationship between caller and account.', 'PartnerFD');
  if (!runtime.isCustomer(id)) return errorResponse(404, 60003, 'Tenant not found', 'PartnerFD');
  return undefined;
}

async function runHandler(rt: SimulatorRuntime, handler: ServiceHandler, request: ServiceRequest): Promise<SimResponse> {
  try {
    return await handler(rt, request);
  } catch (err) {
    console.error(`partner-center-simulator: handler failed for ${request.method} ${request.path}: ${(err as Error)?.stack ?? err}`);
    return errorResponse(500, 800003, 'Unexpected service error.');
  }
}

/**
 * Answers are kept when they are the request's outcome: 2xx and 4xx (business failures included, 409 busy too),
 * except 429, which admitted nothing. headers.md: "If there's a timeout, the retry call should include the same value.
 * Upon receiving a response (success or business failure), the value should be reset for the next call", so a client
 * that reuses an id after a busy answer gets that answer again, the strictest reading of a reuse the service does not
 * document. 5xx answers are not kept, so the retry runs again.
 */
const keepForReplay = (status: number) => status < 500 && status !== 429;

/**
 * A stored answer is replayed only for the same request (same body) within knobs.requestIdReplayWindowMs of the first;
 * otherwise the request runs as a new one. The service documents only the purpose of MS-RequestId ("used to ensure
 * id-potency", headers.md), not its matching or retention, so this is the least a client may rely on.
 */
async function replayOrRun(rt: SimulatorRuntime, key: string, body: string, run: () => Promise<SimResponse>, entry: RequestLogEntry): Promise<SimResponse> {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const now = rt.clock.now();
  const stored = rt.store.replays.get(key);
  if (stored && stored.bodyHash === bodyHash && now - stored.at < rt.knobs().requestIdReplayWindowMs) {
    entry.replayed = true;
    return stored.response;
  }
  const pending = run();
  const record = { bodyHash, at: now, response: pending };
  rt.store.replays.set(key, record);
  const response = await pending;
  if (!keepForReplay(response.status) && rt.store.replays.get(key) === record) rt.store.replays.delete(key);
  return response;
}

export function send(res: ServerResponse, response: SimResponse, headers: Record<string, string>): void {
  const text = JSON.stringify(response.body);
  res.writeHead(response.status, {
    ...headers,
    ...response.headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

