import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteHandler } from '../http/server';

/**
 * Failure injection for the Durable HTTP API (local only): the answers the app's durable client gets when the real
 * backend cannot serve it. Only requests to the HTTP API fail; the dispatcher, the control endpoints and everything else
 * that reads or writes the task hub store directly keep working, as orchestrations keep running in Azure while a
 * client call fails.
 *
 * - 500: the extension's answer to any exception of a storage call, which is how an Azure Storage failure or throttling
 *   (storage answering 503 ServerBusy / 500) reaches the client. DTFx wraps the storage SDK's RequestFailedException in
 *   DurableTaskStorageException ("An error occurred while communicating with Azure Storage"; DTFx
 *   src/DurableTask.AzureStorage/Storage/DurableTaskStorageException.cs, Storage/ClientResponseExtensions.cs), and
 *   HttpApiHandler.HandleRequestAsync's catch (Exception) answers it with CreateErrorResponse(500, "Something went
 *   wrong while processing your request", e) (extension HttpApiHandler.cs, HttpRequestMessageExtensions.cs).
 * - 503: the host's answer while it is not running, "Function host is not running." (azure-functions-host
 *   src/WebJobs.Script.WebHost/Middleware/HostAvailabilityCheckMiddleware.cs).
 * - 429: the host's HTTP throttle, no body and `X-FUNCTION-SCALEOUT: 1` (HttpThrottleMiddleware.cs).
 * - 'reset': the connection is closed without an answer, as when the host process goes away mid-request.
 */
export type DurableApiFaultStatus = 500 | 503 | 429 | 'reset';

export interface DurableApiFault {
  /** How many matching requests fail; left out, every matching request fails until the faults are cleared. */
  count?: number;
  /** How they fail (default 500, the extension's answer to a storage failure). */
  status?: DurableApiFaultStatus;
  /** Which requests: the method, and a regular expression tested against the path after `/durabletask/` (e.g. `^instances/`). */
  match?: { method?: string; path?: string };
}

export interface DurableApiFaultReport {
  /** Faults still armed, in the order they apply; `remaining` is null for one that lasts until cleared. */
  pending: { status: DurableApiFaultStatus; remaining: number | null; match?: { method?: string; path?: string } }[];
  /** Every request failed so far (`METHOD path`, no query string: the webhook's holds the system key), oldest first. */
  failed: { request: string; status: DurableApiFaultStatus }[];
}

/** The body of HttpApiHandler's 500 for a DurableTaskStorageException; the stack is a fixed sample of its frames. */
export const STORAGE_FAILURE_BODY = {
  Message: 'Something went wrong while processing your request',
  ExceptionMessage: 'An error occurred while communicating with Azure Storage',
  ExceptionType: 'DurableTask.AzureStorage.Storage.DurableTaskStorageException',
  StackTrace:
    '   at DurableTask.AzureStorage.Storage.ClientResponseExtensions.DecorateFailure[T](Task`1 responseTask)\n' +
    '   at DurableTask.AzureStorage.Tracking.AzureTableTrackingStore.GetStateAsync(String instanceId, String executionId, Boolean fetchInput, CancellationToken cancellationToken)\n' +
    '   at Microsoft.Azure.WebJobs.Extensions.DurableTask.HttpApiHandler.HandleRequestAsync(HttpRequestMessage request)',
};

const STATUSES: DurableApiFaultStatus[] = [500, 503, 429, 'reset'];

interface Armed {
  status: DurableApiFaultStatus;
  remaining: number | null;
  method?: string;
  path?: RegExp;
  match?: { method?: string; path?: string };
}

export class DurableApiFaultError extends Error {}

/** Checks a fault as it arrives over the control API; the message names the field. */
function arm(fault: DurableApiFault): Armed {
  if (typeof fault !== 'object' || fault === null) throw new DurableApiFaultError('the fault must be an object { count?, status?, match? }.');
  const { count, status = 500, match } = fault;
  if (count !== undefined && count !== null && (!Number.isSafeInteger(count) || count < 1)) {
    throw new DurableApiFaultError(`count must be a positive integer (or left out: until cleared), got ${JSON.stringify(count)}.`);
  }
  if (!STATUSES.includes(status)) throw new DurableApiFaultError(`status must be one of ${STATUSES.map((s) => JSON.stringify(s)).join(', ')}, got ${JSON.stringify(status)}.`);
  let path: RegExp | undefined;
  if (match?.path !== undefined) {
    try {
      path = new RegExp(match.path);
    } catch (error) {
      throw new DurableApiFaultError(`match.path must be a regular expression: ${(error as Error).message}`);
    }
  }
  if (match?.method !== undefined && typeof match.method !== 'string') throw new DurableApiFaultError('match.method must be a string such as "GET".');
  return { status, remaining: count ?? null, method: match?.method?.toUpperCase(), path, match: match && { ...match } };
}

export function createDurableApiFaults() {
  const armed: Armed[] = [];
  const failed: DurableApiFaultReport['failed'] = [];

  /** The fault the request falls under (one failure of it used up), or undefined. */
  function take(method: string, subPath: string): DurableApiFaultStatus | undefined {
    const path = subPath.replace(/^\/+/, '');
    const index = armed.findIndex((f) => (f.method === undefined || f.method === method) && (f.path === undefined || f.path.test(path)));
    if (index < 0) return undefined;
    const fault = armed[index];
    if (fault.remaining !== null && --fault.remaining === 0) armed.splice(index, 1);
    failed.push({ request: `${method} ${path}`, status: fault.status });
    return fault.status;
  }

  return {
    add(fault: DurableApiFault): void {
      armed.push(arm(fault));
    },
    clear(): void {
      armed.length = 0;
    },
    report(): DurableApiFaultReport {
      return {
        pending: armed.map((f) => ({ status: f.status, remaining: f.remaining, ...(f.match ? { match: f.match } : {}) })),
        failed: [...failed],
      };
    },
    /** The Durable HTTP API handler with the armed faults in front of it. */
    wrap(handler: RouteHandler): RouteHandler {
      return async (req, res, subPath, url) => {
        const status = take((req.method ?? 'GET').toUpperCase(), subPath);
        if (status === undefined) return handler(req, res, subPath, url);
        return answer(req, res, status);
      };
    },
  };
}

export type DurableApiFaults = ReturnType<typeof createDurableApiFaults>;

function answer(req: IncomingMessage, res: ServerResponse, status: DurableApiFaultStatus): void {
  if (status === 'reset') {
    // No status line at all: the client sees the connection closed (ECONNRESET, "socket hang up").
    req.socket.destroy();
    return;
  }
  // The request body is left unread; the connection closes after the answer so none of it is taken for a request.
  const close = { Connection: 'close' };
  if (status === 500) {
    const text = JSON.stringify(STORAGE_FAILURE_BODY);
    res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...close });
    res.end(text);
  } else if (status === 503) {
    const text = 'Function host is not running.';
    res.writeHead(503, { 'Content-Length': Buffer.byteLength(text), ...close });
    res.end(text);
  } else {
    res.writeHead(429, { 'X-FUNCTION-SCALEOUT': '1', 'Content-Length': 0, ...close });
    res.end();
  }
}
