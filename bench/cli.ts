// `npm run bench [-- --orders 1000 --overhead-orders 200 --out bench-results.json]`: the burst and overhead scenarios
// of issue 10 in one run on this machine; a table on the console, everything as JSON in a file, MET / NOT MET per
// target. `--setting NAME=VALUE` passes app settings to both runs, so a pacing setting can be compared later with
// the same command.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runBurst, type BurstResult } from './burst';
import { runOverhead, type OverheadResult } from './overhead';
import { formatReport, judge } from './report';

const USAGE = `Usage: npm run bench -- [flags]

  --orders N             burst: orders sent at once (default 1000)
  --rate N               burst: requests per minute per partner tenant (default 500, the documented limit)
  --cap-minutes M        burst: stop after M virtual minutes if orders are still unfinished (default 4 × lower bound)
  --overhead-orders N    overhead: orders through the stack and through the baseline (default 200)
  --overhead-rounds N    overhead: measured rounds of both, after a warm-up; the median is reported (default 3)
  --only burst|overhead  run one scenario
  --setting NAME=VALUE   app setting for the runs (repeatable), e.g. a pacing budget to compare
  --out PATH             JSON output (default bench-results.json)
  --help`;

function wholeNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: expected a whole number of at least 1, got "${raw}"`);
  return n;
}

function machine() {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // Not a git checkout: the figures still stand, without the commit.
  }
  return { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}`, commit };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      orders: { type: 'string' },
      rate: { type: 'string' },
      'cap-minutes': { type: 'string' },
      'overhead-orders': { type: 'string' },
      'overhead-rounds': { type: 'string' },
      only: { type: 'string' },
      setting: { type: 'string', multiple: true },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return console.log(USAGE);
  if (values.only !== undefined && values.only !== 'burst' && values.only !== 'overhead') throw new Error(`--only: expected burst or overhead, got "${values.only}"`);
  const settings: Record<string, string> = {};
  for (const pair of values.setting ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--setting: expected NAME=VALUE, got "${pair}"`);
    settings[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const capMinutes = values['cap-minutes'] === undefined ? undefined : Number(values['cap-minutes']);
  if (capMinutes !== undefined && !(capMinutes > 0)) throw new Error(`--cap-minutes: expected a positive number, got "${values['cap-minutes']}"`);
  const appRoot = path.resolve(__dirname, '..', '..');
  const appEntry = 'dist/functions/index.js';
  const progress = (line: string) => console.error(line);
  const out = path.resolve(values.out ?? 'bench-results.json');

  let burst: BurstResult | undefined;
  let overhead: OverheadResult | undefined;
  if (values.only !== 'overhead') {
    const orders = wholeNumber('orders', values.orders, 1000);
    burst = await runBurst({ appRoot, appEntry, orders, requestsPerMinute: wholeNumber('rate', values.rate, 500), capMinutes, settings, progress });
  }
  if (values.only !== 'burst') {
    overhead = await runOverhead({
      appRoot,
      appEntry,
      orders: wholeNumber('overhead-orders', values['overhead-orders'], 200),
      rounds: wholeNumber('overhead-rounds', values['overhead-rounds'], 3),
      settings,
      progress,
    });
  }
  const targets = judge(burst, overhead);
  const report = { ranAt: new Date().toISOString(), machine: machine(), settings, burst: burst && { ...burst, outcomes: undefined }, overhead, targets };
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(formatReport(report));
  console.log(`\nJSON: ${out}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
