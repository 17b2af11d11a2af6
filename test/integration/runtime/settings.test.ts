import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildRuntimeHandle } from '../../../local/runtime';
import { startFixtureRuntime } from './runtimeFixture';

// local.settings.json reaches the app process as func gives it to the worker: as environment variables from the
// start, so even Node's start-up-only variables (NODE_OPTIONS, NODE_EXTRA_CA_CERTS) take effect.
let dir: string;
let runtime: ChildRuntimeHandle;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-settings-'));
  const localSettings = path.join(dir, 'local.settings.json');
  fs.writeFileSync(
    localSettings,
    JSON.stringify({ IsEncrypted: false, Values: { FROM_FILE: 'file value', OVERRIDDEN: 'file value', NODE_OPTIONS: '--max-old-space-size=64' } }),
  );
  runtime = await startFixtureRuntime({ localSettingsPath: localSettings, env: { OVERRIDDEN: 'env option value' } });
});

afterAll(async () => {
  await runtime?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function env(name: string): Promise<{ value: string | null; heapLimitMb: number }> {
  const response = await fetch(`${runtime.apiBaseUrl}/env/${name}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { value: string | null; heapLimitMb: number };
}

test('values from local.settings.json are app settings; the env option overrides them', async () => {
  expect((await env('FROM_FILE')).value).toBe('file value');
  expect((await env('OVERRIDDEN')).value).toBe('env option value');
  expect((await env('NOT_SET_ANYWHERE')).value).toBeNull();
});

test('a start-up-only variable from local.settings.json takes effect in the app process', async () => {
  const { value, heapLimitMb } = await env('NODE_OPTIONS');
  expect(value).toBe('--max-old-space-size=64');
  // The default heap limit is far above 1 GB; with --max-old-space-size=64 it is a little over 64 MB.
  expect(heapLimitMb).toBeLessThan(200);
});
