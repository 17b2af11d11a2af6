import http from 'node:http';
import { startRuntimeServer } from '../../../local/runtime/http/server';
import { sendJson } from '../../../local/runtime/http/httpUtils';

// The durable client (axios) and fetch reuse a kept-alive connection only until a second before the server's advertised
// keep-alive timeout, so a 1 s timeout made every call from the app to its own runtime a new TCP connection.
test('the runtime keeps connections alive: sequential requests from a Node client share one connection', async () => {
  const remotePorts: number[] = [];
  const server = await startRuntimeServer({
    host: '127.0.0.1',
    port: 0,
    logger: { error: () => {}, warn: () => {}, info: () => {}, log: () => {} } as never,
    mounts: [
      {
        prefix: '/probe',
        handler: async (req, res) => {
          remotePorts.push(req.socket.remotePort as number);
          sendJson(res, 404, { error: 'none' });
        },
      },
    ],
  });
  const agent = new http.Agent({ keepAlive: true });
  try {
    for (let i = 0; i < 3; i++) {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        http.get(`http://127.0.0.1:${server.port}/probe/x`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        }).on('error', reject);
      });
      expect(status).toBe(404);
    }
    expect(remotePorts).toHaveLength(3);
    expect(new Set(remotePorts).size).toBe(1);
  } finally {
    agent.destroy();
    await server.close();
  }
});
