import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RuntimeLogger } from '../logger';
import { BodyTooLargeError, sendError, sendJson } from './httpUtils';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, subPath: string, url: URL) => Promise<void>;

export interface Mount {
  /** Path prefix without trailing slash, e.g. "/api" or "/runtime/webhooks/durabletask"; "" mounts at the root. */
  prefix: string;
  handler: RouteHandler;
}

export interface RuntimeServer {
  server: http.Server;
  port: number;
  close(): Promise<void>;
}

/**
 * One HTTP listener for everything the host serves: the app's HTTP triggers under the route prefix, the Durable
 * HTTP API, the durable client's RPC base, and the local control endpoints. Mounts are tried longest prefix first.
 */
export async function startRuntimeServer(options: { host: string; port: number; mounts: Mount[]; logger: RuntimeLogger }): Promise<RuntimeServer> {
  const mounts = [...options.mounts].sort((a, b) => b.prefix.length - a.prefix.length);
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) return sendError(res, 413, error.message);
      options.logger.error(`Request ${req.method} ${req.url} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent) sendError(res, 500, 'The local runtime failed to handle the request; see its log.');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    // The URL the app sees is built on this listener's own address, never on the Host header (or an absolute-form
    // request target): a caller must not be able to choose the origin of the URLs the app builds from it.
    const origin = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${(server.address() as AddressInfo).port}`;
    const target = new URL(req.url ?? '/', origin);
    const url = new URL(`${target.pathname}${target.search}`, origin);
    const path = url.pathname;
    if (path === '/admin/host/status') return sendJson(res, 200, { state: 'Running' });
    for (const mount of mounts) {
      const prefix = mount.prefix;
      if (prefix === '' || path === prefix || path.toLowerCase().startsWith(`${prefix.toLowerCase()}/`)) {
        return mount.handler(req, res, path.slice(prefix.length).replace(/^\//, ''), url);
      }
    }
    if (path === '/' || path === '') return sendJson(res, 200, { state: 'Running', message: 'The local Functions runtime is running.' });
    return sendError(res, 404, `Nothing is served at ${path}.`);
  }

  // Node's default keep-alive (5 s) stays: Node clients (the durable client's axios, fetch) drop a kept-alive socket
  // a second before the server's advertised timeout, so a 1 s timeout meant a new connection for every request, and
  // Kestrel, which serves these in Azure, keeps connections for 130 s. close() ends idle connections itself.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
