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
import { INSTANCE_ID, START, checkedOut, newOrderReplay, order, orderStatus } from './scenario';

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

/** Imports an orchestrator file may use: the SDK, its siblings, the activity contracts and shared types/constants. */
const ALLOWED_IMPORT = /^(durable-functions|\.\/(?!activities\/(?!contracts$))[\w/]+|\.\.\/shared\/orders(\/(outcome|request))?|\.\.\/shared\/partner-center\/models)$/;

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

export function violations(source: string): string[] {
  const code = stripComments(source);
  const found = FORBIDDEN.filter(([pattern]) => pattern.test(code)).map(([, what]) => what);
  for (const [, specifier] of code.matchAll(/\bfrom\s+'([^']+)'/g)) {
    if (!ALLOWED_IMPORT.test(specifier)) found.push(`import of ${specifier}`);
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
    expect(violations("import type { CheckoutResult } from './activities/contracts';")).toEqual([]);
    expect(violations('// Date.now is mentioned in a comment only\nconst t = new Date(x);')).toEqual([]);
  });

  test.each(orchestratorFiles)('%s uses no clock, randomness, environment or I/O', (file) => {
    expect(violations(readFileSync(path.join(ORCHESTRATIONS, file), 'utf8'))).toEqual([]);
  });

  test('the orchestrator files were found', () => {
    expect(orchestratorFiles).toEqual(expect.arrayContaining(['processOrder.ts', 'cartSteps.ts', 'pollingSteps.ts', 'orderRun.ts', 'pollingPolicy.ts']));
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

  test('processOrder replays its whole history in every episode, through retries, a cancel and continue-as-new, to Completed', async () => {
    const driver = newOrderReplay({ pollsPerExecution: 1, activityRetry: { firstRetryMs: 1000, maxAttempts: 2, backoffCoefficient: 1, maxRetryMs: 1000 } });
    await checkedOut(driver, [order('ord-1', 'pending')]);
    await driver.raiseEvent(CANCEL_EVENT);
    await driver.fireTimer();
    await driver.failActivity('getOrderStatus', 'Partner Center answered 503');
    await driver.completeActivity('getOrderStatus', orderStatus(order('ord-1', 'pending')));
    await driver.fireTimer();
    await driver.completeActivity('getOrderStatus', orderStatus(order('ord-1', 'completed', 'monthly', 'sub-1')));
    await driver.completeActivity('publishResult', {});
    expect(driver.runtimeStatus).toBe('Completed');
    expect(driver.output).toMatchObject({ status: 'completed', instanceId: INSTANCE_ID, cartId: 'cart-1' });
    expect(driver.executions).toHaveLength(2);
    // One episode per step (start, cart, gate, checkout, milestone, cancel, poll timer, failed attempt, retry timer,
    // last poll), each replaying all the earlier ones.
    expect(driver.history(0).filter((e) => e.EventType === EventType.OrchestratorStarted)).toHaveLength(10);
    expect(driver.history(0).filter((e) => e.EventType === EventType.EventRaised).map((e) => e.Name)).toEqual([CANCEL_EVENT]);
  });
});
