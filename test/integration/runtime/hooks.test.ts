import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFixtureRuntime } from './runtimeFixture';

// Hook data as the Node worker keeps it (azure-functions-nodejs-worker src/AppContext.ts): appStart's hookData is the
// object appTerminate gets (appLevelOnlyHookData), and each invocation's pre- and post-invocation hooks share one of
// their own. The patterns fixture's hooks report what they see.
test('appStart hookData reaches appTerminate; an invocation hookData starts empty and is shared by its pre and post hooks', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hooks-'));
  const terminateFile = path.join(dir, 'terminate.json');
  const runtime = await startFixtureRuntime({ env: { HOOK_TERMINATE_FILE: terminateFile } });
  try {
    // The first call's post hook ran after its answer: the second call answers with what the first one's hooks saw.
    await fetch(`${runtime.apiBaseUrl}/hook-data`);
    const response = await fetch(`${runtime.apiBaseUrl}/hook-data`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ pre: {}, post: { setBy: 'preInvocation' } });
  } finally {
    await runtime.stop();
  }
  expect(JSON.parse(fs.readFileSync(terminateFile, 'utf8'))).toEqual({ setBy: 'appStart' });
  fs.rmSync(dir, { recursive: true, force: true });
});
