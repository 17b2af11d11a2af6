import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as df from 'durable-functions';
import { createSeededRandom } from '../../../local/partner-center-simulator/prng';
import { journalLines, sdkClientFor, startFixtureRuntime, waitForJournalLines } from './runtimeFixture';

// Crash test for entities: with the file store, SIGKILL the runtime at a seeded moment while client signals and
// orchestrations calling one counter entity are in flight, restart on the same store, and check that the entity's
// state counts every operation exactly once (a batch's state, its consumed messages and its responses commit
// together) and that every caller got a distinct answer. As in crashRecovery.test.ts, a kill moment is a seeded
// number of journal commits.
const entitiesApp = path.resolve(__dirname, '../../fixtures/runtime-app/entities');
const runs = 8;
const signalsPerRun = 10;
const callersPerRun = 2;
const callsPerCaller = 5;

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-entity-crash-'));
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

test(`${runs} runs killed with SIGKILL mid-way: the entity state counts every operation exactly once after restarts`, async () => {
  const store = { kind: 'file' as const, directory: path.join(root, 'store') };
  const journal = path.join(store.directory, 'journal.jsonl');
  const counter = new df.EntityId('Counter', 'crash');
  let runtime = await startFixtureRuntime({ appRoot: entitiesApp, store });
  const answers: number[] = [];
  let restartsWithEntityWork = 0;
  try {
    for (let run = 0; run < runs; run++) {
      const random = createSeededRandom(20261201 + run);
      const client = sdkClientFor(runtime);
      const ids = Array.from({ length: callersPerRun }, (_, i) => `entity-crash-${run}-${i}`);
      // Each signal is acknowledged (202) only once committed, so all of them must survive the kill.
      for (let i = 0; i < signalsPerRun; i++) await client.signalEntity(counter, 'add', 1);
      for (const id of ids) await client.startNew('IncrementMany', { instanceId: id, input: { key: 'crash', times: callsPerCaller } });
      // The callers then commit ~24 more lines (an episode and an entity batch per call, fewer when batched).
      // Kill after a seeded 0-17 of them.
      await waitForJournalLines(journal, journalLines(journal) + Math.floor(random() * 18));
      await runtime.kill();

      runtime = await startFixtureRuntime({ appRoot: entitiesApp, store });
      for (const id of ids) {
        const status = await runtime.waitForInstance(id, { timeoutMs: 15_000 });
        expect({ id, runtimeStatus: status.runtimeStatus }).toEqual({ id, runtimeStatus: 'Completed' });
        answers.push(...(status.output as number[]));
      }
      await runtime.runUntilIdle();
      // The restarted process's counters start at zero: any batch it ran was work the killed one left.
      if ((await runtime.stats()).entityBatches > 0) restartsWithEntityWork++;
      const expected = (run + 1) * (signalsPerRun + callersPerRun * callsPerCaller);
      expect({ run, state: (await sdkClientFor(runtime).readEntityState(counter)).entityState }).toEqual({ run, state: expected });
    }
  } finally {
    await runtime.stop();
  }
  // No call was answered twice, and none was lost.
  expect(new Set(answers).size).toBe(runs * callersPerRun * callsPerCaller);
  expect(restartsWithEntityWork).toBeGreaterThanOrEqual(runs / 2);
}, 90_000);
