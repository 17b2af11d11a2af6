// Orchestrator code is replayed: it must not read the clock, randomness, the environment or do I/O (reference
// durable-functions-protocol.md §6). This test reads the orchestration sources and fails on any such use.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

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
