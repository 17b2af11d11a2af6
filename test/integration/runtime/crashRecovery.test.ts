import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSeededRandom } from '../../../local/partner-center-simulator/prng';
import { journalLines, sdkClientFor, startFixtureRuntime, waitForJournalLines } from './runtimeFixture';

// Crash test: with the file store, SIGKILL the runtime process at a seeded random moment while three multi-step
// orchestrations (activities, a fan-out, a timer) are in flight, restart it on the same store, and check that every
// instance completes with the right output. 20 runs, each with its own kill moment. A moment is a seeded number of
// journal commits (the runtime's own progress), not a delay, so it lands inside the workflow on any machine.
const runs = 20;
const instancesPerRun = 3;
const steps = 4;

function expectedOutput(id: string) {
  let total = 0;
  for (let i = 1; i <= steps; i++) total += i * i;
  return { id, total, fan: [1, 2, 3].map((i) => (i + total) * 2) };
}

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-crash-'));
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

test(`${runs} runs killed with SIGKILL at seeded moments all complete after a restart`, async () => {
  // One store across the runs: each restarted process is the next run's victim, so a run costs one process start.
  const store = { kind: 'file' as const, directory: path.join(root, 'store') };
  const journal = path.join(store.directory, 'journal.jsonl');
  let runtime = await startFixtureRuntime({ store });
  let runsWithWorkLeft = 0;
  try {
    for (let run = 0; run < runs; run++) {
      const seed = 20261123 + run;
      const random = createSeededRandom(seed);
      const ids = Array.from({ length: instancesPerRun }, (_, i) => `crash-${run}-${i}`);
      const client = sdkClientFor(runtime);
      for (const id of ids) await client.startNew('CrashWorkflow', { instanceId: id, input: { id, steps } });
      // Three workflows write ~57 journal lines; kill after a seeded 1-45 more lines have been committed.
      await waitForJournalLines(journal, journalLines(journal) + 1 + Math.floor(random() * 45));
      await runtime.kill();

      runtime = await startFixtureRuntime({ store });
      for (const id of ids) {
        const status = await runtime.waitForInstance(id, { timeoutMs: 15_000 });
        expect({ seed, id, runtimeStatus: status.runtimeStatus, output: status.output }).toEqual({ seed, id, runtimeStatus: 'Completed', output: expectedOutput(id) });
        const history = await runtime.getHistory(id);
        // Exactly one completion per scheduled task, whatever was re-run after the crash.
        const scheduled = history.filter((e) => e.EventType === 4).map((e) => e.EventId);
        const completed = history.filter((e) => e.EventType === 5).map((e) => e.TaskScheduledId);
        expect(completed.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(scheduled);
      }
      if ((await runtime.stats()).episodes > 0) runsWithWorkLeft++;
    }
  } finally {
    await runtime.stop();
  }
  // The kill points fall inside the workflows (the journal grows by ~40-57 lines a run, fan-out completions may share
  // an episode): nearly every restart had work left to finish.
  expect(runsWithWorkLeft).toBeGreaterThanOrEqual(runs - 5);
}, 90_000);
