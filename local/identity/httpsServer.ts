// The small HTTPS plumbing the three stand-ins share: listen on 127.0.0.1, read bodies, answer JSON, close cleanly.

import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface TlsMaterial {
  serverCertPem: string;
  serverKeyPem: string;
}

export interface RunningServer {
  /** Origin without a trailing slash, e.g. https://127.0.0.1:43123 */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Thrown by handlers for a request the stand-in refuses (bad path encoding, body too large): answered with `status`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export async function startHttpsServer(tls: TlsMaterial, handler: Handler, port = 0): Promise<RunningServer> {
  const server: Server = createServer({ cert: tls.serverCertPem, key: tls.serverKeyPem }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    Promise.resolve()
      .then(() => handler(req, res, url))
      .catch((error: unknown) => {
        // A bad request or a bug in a stand-in gets an answer, never takes the process down.
        const status = error instanceof HttpError ? error.status : 500;
        if (!res.headersSent) sendJson(res, status, { error: { code: status === 500 ? 'StandInError' : 'BadRequest', message: error instanceof Error ? error.message : String(error) } });
        else res.end();
      });
  });
  // A client that gives up on TLS (an untrusted CA, say) must not become an unhandled error here.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${actualPort}`,
    port: actualPort,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export async function readBody(req: IncomingMessage, limitBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new HttpError(413, `request body larger than ${limitBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `path segment ${JSON.stringify(segment)} is not valid percent-encoding`);
  }
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
