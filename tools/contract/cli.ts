// `npm run contract [-- --sandbox] [--report-dir DIR]`: runs the contract suite (test/contract/) against the
// Partner Center simulator and, with --sandbox, against the real integration sandbox too, then writes the side-by-side
// report (contract-report.json and contract-report.md). Sandbox settings are checked before anything runs: without
// them it explains what is needed and exits non-zero having called nothing.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildReport, observationFileName, readObservations, renderMarkdown, writeReport, type ContractTargetName } from './report';
import { explainSandboxSettings, readSandboxSettings, type Env } from './settings';

export const CONTRACT_TEST_FILE = 'test/contract/partnerCenter.test.ts';
const DEFAULT_REPORT_DIR = '.local-data/contract';

export const CONTRACT_HELP = [
  'Usage: npm run contract [-- --sandbox] [--report-dir DIR]',
  '',
  'Runs the Partner Center contract suite against the local simulator, and with --sandbox also against the real',
  'Partner Center integration sandbox, then writes DIR/contract-report.json and DIR/contract-report.md',
  `(default DIR ${DEFAULT_REPORT_DIR}). --sandbox reads CONTRACT_* environment variables; run it without them to see the list.`,
].join('\n');

export interface ContractCliDeps {
  env: Env;
  print: (text: string) => void;
  /** Runs the suite against one target, writing observations into reportDir; resolves with jest's exit code. */
  runSuite: (target: ContractTargetName, reportDir: string) => Promise<number>;
  /** Repository root (where jest.config.js is). */
  root: string;
}

interface CliOptions {
  sandbox: boolean;
  reportDir: string;
  help: boolean;
}

function parseArgs(argv: string[]): CliOptions | { error: string } {
  const options: CliOptions = { sandbox: false, reportDir: DEFAULT_REPORT_DIR, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--sandbox') options.sandbox = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--report-dir') {
      const value = argv[++i];
      if (!value || value.startsWith('--')) return { error: '--report-dir needs a folder' };
      options.reportDir = value;
    } else return { error: `Unknown option '${arg}'` };
  }
  return options;
}

/** Returns the process exit code: 0 all ran and passed, 1 a contract test failed, 2 the run could not start. */
export async function runContractCli(argv: string[], deps: ContractCliDeps): Promise<number> {
  const options = parseArgs(argv);
  if ('error' in options) {
    deps.print(`${options.error}\n\n${CONTRACT_HELP}`);
    return 2;
  }
  if (options.help) {
    deps.print(CONTRACT_HELP);
    return 0;
  }
  if (options.sandbox) {
    const settings = readSandboxSettings(deps.env);
    if (!settings.ok) {
      deps.print(explainSandboxSettings(settings.problems));
      return 2;
    }
  }

  const reportDir = path.resolve(deps.root, options.reportDir);
  const targets: ContractTargetName[] = options.sandbox ? ['simulator', 'sandbox'] : ['simulator'];
  // Stale observations from an earlier run must not pass for this one's.
  for (const target of ['simulator', 'sandbox'] as const) fs.rmSync(path.join(reportDir, observationFileName(target)), { force: true });

  let failed = false;
  for (const target of targets) {
    deps.print(`\nContract suite against the ${target === 'sandbox' ? 'Partner Center integration sandbox' : 'simulator'}:`);
    const code = await deps.runSuite(target, reportDir);
    if (code !== 0) failed = true;
    if (!readObservations(reportDir, target)) {
      deps.print(`The ${target} run wrote no observations (jest exit code ${code}); see its output above.`);
      failed = true;
    }
  }

  const report = buildReport({ simulator: readObservations(reportDir, 'simulator'), sandbox: readObservations(reportDir, 'sandbox') });
  const written = writeReport(reportDir, report);
  deps.print(`\n${renderMarkdown(report)}`);
  deps.print(`Report: ${path.relative(deps.root, written.markdown)} and ${path.relative(deps.root, written.json)}`);
  const differing = report.rows.filter((r) => r.differs).map((r) => r.id);
  if (differing.length > 0) deps.print(`The simulator and Partner Center answered differently for: ${differing.join(', ')}. Each is a candidate simulator fix.`);
  return failed ? 1 : 0;
}

/** Runs jest on the contract file with the target chosen by CONTRACT_TARGET (the same file `npm test` runs). */
export function jestSuiteRunner(root: string, env: Env): ContractCliDeps['runSuite'] {
  return (target, reportDir) =>
    new Promise((resolve) => {
      const jestBin = require.resolve('jest/bin/jest', { paths: [root] });
      const child = spawn(process.execPath, [jestBin, '--runTestsByPath', CONTRACT_TEST_FILE, '--runInBand'], {
        cwd: root,
        env: { ...env, CONTRACT_TARGET: target, CONTRACT_REPORT_DIR: reportDir },
        stdio: 'inherit',
      });
      child.on('error', () => resolve(2));
      child.on('exit', (code) => resolve(code ?? 1));
    });
}

if (require.main === module) {
  const root = process.cwd();
  if (!fs.existsSync(path.join(root, 'jest.config.js'))) {
    console.error('Run this from the repository root: npm run contract [-- --sandbox]');
    process.exit(2);
  }
  runContractCli(process.argv.slice(2), { env: process.env, print: (text) => console.log(text), runSuite: jestSuiteRunner(root, process.env), root }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
