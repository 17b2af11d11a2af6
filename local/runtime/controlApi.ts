import type { IncomingMessage, ServerResponse } from 'node:http';
import { DurableApiFaultError } from './durable/durableApiFaults';
import { readBody, sendError, sendJson } from './http/httpUtils';
import { checkKey, type FunctionKeys } from './http/keys';
import type { RuntimeHandle } from './options';

/**
 * Local-only control endpoints under /runtime/local (no Azure equivalent): what a test harness needs to drive a
 * runtime that runs in another process: wait for an instance, run until idle, move the virtual clock, read history,
 * make the Durable HTTP API fail (faults/durable-api: POST a fault as JSON, GET the report, DELETE to clear).
 */
export function createControlApi(handle: RuntimeHandle, keys: FunctionKeys) {
  return async function handleControl(req: IncomingMessage, res: ServerResponse, subPath: string, url: URL): Promise<void> {
    const denied = checkKey(keys, 'admin', req, url);
    if (denied) return sendError(res, 401, denied);
    const method = (req.method ?? 'GET').toUpperCase();
    const segments = subPath.split('/').filter(Boolean).map(decodeURIComponent);
    try {
      const timeoutMs = numberParam(url, 'timeoutMs');
      if (method === 'GET' && segments[0] === 'instances' && segments[2] === 'wait') {
        return sendJson(res, 200, await handle.waitForInstance(segments[1], { timeoutMs }));
      }
      if (method === 'GET' && segments[0] === 'instances' && segments[2] === 'history') {
        return sendJson(res, 200, await handle.getHistory(segments[1]));
      }
      if (method === 'POST' && segments[0] === 'idle') return (await handle.runUntilIdle({ timeoutMs }), sendJson(res, 200, { idle: true }));
      if (method === 'POST' && segments[0] === 'clock' && segments[1] === 'advance') {
        const ms = numberParam(url, 'ms');
        if (ms === undefined) return sendError(res, 400, 'ms (a number of milliseconds) is required.');
        await handle.advanceClock(ms);
        return sendJson(res, 200, { now: (await handle.now()).toISOString() });
      }
      if (method === 'GET' && segments[0] === 'clock') return sendJson(res, 200, { now: (await handle.now()).toISOString() });
      if (method === 'GET' && segments[0] === 'stats') return sendJson(res, 200, await handle.stats());
      if (method === 'GET' && segments[0] === 'functions') return sendJson(res, 200, handle.functions);
      if (segments[0] === 'faults' && segments[1] === 'durable-api' && segments.length === 2) {
        if (method === 'POST') {
          let fault: unknown;
          try {
            fault = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8'));
          } catch {
            return sendError(res, 400, 'The body must be a JSON fault { count?, status?, match?: { method?, path? } }.');
          }
          await handle.failDurableApi(fault as Parameters<RuntimeHandle['failDurableApi']>[0]);
          return sendJson(res, 200, await handle.durableApiFaults());
        }
        if (method === 'DELETE') return (await handle.clearDurableApiFaults(), sendJson(res, 200, await handle.durableApiFaults()));
        if (method === 'GET') return sendJson(res, 200, await handle.durableApiFaults());
      }
      return sendError(res, 404, `No local control operation for ${method} /runtime/local/${subPath}.`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const status = error instanceof ControlError ? error.status : error instanceof DurableApiFaultError ? 400 : 500;
      return sendError(res, status, message);
    }
  };
}

/** An error a control operation reports with a specific status (404 unknown instance, 408 timeout, 409 wrong clock). */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function numberParam(url: URL, name: string): number | undefined {
  const text = url.searchParams.get(name);
  if (text === null || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new ControlError(400, `${name} must be a non-negative number, got '${text}'.`);
  return value;
}
