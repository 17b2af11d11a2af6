import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { patternsApp } from './runtimeFixture';

// The command line entry (what `npm run runtime` runs after the build), started from the sources.
test('the CLI serves the app on the given port and exits cleanly on SIGINT', async () => {
  const root = path.resolve(__dirname, '../../..');
  const child = spawn(
    process.execPath,
    ['--require', path.join(root, 'local/runtime/tsRequireHook.cjs'), path.join(root, 'local/runtime/cli.ts'), '--app-root', patternsApp, '--port', '0', '--clock', 'virtual'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the CLI did not report its URL')), 15_000);
      readline.createInterface({ input: child.stdout }).on('line', (line) => {
        const match = /Local runtime listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    const started = await fetch(`${baseUrl}/api/orchestrators/FanOut/cli-fan`, { method: 'POST', body: '3' });
    expect(started.status).toBe(202);
    let status: { runtimeStatus?: string; output?: unknown } = {};
    for (let i = 0; i < 200 && status.runtimeStatus !== 'Completed'; i++) {
      status = (await (await fetch(`${baseUrl}/runtime/webhooks/durabletask/instances/cli-fan`)).json()) as typeof status;
      if (status.runtimeStatus !== 'Completed') await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 12 });
  } finally {
    child.kill('SIGINT');
  }
  expect(await exited).toBe(0);
});

test('a bad flag exits with code 2 and names the flag', async () => {
  const root = path.resolve(__dirname, '../../..');
  const child = spawn(process.execPath, ['--require', path.join(root, 'local/runtime/tsRequireHook.cjs'), path.join(root, 'local/runtime/cli.ts'), '--store', 'disk'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  expect(code).toBe(2);
  expect(stderr).toContain('--store must be "memory" or "file:<directory>", got "disk"');
});
