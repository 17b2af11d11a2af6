import type * as df from 'durable-functions';
import { createDurableHarness } from './durableHarness';

test('activities run concurrently up to maxConcurrentActivityFunctions and no further', async () => {
  let running = 0;
  let peak = 0;
  const harness = createDurableHarness(
    {
      Wide: function* (context: df.OrchestrationContext) {
        const results = (yield context.df.Task.all(Array.from({ length: 10 }, (_, i) => context.df.callActivity('Work', i)))) as number[];
        return results.reduce((a, b) => a + b, 0);
      },
    },
    {
      Work: async (input) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return (input as number) * 10;
      },
    },
  );
  expect(await harness.run('Wide', 'wide-1')).toEqual({ status: 'Completed', output: 450 });
  // The harness configures a limit of 4 (host.json maxConcurrentActivityFunctions).
  expect(peak).toBe(4);
  expect(harness.dispatcher.stats().activityExecutions).toBe(10);
});

test('an activity that is not registered fails its task with the host message, which the orchestrator can catch', async () => {
  const harness = createDurableHarness(
    {
      Missing: function* (context: df.OrchestrationContext) {
        try {
          yield context.df.callActivity('NoSuchActivity', 1);
          return 'unexpected';
        } catch (error) {
          return (error as Error).message.split('\n')[0];
        }
      },
    },
    {},
  );
  const result = await harness.run('Missing', 'missing-1');
  expect(result.status).toBe('Completed');
  expect(result.output).toBe("Activity function 'NoSuchActivity' failed: The function 'NoSuchActivity' doesn't exist, is disabled, or is not an activity function. ");
});
