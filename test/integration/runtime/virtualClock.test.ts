import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildRuntimeHandle } from '../../../local/runtime';
import { readClockFile } from '../../../local/runtime/durable/clock';
import { sdkClientFor, startFixtureRuntime } from './runtimeFixture';

// Time-skipping: a 30-day polling orchestration (a poll every 6 hours, continue-as-new every 10 polls) runs to the
// end because the virtual clock jumps to the next timer whenever nothing else can run. Asserted by counts.
let runtime: ChildRuntimeHandle;

beforeAll(async () => {
  runtime = await startFixtureRuntime({ clock: { kind: 'virtual', start: '2026-01-01T00:00:00.000Z' } });
});

afterAll(async () => {
  await runtime?.stop();
});

test('30 days of 6-hourly polls: 120 timers fire, 121 polls, 12 continue-as-new generations', async () => {
  const client = sdkClientFor(runtime);
  await client.startNew('Polling', { instanceId: 'poll-30d', input: { polls: 0, deadline: '2026-02-15T00:00:00.000Z' } });
  const status = await runtime.waitForInstance('poll-30d', { timeoutMs: 20_000 });
  expect(status.runtimeStatus).toBe('Completed');
  // The 121st poll reports done: 120 six-hour waits = exactly 30 days after the start.
  expect(status.output).toEqual({ polls: 121, finishedAt: '2026-01-31T00:00:00.000Z' });
  const stats = await runtime.stats();
  expect(stats.timersFired).toBe(120);
  expect(stats.activityExecutions).toBe(121);
  expect(stats.clockAdvances).toBe(120);
  // Each poll takes an episode for the activity result and one for the timer; each generation starts once more.
  expect(stats.orchestratorInvocations).toBe(121 + 120 + 13);
  expect((await runtime.now()).toISOString()).toBe('2026-01-31T00:00:00.000Z');
  // The last generation's history only holds its own polls (bounded by continue-as-new).
  const history = await runtime.getHistory('poll-30d');
  expect(history.filter((e) => e.EventType === 4)).toHaveLength(1);
  expect(JSON.parse(history.find((e) => e.EventType === 0)?.Input as string)).toEqual({ polls: 120, deadline: '2026-02-15T00:00:00.000Z' });
});

test('advanceClock moves a non-auto-advancing virtual clock by hand', async () => {
  const manual = await startFixtureRuntime({ clock: { kind: 'virtual', start: '2026-03-01T00:00:00.000Z', autoAdvance: false } });
  try {
    const client = sdkClientFor(manual);
    await client.startNew('Timer', { instanceId: 'manual-timer', input: 3600 });
    await manual.runUntilIdle();
    expect((await client.getStatus('manual-timer')).runtimeStatus).toBe('Running');
    await manual.advanceClock(3_599_000);
    expect((await client.getStatus('manual-timer')).runtimeStatus).toBe('Running');
    await manual.advanceClock(1000);
    const status = await manual.waitForInstance('manual-timer');
    expect(status.output).toEqual({ started: '2026-03-01T00:00:00.000Z', resumed: '2026-03-01T01:00:00.000Z' });
  } finally {
    await manual.stop();
  }
});

test('with clockFile the runtime keeps its virtual time in that file, from its start and at every move', async () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'clock-file-'));
  const clockFile = path.join(directory, 'now');
  const manual = await startFixtureRuntime({ clock: { kind: 'virtual', start: '2026-03-01T00:00:00.000Z', autoAdvance: false }, clockFile });
  try {
    expect(readClockFile(clockFile)).toBe(Date.parse('2026-03-01T00:00:00.000Z'));
    await manual.advanceClock(90_000);
    expect(readClockFile(clockFile)).toBe(Date.parse('2026-03-01T00:01:30.000Z'));
    expect(readClockFile(clockFile)).toBe((await manual.now()).getTime());
  } finally {
    await manual.stop();
    fs.rmSync(directory, { recursive: true, force: true });
  }
  // No file (yet): readers fall back to their own clock.
  expect(readClockFile(clockFile)).toBeUndefined();
});
