import type * as df from 'durable-functions';
import { activityFailure, formatTimeSpan, FunctionTimeoutError } from '../../../local/runtime/durable/failures';
import { createDurableHarness } from './durableHarness';

// What the Durable extension writes for a Node activity that throws (TaskActivityShim + OutOfProcExceptionHelpers
// over the host's RpcException), and the Error text the SDK builds from it: `${Reason} \n ${Details}`.

const reasonAndDetails = (text: string) => {
  const at = text.indexOf(' \n ');
  return { reason: text.slice(0, at), details: JSON.parse(text.slice(at + 3)) as Record<string, unknown> };
};

test('throw new Error("boom") in activity X: the orchestrator sees "Activity function \'X\' failed:  boom \\n <details>"', async () => {
  const harness = createDurableHarness(
    {
      CatchesBoom: function* (context: df.OrchestrationContext) {
        try {
          yield context.df.callActivity('X', null);
          return 'unexpected';
        } catch (error) {
          return (error as Error).message;
        }
      },
    },
    {
      X: () => {
        throw new Error('boom');
      },
    },
  );
  const result = await harness.run('CatchesBoom', 'boom-1');
  const text = result.output as string;
  // Two spaces: the "friendly" message is everything after "\nException:" in the RpcException text.
  expect(text.startsWith("Activity function 'X' failed:  boom \n {\"$type\":\"System.Exception, System.Private.CoreLib\",\"ClassName\":\"System.Exception\",\"Message\":\" boom\",")).toBe(true);
  const { reason, details } = reasonAndDetails(text);
  expect(reason).toBe("Activity function 'X' failed:  boom");
  expect(Object.keys(details)).toEqual([
    '$type', 'ClassName', 'Message', 'Data', 'InnerException', 'HelpURL', 'StackTraceString', 'RemoteStackTraceString', 'RemoteStackIndex',
    'ExceptionMethod', 'HResult', 'Source', 'WatsonBuckets',
  ]);
  const inner = details.InnerException as Record<string, unknown>;
  expect(inner.$type).toBe('Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcException, Microsoft.Azure.WebJobs.Script');
  expect(Object.keys(inner)).toEqual([
    '$type', 'IsUserException', 'RemoteStackTrace', 'RemoteMessage', 'RemoteTypeName', 'Message', 'Data', 'InnerException', 'HelpLink', 'Source', 'HResult', 'StackTrace',
  ]);
  expect(inner.RemoteMessage).toBe('boom');
  expect(inner.RemoteStackTrace).toMatch(/^Error: boom\n {4}at /);
  expect(inner.Message).toBe(`Result: Failure\nType: \nException: boom\nStack: ${inner.RemoteStackTrace as string}`);

  // The history event carries the same two fields.
  const failed = harness.history('boom-1')?.history.find((e) => e.EventType === 6);
  expect(failed?.Reason).toBe(reason);
  expect(JSON.parse(failed?.Details as string)).toEqual(details);
});

test('a message that contains "\\nStack:" is cut there, as the extension cuts it; thrown non-Errors are stringified as the worker does', () => {
  expect(activityFailure('X', new Error('first\nStack: second')).Reason).toBe("Activity function 'X' failed:  first");
  expect(activityFailure('X', 'plain text').Reason).toBe("Activity function 'X' failed:  plain text");
  expect(activityFailure('X', { code: 42 }).Reason).toBe('Activity function \'X\' failed:  {"code":42}');
  expect(activityFailure('X', undefined).Reason).toBe("Activity function 'X' failed:  Unknown error");
});

test('a timed-out activity reports the host timeout message itself', () => {
  const failure = activityFailure('Slow', new FunctionTimeoutError('Slow', 600_000));
  expect(failure.Reason).toBe("Activity function 'Slow' failed: Timeout value of 00:10:00 was exceeded by function: Functions.Slow");
  expect(JSON.parse(failure.Details)).toMatchObject({ $type: 'Microsoft.Azure.WebJobs.Host.FunctionTimeoutException, Microsoft.Azure.WebJobs.Host', Message: 'Timeout value of 00:10:00 was exceeded by function: Functions.Slow' });
  expect(formatTimeSpan(1000)).toBe('00:00:01');
  expect(formatTimeSpan(2 * 86_400_000 + 3_723_000)).toBe('2.01:02:03');
  expect(formatTimeSpan(1500)).toBe('00:00:01.5000000');
});
