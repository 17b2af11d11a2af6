import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendError, sendJson } from '../http/httpUtils';
import { checkStatusBody, managementUrls, type DurableEndpoints } from './clientBinding';
import { toStatusPayload } from './statusPayload';
import { TaskHubError, type EntityListFilter, type ListFilter, type TaskHubClient } from './taskHubClient';
import { isTerminal, type RuntimeStatus } from './taskHubState';

const runningStates = ['Running', 'Pending', 'ContinuedAsNew', 'Suspended'];
const knownStatuses: RuntimeStatus[] = ['Pending', 'Running', 'Completed', 'ContinuedAsNew', 'Failed', 'Terminated', 'Suspended', 'Canceled'];

/**
 * The Durable extension's HTTP management API (HttpApiHandler.cs), served both under /runtime/webhooks/durabletask
 * and at the RPC base URL the JS DurableClient calls. `subPath` is the path after that prefix.
 */
export function createDurableHttpApi(deps: { client: TaskHubClient; endpoints: DurableEndpoints; maxBodyBytes?: number }) {
  const { client, endpoints } = deps;
  const maxBody = deps.maxBodyBytes ?? 16 * 1024 * 1024;

  async function readJson(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
    const text = (await readBody(req, maxBody)).toString('utf8');
    if (text.trim() === '') return { ok: true, value: undefined };
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      return { ok: false, message: `The request body is not valid JSON: ${(error as Error).message}` };
    }
  }

  return async function handleDurableApi(req: IncomingMessage, res: ServerResponse, subPath: string, url: URL): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    let segments: string[];
    try {
      segments = subPath.replace(/^\/+/, '').split('/').map(decodeURIComponent);
    } catch {
      return sendError(res, 400, `The path ${subPath} is not correctly URL-encoded.`);
    }
    const [area, first] = segments;
    const action = segments[2] || undefined;
    const extra = segments[3] || undefined;
    try {
      if (area === 'orchestrators' && first && method === 'POST' && segments.length <= 3) {
        const body = await readJson(req);
        if (!body.ok) return sendError(res, 400, body.message);
        const instance = client.startNew(first, { instanceId: action, input: body.value, version: url.searchParams.get('version') ?? undefined });
        const payload = checkStatusBody(endpoints, instance.instanceId);
        return sendJson(res, 202, payload, { Location: payload.statusQueryGetUri, 'Retry-After': '10' });
      }
      if (area === 'instances' && (first === undefined || first === '')) {
        const filter = parseFilter(url);
        if (typeof filter === 'string') return sendError(res, 400, filter);
        if (method === 'GET') return listInstances(res, url, filter);
        if (method === 'DELETE') {
          if (filter.createdTimeFrom === undefined) return sendError(res, 400, 'createdTimeFrom is required to purge instances by filter.');
          const deleted = client.purgeBy(filter);
          return deleted === 0 ? sendError(res, 404, 'No instances matched the filter.') : sendJson(res, 200, { instancesDeleted: deleted });
        }
      }
      if (area === 'instances' && first) {
        if (action === undefined && method === 'GET') return getStatus(res, url, first);
        if (action === undefined && method === 'DELETE') {
          const deleted = client.purge(first);
          return deleted === 0 ? sendError(res, 404, `No completed instance with ID '${first}' found.`) : sendJson(res, 200, { instancesDeleted: deleted });
        }
        if (method === 'POST' && action === 'raiseEvent' && extra) {
          // HttpApiHandler.HandleRaiseEventRequestAsync: 404 / 410 first, then only a media type of exactly
          // application/json (parameters such as charset aside) is accepted, with its own 400 body.
          const instance = client.get(first);
          if (!instance) return sendError(res, 404, `No instance with ID '${first}' found.`);
          if (isTerminal(instance.runtimeStatus)) return sendError(res, 410, `Instance '${first}' is ${instance.runtimeStatus}; cannot raise an event for it.`);
          const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
          if (mediaType !== 'application/json') return sendJson(res, 400, { Message: 'Only application/json request content is supported' });
          const body = await readJson(req);
          if (!body.ok) return sendError(res, 400, body.message);
          client.raiseEvent(first, extra, body.value);
          return accepted(res);
        }
        const reason = url.searchParams.get('reason') ?? undefined;
        if (method === 'POST' && action === 'terminate') return (client.terminate(first, reason), accepted(res));
        if (method === 'POST' && action === 'suspend') return (client.suspend(first, reason), accepted(res));
        if (method === 'POST' && action === 'resume') return (client.resume(first, reason), accepted(res));
        if (method === 'POST' && (action === 'rewind' || action === 'restart')) {
          return sendError(res, 501, `The ${action} operation is not supported by the local runtime.`);
        }
      }
      if (area === 'entities' && segments.length <= 3) return await handleEntities(req, res, method, first ?? '', segments[2] ?? '', url);
      return sendError(res, 404, `No Durable HTTP API operation for ${method} ${subPath}.`);
    } catch (error) {
      if (error instanceof TaskHubError) return sendError(res, error.status, error.message);
      throw error;
    }
  };

  /**
   * HttpApiHandler's entity route `entities/{entityName?}/{entityKey?}`: GET with a key reads the state
   * (HandleGetEntityRequestAsync; "$" is the empty key), GET without one lists (HandleListEntitiesRequestAsync),
   * POST / DELETE signal (HandlePostEntityOperationRequestAsync: DELETE is the operation "delete"). Argument errors
   * answer 400 with the extension's { Message } body.
   */
  async function handleEntities(req: IncomingMessage, res: ServerResponse, method: string, name: string, key: string, url: URL) {
    if (method === 'GET' && key !== '') {
      const entity = client.readEntity(name, key === '$' ? '' : key);
      if (!entity || entity.state === null) return notFound(res);
      const text = entity.state;
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
      return void res.end(text);
    }
    if (method === 'GET') return listEntities(res, name, url);
    if (method !== 'POST' && method !== 'DELETE') return notFound(res);
    if (name === '') return sendJson(res, 400, { Message: "Value cannot be null. (Parameter 'entityName')" });
    const operation = method === 'DELETE' ? 'delete' : (url.searchParams.get('op') ?? '');
    const text = (await readBody(req, maxBody)).toString('utf8');
    let input: string | undefined;
    if (text.length > 0) {
      const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (mediaType === 'application/json') {
        try {
          input = JSON.stringify(JSON.parse(text));
        } catch (error) {
          return sendJson(res, 400, { Message: `Could not parse JSON content: ${(error as Error).message}` });
        }
      } else {
        // Other media types: the raw text is the input, serialized as a JSON string.
        input = JSON.stringify(text);
      }
    }
    try {
      client.signalEntity(name, key, operation, input);
    } catch (error) {
      if (error instanceof TaskHubError) return sendJson(res, error.status, { Message: error.message });
      throw error;
    }
    return accepted(res);
  }

  /** DurableEntityStatus list: entityId, lastOperationTime and state (null unless fetchState=true), paged by `top`. */
  function listEntities(res: ServerResponse, name: string, url: URL) {
    const filter: EntityListFilter = { name: name || undefined };
    for (const [param, field] of [['lastOperationTimeFrom', 'lastOperationTimeFrom'], ['lastOperationTimeTo', 'lastOperationTimeTo']] as const) {
      const text = url.searchParams.get(param);
      if (!text) continue;
      const time = Date.parse(text);
      if (Number.isNaN(time)) return sendJson(res, 400, { Message: `${param} must be an ISO 8601 date, got '${text}'.` });
      filter[field] = time;
    }
    const fetchState = url.searchParams.get('fetchState') === 'true';
    const topText = url.searchParams.get('top');
    const top = topText ? Number(topText) : undefined;
    if (top !== undefined && (!Number.isInteger(top) || top < 1)) return sendJson(res, 400, { Message: `top must be a positive integer, got '${topText}'.` });
    const all = client.listEntities(filter).sort((a, b) => a.instanceId.localeCompare(b.instanceId));
    const offset = continuationOffset(res.req.headers['x-ms-continuation-token']);
    if (offset === undefined) return sendJson(res, 400, { Message: TOKEN_REFUSED });
    const page = top === undefined ? all.slice(offset) : all.slice(offset, offset + top);
    const headers: Record<string, string> = {};
    if (top !== undefined && offset + top < all.length) headers['x-ms-continuation-token'] = Buffer.from(String(offset + top)).toString('base64');
    const body = page.map((entity) => ({
      entityId: { name: entity.name, key: entity.key },
      lastOperationTime: entity.lastOperationTime,
      state: fetchState && entity.state !== null ? parseLoose(entity.state) : null,
    }));
    return sendJson(res, 200, body, headers);
  }

  function getStatus(res: ServerResponse, url: URL, instanceId: string) {
    const instance = client.get(instanceId);
    if (!instance) return sendError(res, 404, `No instance with ID '${instanceId}' found.`);
    const payload = toStatusPayload(instance, {
      showInput: url.searchParams.get('showInput') !== 'false',
      showHistory: url.searchParams.get('showHistory') === 'true',
      showHistoryOutput: url.searchParams.get('showHistoryOutput') === 'true',
    });
    if (runningStates.includes(instance.runtimeStatus)) {
      return sendJson(res, 202, payload, { Location: managementUrls(endpoints, instanceId).statusQueryGetUri, 'Retry-After': '5' });
    }
    const failedAs500 = instance.runtimeStatus === 'Failed' && url.searchParams.get('returnInternalServerErrorOnFailure') === 'true';
    return sendJson(res, failedAs500 ? 500 : 200, payload);
  }

  function listInstances(res: ServerResponse, url: URL, filter: ListFilter) {
    const all = client.list(filter).sort((a, b) => a.createdTime.localeCompare(b.createdTime) || a.instanceId.localeCompare(b.instanceId));
    const topText = url.searchParams.get('top');
    const top = topText ? Number(topText) : undefined;
    if (top !== undefined && (!Number.isInteger(top) || top < 1)) return sendError(res, 400, `top must be a positive integer, got '${topText}'.`);
    const offset = continuationOffset(res.req.headers['x-ms-continuation-token']);
    if (offset === undefined) return sendError(res, 400, TOKEN_REFUSED);
    const page = top === undefined ? all.slice(offset) : all.slice(offset, offset + top);
    const headers: Record<string, string> = {};
    if (top !== undefined && offset + top < all.length) headers['x-ms-continuation-token'] = Buffer.from(String(offset + top)).toString('base64');
    const showInput = url.searchParams.get('showInput') !== 'false';
    return sendJson(res, 200, page.map((i) => toStatusPayload(i, { showInput })), headers);
  }
}

/**
 * The extension answers 400 "One or more of the arguments submitted is incorrect" when a query throws an
 * ArgumentException (HttpApiHandler.HandleRequestAsync); a continuation token the runtime did not issue is refused
 * that way here rather than read as the first page, so a caller cannot mistake a bad token for a fresh listing.
 */
const TOKEN_REFUSED = 'One or more of the arguments submitted is incorrect';

/** The offset a continuation token stands for (0 without one), or undefined for a token this runtime did not issue. */
function continuationOffset(token: string | string[] | undefined): number | undefined {
  if (token === undefined || token === '') return 0;
  if (typeof token !== 'string') return undefined;
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (!/^[1-9]\d{0,15}$/.test(text) || Buffer.from(text).toString('base64') !== token) return undefined;
  return Number(text);
}

function notFound(res: ServerResponse) {
  res.writeHead(404, { 'Content-Length': 0 });
  res.end();
}

/** DurableEntityStatus: the state as JSON, or the raw text if it is not JSON. */
function parseLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function accepted(res: ServerResponse) {
  res.writeHead(202, { 'Content-Length': 0 });
  res.end();
}

function parseFilter(url: URL): ListFilter | string {
  const filter: ListFilter = {};
  const statuses = url.searchParams.get('runtimeStatus');
  if (statuses) {
    const list = statuses.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = list.filter((s) => !knownStatuses.includes(s as RuntimeStatus));
    if (unknown.length) return `runtimeStatus has unknown value(s) ${unknown.join(', ')}; expected ${knownStatuses.join(', ')}.`;
    filter.runtimeStatus = list as RuntimeStatus[];
  }
  for (const key of ['createdTimeFrom', 'createdTimeTo'] as const) {
    const text = url.searchParams.get(key);
    if (!text) continue;
    const time = Date.parse(text);
    if (Number.isNaN(time)) return `${key} must be an ISO 8601 date, got '${text}'.`;
    filter[key] = time;
  }
  const prefix = url.searchParams.get('instanceIdPrefix');
  if (prefix) filter.instanceIdPrefix = prefix;
  return filter;
}
