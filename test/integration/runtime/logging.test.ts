import { sdkClientFor, startFixtureRuntime } from './runtimeFixture';

test('logs carry function, invocation and instance ids; an orchestration does not repeat its logs on replay', async () => {
  const lines: string[] = [];
  const runtime = await startFixtureRuntime({ logLevel: 'information', clock: 'virtual', onOutput: (line) => lines.push(line) });
  try {
    await sdkClientFor(runtime).startNew('Logged', { instanceId: 'logged-1' });
    expect((await runtime.waitForInstance('logged-1')).output).toBe('logged');
    await runtime.runUntilIdle();
  } finally {
    await runtime.stop();
  }
  const user = (text: string) => lines.filter((line) => line.endsWith(` ${text}`));
  // Three episodes replay the generator from the start; each line is still written once.
  for (const text of ['orchestration started', 'after first activity', 'after second activity']) {
    const found = user(text);
    expect({ text, count: found.length }).toEqual({ text, count: 1 });
    expect(found[0]).toMatch(/ function=Logged invocation=[0-9a-f-]{36} instance=logged-1 /);
  }
  const activityLines = [...user('echoing one'), ...user('echoing two')];
  expect(activityLines).toHaveLength(2);
  activityLines.forEach((line) => expect(line).toMatch(/ function=LoudEcho invocation=[0-9a-f-]{36} instance=logged-1 /));
});
