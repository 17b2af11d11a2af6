// The contract report: what each target answered for each behaviour, side by side with what the docs say, as JSON and
// as a Markdown table. Each contract run writes its observations to one file per target; this merges them.

import fs from 'node:fs';
import path from 'node:path';
import { BEHAVIOURS, type Behaviour } from './behaviours';

export type ContractTargetName = 'simulator' | 'sandbox';

/** One Partner Center call as the suite saw it: never headers, tokens or bodies beyond the error code. */
export interface CallRecord {
  /** METHOD and path with ids replaced: `POST /v1/customers/{customer}/carts/{cart}/checkout`. */
  call: string;
  status: number;
  /** Partner Center's error `code`, or `statusCode` of a 429 body. */
  code?: number | string;
  retryAfter?: string;
}

export interface Observation {
  behaviour: string;
  target: ContractTargetName;
  result: 'passed' | 'failed' | 'skipped';
  /** The facts the test established (statuses, codes, shapes, state changes), never ids. */
  answer: Record<string, string | number | boolean | null>;
  calls: CallRecord[];
  /** Why it was skipped, or the assertion that failed. */
  reason?: string;
}

export interface ObservationFile {
  target: ContractTargetName;
  finishedAt: string;
  observations: Observation[];
  /** Every 429 the run met, in any behaviour. */
  throttled: CallRecord[];
}

export interface ReportRow extends Behaviour {
  simulator?: Observation;
  sandbox?: Observation;
  /** Both targets answered and the answers differ (statuses of the calls included). */
  differs: boolean;
}

export interface ContractReport {
  generatedAt: string;
  targets: Record<ContractTargetName, { ran: boolean; passed: number; failed: number; skipped: number; throttled: number }>;
  rows: ReportRow[];
}

export const observationFileName = (target: ContractTargetName) => `observations-${target}.json`;

export function writeObservations(dir: string, file: ObservationFile): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, observationFileName(file.target)), `${JSON.stringify(file, null, 2)}\n`);
}

export function readObservations(dir: string, target: ContractTargetName): ObservationFile | undefined {
  const file = path.join(dir, observationFileName(target));
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ObservationFile) : undefined;
}

/** The comparable part of an answer: the facts plus the sequence of statuses and codes. */
function fingerprint(o: Observation): string {
  // Repeated reads (polling an order until it settles) count once: how many it took is the service's pace, not a difference.
  const calls = o.calls.map((c) => `${c.call} ${c.status}${c.code === undefined ? '' : `/${c.code}`}`).filter((c, i, all) => c !== all[i - 1]);
  const answer = Object.keys(o.answer)
    .sort()
    .map((k) => `${k}=${JSON.stringify(o.answer[k])}`);
  return JSON.stringify({ calls, answer });
}

export function buildReport(files: Partial<Record<ContractTargetName, ObservationFile>>, now = new Date()): ContractReport {
  const summary = (file?: ObservationFile) => ({
    ran: file !== undefined,
    passed: file?.observations.filter((o) => o.result === 'passed').length ?? 0,
    failed: file?.observations.filter((o) => o.result === 'failed').length ?? 0,
    skipped: file?.observations.filter((o) => o.result === 'skipped').length ?? 0,
    throttled: file?.throttled.length ?? 0,
  });
  const rows = BEHAVIOURS.map((b): ReportRow => {
    const simulator = files.simulator?.observations.find((o) => o.behaviour === b.id);
    const sandbox = files.sandbox?.observations.find((o) => o.behaviour === b.id);
    const bothRan = simulator?.result !== 'skipped' && sandbox?.result !== 'skipped' && simulator !== undefined && sandbox !== undefined;
    return { ...b, simulator, sandbox, differs: bothRan && fingerprint(simulator) !== fingerprint(sandbox) };
  });
  return { generatedAt: now.toISOString(), targets: { simulator: summary(files.simulator), sandbox: summary(files.sandbox) }, rows };
}

/** Consecutive repeats as one entry with a count: "GET /orders/{order} → 200 ×3". */
function collapse(entries: string[]): string[] {
  const out: { text: string; n: number }[] = [];
  for (const text of entries) {
    const last = out.at(-1);
    if (last?.text === text) last.n++;
    else out.push({ text, n: 1 });
  }
  return out.map((e) => (e.n > 1 ? `${e.text} ×${e.n}` : e.text));
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function describeObservation(o: Observation | undefined, targetRan: boolean): string {
  if (!o) return targetRan ? 'not observed' : 'not run';
  if (o.result === 'skipped') return `skipped: ${o.reason ?? 'no reason given'}`;
  const calls = collapse(o.calls.map((c) => `${c.call.replace('/v1/customers/{customer}', '')} → ${c.status}${c.code === undefined ? '' : `/${c.code}`}`)).join(', ');
  const facts = Object.entries(o.answer)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
  const result = o.result === 'failed' ? `FAILED: ${o.reason ?? ''} — ` : '';
  return `${result}${calls ? `[${calls}] ` : ''}${facts}`;
}

export function renderMarkdown(report: ContractReport): string {
  const t = report.targets;
  const line = (name: ContractTargetName) =>
    t[name].ran ? `${name}: ${t[name].passed} passed, ${t[name].failed} failed, ${t[name].skipped} skipped, ${t[name].throttled} throttled answers met` : `${name}: not run`;
  const out = [
    '# Partner Center contract report',
    '',
    `Generated ${report.generatedAt}. ${line('simulator')}. ${line('sandbox')}.`,
    '',
    'Each cell: the HTTP statuses (/Partner Center code) of the calls made, then the facts the test established.',
    '"Differs" marks a behaviour where the simulator and the service answered differently: a candidate simulator fix.',
    '',
    '| Behaviour | Docs say | Simulator | Sandbox (Partner Center) | Differs |',
    '|---|---|---|---|---|',
  ];
  for (const row of report.rows) {
    const docs = row.simulatorChoice ? `${row.documented} (simulator's choice: ${row.simulatorChoice})` : row.documented;
    out.push(
      `| ${cell(`${row.title} (\`${row.id}\`)`)} | ${cell(docs)} | ${cell(describeObservation(row.simulator, t.simulator.ran))} | ${cell(describeObservation(row.sandbox, t.sandbox.ran))} | ${row.differs ? '**yes**' : ''} |`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** Writes contract-report.json and contract-report.md; returns their paths. */
export function writeReport(dir: string, report: ContractReport): { json: string; markdown: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'contract-report.json');
  const markdown = path.join(dir, 'contract-report.md');
  fs.writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(markdown, renderMarkdown(report));
  return { json, markdown };
}
