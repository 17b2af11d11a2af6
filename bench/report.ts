// The targets of issue 10 and the console table. The targets are judged here, in the benchmark, never in timed tests.

import type { BurstResult } from './burst';
import type { OverheadResult } from './overhead';

export interface TargetVerdict {
  target: string;
  value: string;
  met: boolean;
}

export function judge(burst: BurstResult | undefined, overhead: OverheadResult | undefined): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  if (burst) {
    verdicts.push({ target: `burst: all ${burst.orders} orders complete`, value: `${burst.completed}/${burst.orders}`, met: burst.completed === burst.orders });
    verdicts.push({
      target: 'burst: drain ≤ 1.15 × lower bound',
      value: burst.drainToLowerBound === null ? `not drained in ${burst.capMinutes.toFixed(1)} min` : `${burst.drainToLowerBound.toFixed(2)} ×`,
      met: burst.drainToLowerBound !== null && burst.drainToLowerBound <= 1.15,
    });
    verdicts.push({ target: 'burst: 429s ≤ 1% of calls', value: `${(burst.throttledShare * 100).toFixed(1)}%`, met: burst.throttledShare <= 0.01 });
  }
  if (overhead) {
    verdicts.push({ target: 'overhead: orchestrated ≥ 0.5 × baseline orders/s', value: `${overhead.throughputRatio.toFixed(2)} ×`, met: overhead.throughputRatio >= 0.5 });
  }
  return verdicts;
}

const row = (cells: (string | number)[], widths: number[]) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
const n = (value: number | null, digits = 1) => (value === null || Number.isNaN(value) ? '—' : value.toFixed(digits));

export function formatReport(report: {
  machine: { cpu: string; cores: number; node: string; commit: string };
  settings: Record<string, string>;
  burst?: Omit<BurstResult, 'outcomes'> & { outcomes?: unknown };
  overhead?: OverheadResult;
  targets: TargetVerdict[];
}): string {
  const lines: string[] = [`Machine: ${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}, commit ${report.machine.commit}`];
  if (Object.keys(report.settings).length) lines.push(`App settings: ${Object.entries(report.settings).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  const b = report.burst;
  if (b) {
    lines.push('', `Burst: ${b.orders} orders at once, ${b.requestsPerMinute} requests/min per partner tenant, refused requests counting, virtual clock`);
    const w = [52, 24];
    const other = Object.entries(b.otherOutcomes).map(([k, v]) => `${k} ${v}`).join(', ');
    lines.push(row(['completed / failed / unfinished', `${b.completed} / ${b.failed} / ${b.unfinished}${other ? ` (${other})` : ''}`], w));
    lines.push(row(['failed on throttling', b.failedOnThrottling], w));
    lines.push(row(['drain, virtual minutes (first send → last outcome)', b.drainMinutes === null ? `not drained (stopped at ${n(b.capMinutes)})` : n(b.drainMinutes, 2)], w));
    lines.push(row(['lower bound, minutes (necessary calls ÷ rate)', `${n(b.lowerBoundMinutes, 2)} (${b.necessaryCalls} calls)`], w));
    lines.push(row(['drain ÷ lower bound', n(b.drainToLowerBound, 2)], w));
    lines.push(row(['429 answers / all calls', `${b.throttledAnswers} / ${b.calls} (${n(b.throttledShare * 100)}%)`], w));
    lines.push(row(['admitted calls; peak admitted in any 60 s', `${b.admittedCalls}; ${b.peakAdmittedIn60s}`], w));
    for (const [operation, c] of Object.entries(b.callsPerOrder)) lines.push(row([`  ${operation} per order (admitted + refused)`, `${n(c.admitted, 2)} + ${n(c.refused, 2)}`], w));
    lines.push(row(['budget reservations per order', b.budgetReservationsPerOrder === null ? 'no budget' : n(b.budgetReservationsPerOrder, 2)], w));
    lines.push(row(['token requests / Key Vault reads', `${b.credentials.entraIdTokenRequests} / ${b.credentials.keyVaultReads}`], w));
    lines.push(row(['real seconds', n(b.realSeconds)], w));
  }
  const o = report.overhead;
  if (o) {
    const budget = o.budgetPerMinute === '0' ? 'no Partner Center budget (the simulator sets no limit)' : `Partner Center budget ${o.budgetPerMinute}/min`;
    lines.push('', `Overhead: ${o.orchestrated.orders} orders, no throttling, no latency, ${budget}`);
    const w = [36, 16, 16];
    lines.push(row(['', 'orchestrated', 'baseline'], w));
    lines.push(row(['orders/s', n(o.orchestrated.ordersPerSecond), n(o.baseline.ordersPerSecond)], w));
    lines.push(row(['latency p50 / p95, ms', `${n(o.orchestrated.latencyP50Ms, 0)} / ${n(o.orchestrated.latencyP95Ms, 0)}`, `${n(o.baseline.latencyP50Ms, 0)} / ${n(o.baseline.latencyP95Ms, 0)}`], w));
    lines.push(row(['CPU ms per order', n(o.orchestrated.cpuMsPerOrder), n(o.baseline.cpuMsPerOrder)], w));
    lines.push(row(['  of which the runtime process', n(o.orchestrated.runtimeCpuMsPerOrder), '—'], w));
    lines.push(row(['completed', `${o.orchestrated.completed}/${o.orchestrated.orders}`, `${o.baseline.completed}/${o.baseline.orders}`], w));
    lines.push(row(['token requests / KV reads', `${o.orchestrated.credentials.entraIdTokenRequests} / ${o.orchestrated.credentials.keyVaultReads}`, `${o.baseline.credentials.entraIdTokenRequests} / ${o.baseline.credentials.keyVaultReads}`], w));
    lines.push(row(['episodes / entity ops per order', `${n(o.episodesPerOrder)} / ${n(o.entityOperationsPerOrder)}`, '—'], w));
    lines.push(row([`orchestrated ÷ baseline (median of ${o.rounds.length})`, n(o.throughputRatio, 2), o.rounds.map((r) => n(r.ratio, 2)).join(' / ')], w));
  }
  lines.push('', 'Targets:');
  for (const t of report.targets) lines.push(`  ${t.met ? 'MET    ' : 'NOT MET'}  ${t.target}: ${t.value}`);
  return lines.join('\n');
}
