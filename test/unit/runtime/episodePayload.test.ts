import type * as df from 'durable-functions';
import { createDurableHarness } from './durableHarness';

interface PayloadEvent {
  EventType: number;
  IsPlayed: boolean;
  Name?: string;
  Result?: string;
}

/**
 * The orchestration trigger payload, episode by episode: the whole history every time, what earlier episodes stored
 * marked IsPlayed true and what this episode adds false (the SDK replays the first and resumes on the second),
 * history first, then the input. The runtime keeps each stored event's JSON from one episode to the next; this pins
 * down that what it sends is what the events say.
 */
test('each episode sends the whole history: stored events IsPlayed true, this episode\'s new events false, then the input', async () => {
  const payloads: { history: PayloadEvent[]; input: unknown; isReplaying: boolean; instanceId: string }[] = [];
  const texts: string[] = [];
  const h = createDurableHarness(
    {
      twoSteps: function* (context: df.OrchestrationContext) {
        const first = yield context.df.callActivity('echo', 'a');
        const second = yield context.df.callActivity('echo', 'b');
        return [first, second];
      },
    },
    { echo: (input) => `echo ${String(input)}` },
    {
      onInvoke: (name, data) => {
        if (name !== 'twoSteps') return;
        const text = (data as { string: string }).string;
        texts.push(text);
        payloads.push(JSON.parse(text));
      },
    },
  );
  const result = await h.run('twoSteps', 'payload-1', { n: 1 });
  expect(result).toEqual({ status: 'Completed', output: ['echo a', 'echo b'] });

  expect(payloads).toHaveLength(3);
  expect(texts.every((t) => t.startsWith('{"history":['))).toBe(true);
  const stored = h.history('payload-1')?.history ?? [];
  payloads.forEach((payload, episode) => {
    expect(payload.input).toEqual({ n: 1 });
    expect(payload.instanceId).toBe('payload-1');
    expect(payload.isReplaying).toBe(episode > 0);
    // Every event but IsPlayed is the stored event, in order.
    expect(payload.history.map(({ IsPlayed: _played, ...event }) => event)).toEqual(stored.slice(0, payload.history.length));
  });
  // Episode 1: OrchestratorStarted + ExecutionStarted, both new. Episode 2 adds OrchestratorStarted + TaskCompleted
  // after the first episode's four stored events (+ TaskScheduled, OrchestratorCompleted), and so on.
  expect(payloads.map((p) => p.history.map((e) => e.IsPlayed))).toEqual([
    [false, false],
    [true, true, true, true, false, false],
    [true, true, true, true, true, true, true, true, false, false],
  ]);
  expect(payloads[2].history.filter((e) => e.EventType === 5).map((e) => e.Result)).toEqual(['"echo a"', '"echo b"']);
});
