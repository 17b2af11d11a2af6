// Orchestrator code is replayed: it must not read the clock, randomness, the environment or do I/O (reference
// durable-functions-protocol.md §6). This test reads the orchestration sources and fails on any such use, and drives
// processOrder through the local runtime, whose episodes replay the orchestrator over its whole stored history and
// fail the instance when the orchestrator asks for different work than history recorded.
import { appFunctions } from './durableHost';
import * as df from 'durable-functions';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EventType } from '../../../local/runtime/durable/historyEvents';
import { OrchestrationDriver } from './orchestrationDriver';
import { CANCEL_EVENT } from '../../../orchestrations';
import { INSTANCE_ID, START, cartReady, newOrderReplay, notOrdered, order, orderRead, publishedAs, submitted, throttled, unavailable } from './scenario';

const ORCHESTRATIONS = path.join(__dirname, '../../../orchestrations');

const FORBIDDEN: [RegExp, string][] = [
  [/\bDate\.now\b/, 'Date.now (use context.df.currentUtcDateTime)'],
  [/\bnew\s+Date\s*\(\s*\)/, 'new Date() (use context.df.currentUtcDateTime)'],
  [/\bMath\.random\b/, 'Math.random'],
  [/\bprocess\.env\b/, 'process.env (settings travel in the orchestration input)'],
  [/\b(setTimeout|setInterval|setImmediate|fetch|require)\s*\(/, 'timers, fetch or require (I/O belongs in activities)'],
  [/\bawait\b|\basync\s+function/, 'async code (orchestrators are synchronous generators)'],
  [/\bcrypto\b|\brandomUUID\b/, 'crypto / random ids (use context.df.newGuid)'],
];

/**
 * Value imports an orchestrator file may use: the SDK, its siblings (not the activities, which do I/O), the shared
 * order types and constants, and Partner Center's status sets. `import type` is erased when compiled, so it may name
 * anything (the activities' own types, the policy's type).
 */
const ALLOWED_IMPORT = /^(durable-functions|\.\/(?!activities\b)[\w/]+|\.\.\/shared\/orders(\/(outcome|request|failure))?|\.\.\/shared\/partner-center\/models)$/;

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

export function violations(source: string): string[] {
  const code = stripComments(source);
  const found = FORBIDDEN.filter(([pattern]) => pattern.test(code)).map(([, what]) => what);
  for (const [, typeOnly, specifier] of code.matchAll(/\bimport\s+(type\s+)?[^;]*?\bfrom\s+'([^']+)'/g)) {
    if (typeOnly === undefined && !ALLOWED_IMPORT.test(specifier)) found.push(`import of ${specifier}`);
  }
  return found;
}

// index.ts only registers functions (it wires the activities, which do I/O); everything else is orchestrator code.
const orchestratorFiles = readdirSync(ORCHESTRATIONS).filter((f) => f.endsWith('.ts') && f !== 'index.ts');

describe('orchestrator determinism', () => {
  test('the check itself catches each forbidden use', () => {
    expect(violations('const t = Date.now();')).toHaveLength(1);
    expect(violations('const t = new Date();')).toHaveLength(1);
    expect(violations('if (Math.random() > 0.5) {}')).toHaveLength(1);
    expect(violations('const url = process.env.X;')).toHaveLength(1);
    expect(violations("import { readFileSync } from 'node:fs';")).toEqual(['import of node:fs']);
    expect(violations("import { createCartActivity } from './activities/createCart';")).toEqual(['import of ./activities/createCart']);
    expect(violations("import { createOrderActivities } from './activities';")).toEqual(['import of ./activities']);
    expect(violations("import { loadWorkflowPolicy } from '../shared/config';")).toEqual(['import of ../shared/config']);
    expect(violations("import { orderActivities, type Step } from './activityProxy';")).toEqual([]);
    expect(violations("import type { CartRef } from './activities/checkoutCart';")).toEqual([]);
    expect(violations("import type { WorkflowPolicy } from '../shared/config';")).toEqual([]);
    expect(violations('// Date.now is mentioned in a comment only\nconst t = new Date(x);')).toEqual([]);
  });

  test.each(orchestratorFiles)('%s uses no clock, randomness, environment or I/O', (file) => {
    expect(violations(readFileSync(path.join(ORCHESTRATIONS, file), 'utf8'))).toEqual([]);
  });

  test('the orchestrator files were found', () => {
    expect(orchestratorFiles).toEqual(expect.arrayContaining(['activityProxy.ts', 'policy.ts', 'processOrder.ts', 'processOrderContract.ts']));
  });
});

describe('orchestrator determinism under the runtime\'s replay', () => {
  // Module state survives between episodes but not between hosts: here it stands for any hidden input.
  let episodes = 0;
  df.app.orchestration('flipFlop', function* (context: df.OrchestrationContext) {
    yield context.df.callActivity(episodes++ === 0 ? 'first' : 'second');
    return 'done';
  });
  df.app.activity('first', { handler: () => undefined });
  df.app.activity('second', { handler: () => undefined });

  test('the replay check itself fails an orchestrator that asks for different work on replay', async () => {
    const driver = new OrchestrationDriver({ functions: appFunctions, orchestrator: 'flipFlop', instanceId: 'flip-1', input: null, start: START });
    await driver.start();
    await driver.completeActivity('first', null);
    expect(driver.runtimeStatus).toBe('Failed');
    expect(driver.output).toMatch(/Non-deterministic workflow detected: sequence id 0 was TaskScheduled "first" in history but the orchestrator now asks for TaskScheduled "second"/);
  });

  test('processOrder replays its whole history in every episode, through jittered waits, retries, a cancel and continue-as-new, to Completed', async () => {
    const driver = newOrderReplay(
      { ORDER_POLLS_PER_EXECUTION: '1', RETRY_JITTER: 'PT5S' },
      { activityRetry: { firstRetryMs: 1000, maxAttempts: 2, backoffCoefficient: 1, maxRetryMs: 1000 } },
    );
    await driver.start();
    await driver.completeActivity('createCart', throttled(5, 'createCart'));
    await driver.fireTimer();
    await cartReady(driver);
    await driver.completeActivity('checkoutCart', unavailable());
    await driver.completeActivity('findCartOrders', notOrdered());
    await driver.fireTimer();
    await driver.completeActivity('checkoutCart', submitted([order('ord-1', 'pending')]));
    await driver.completeActivity('publishResult', publishedAs());
    await driver.raiseEvent(CANCEL_EVENT);
    await driver.fireTimer();
    await driver.failActivity('getOrder', 'socket hang up');
    await driver.completeActivity('getOrder', orderRead(order('ord-1', 'pending')));
    await driver.fireTimer();
    await driver.completeActivity('getOrder', orderRead(order('ord-1', 'completed', 'monthly', 'sub-1')));
    await driver.completeActivity('publishResult', publishedAs());
    expect(driver.runtimeStatus).toBe('Completed');
    expect(driver.output).toMatchObject({ status: 'completed', instanceId: INSTANCE_ID, cartId: 'cart-1' });
    expect(driver.executions).toHaveLength(2);
    // One episode per step (start, 429, its timer, cart, gate, 503, cart read, outage timer, checkout, milestone,
    // cancel, poll timer, failed attempt, retry timer, last poll of the execution), each replaying all earlier ones.
    expect(driver.history(0).filter((e) => e.EventType === EventType.OrchestratorStarted)).toHaveLength(15);
    expect(driver.history(0).filter((e) => e.EventType === EventType.EventRaised).map((e) => e.Name)).toEqual([CANCEL_EVENT]);
    expect(driver.history(0).filter((e) => e.EventType === EventType.TaskScheduled).map((e) => e.Name)).toEqual([
      'createCart',
      'createCart',
      'checkoutCart',
      'findCartOrders',
      'checkoutCart',
      'publishResult',
      'getOrder',
      'getOrder',
    ]);
  });
});
