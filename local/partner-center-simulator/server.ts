// The simulator's HTTP server: validates options, listens on loopback and stops cleanly. What happens to each
// request is in pipeline.ts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthenticator, type AuthOptions } from './auth';
import type { SimulatorKnobs } from './knobs';
import { createRequestPipeline, send } from './pipeline';
import { errorResponse } from './responses';
import { createRuntime, type CatalogItemOption, type RequestLogEntry, type SimulatorControls } from './runtime';

export interface PartnerCenterSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /**
   * The clock this simulator keeps, e.g. a local runtime's virtual clock: read at the start of each service request,
   * and the simulator clock moves forward to it (never back). With a source the simulator clock no longer runs with
   * real time (it moves only with the source or advanceClock), so throttling windows pass with the runtime's time.
   * Without a source, a runtime that has skipped days ahead would find every new cart already expired.
   */
  clockSource?: () => Promise<number>;
  host?: string;
  /** Default { mode: 'any' }. */
  auth?: AuthOptions;
  /** Initial knobs (durations may be given as "15m"/"7d"). */
  knobs?: Partial<SimulatorKnobs> | Record<string, unknown>;
  /**
   * Customers known elsewhere, asked on each customer request whose id (lowercase) is not in knownCustomers; kept across
   * reset. The e2e stack passes the ids its tests made up (customerIdFor in test/e2e/stack.ts), so each test's customer exists.
   */
  customerDirectory?: (customerId: string) => boolean;
  /** Extra catalog items, or changes to built-in ones. */
  catalog?: CatalogItemOption[];
  /** MS-ServerId header value. */
  serverId?: string;
  /** Called once per service request after it is answered (the CLI prints it). Never given tokens. */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface PartnerCenterSimulator {
  url: string;
  port: number;
  controls: SimulatorControls;
  stop(): Promise<void>;
}

/** Starts on 127.0.0.1 (port 0 = a free one). Rejects with SimulatorConfigError / Error naming any bad option. */
export async function startPartnerCenterSimulator(options: PartnerCenterSimulatorOptions = {}): Promise<PartnerCenterSimulator> {
  const runtime = createRuntime(options.knobs ?? {}, options.catalog ?? [], options.clockSource ? 'driven' : 'real', options.customerDirectory);
  const authenticator = createAuthenticator(options.auth ?? { mode: 'any' });
  const serverId = options.serverId ?? '000001';

  const handle = createRequestPipeline({ runtime, authenticator, serverId, onRequest: options.onRequest, clockSource: options.clockSource });
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Last line of defence: the server never crashes on a request.
      console.error(`partner-center-simulator: unexpected error on ${req.method} ${req.url?.split('?')[0]}: ${(err as Error)?.stack ?? err}`);
      if (!res.headersSent && !res.destroyed) send(res, errorResponse(500, 800003, 'Unexpected service error.'), {});
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  return await new Promise<PartnerCenterSimulator>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      const { port, address } = server.address() as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      resolve({
        url: `http://${host}:${port}`,
        port,
        controls: runtime.controls,
        stop: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
