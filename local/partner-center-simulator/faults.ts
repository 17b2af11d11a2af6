// Fault injection. Rules target a method and/or a path pattern, fire with a probability drawn from a seeded PRNG
// (reproducible for the same request sequence) and can be limited to a count ("drop the next 1 checkout response").
import { createSeededRandom, type Random } from './prng';

export const FAULT_KINDS = ['latency', 'status5xx', 'status429', 'reset', 'dropAfterCommit'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  /**
   * latency: delay the answer by `latencyMs`; status5xx: answer `status` (default 503) before doing anything;
   * status429: answer a throttling 429 with `retryAfterSeconds` (default 1); reset: destroy the connection before
   * doing anything; dropAfterCommit: run the request (the checkout happens) and then destroy the socket instead of
   * answering — the ambiguous failure that makes naive clients buy twice.
   */
  kind: FaultKind;
  /** HTTP method to match (any when absent). */
  method?: string;
  /** Regular expression (source text) tested against the path, e.g. "/checkout$" (any path when absent). */
  path?: string;
  /** Probability 0..1 that a matching request gets the fault (1 when absent). */
  rate?: number;
  /** How many more times the rule may fire (unlimited when absent); decremented as it fires. */
  count?: number;
  latencyMs?: number;
  status?: number;
  retryAfterSeconds?: number;
}

/** What the pipeline should do to one request. */
export interface FaultDecision {
  latencyMs: number;
  reset: boolean;
  status5xx?: number;
  status429?: number;
  dropAfterCommit: boolean;
  applied: FaultKind[];
}

export interface FaultInjector {
  decide(method: string, path: string): FaultDecision;
}

export function createFaultInjector(rules: FaultRule[], seed: number): FaultInjector {
  const random: Random = createSeededRandom(seed);
  const compiled = rules.map((rule) => ({ rule, pattern: rule.path ? new RegExp(rule.path, 'i') : undefined }));
  return {
    decide(method, path) {
      const decision: FaultDecision = { latencyMs: 0, reset: false, dropAfterCommit: false, applied: [] };
      for (const { rule, pattern } of compiled) {
        if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
        if (pattern && !pattern.test(path)) continue;
        if (rule.count !== undefined && rule.count <= 0) continue;
        // Draw only for probabilistic rules so that adding a certain rule does not shift the sequence of others.
        const rate = rule.rate ?? 1;
        if (rate < 1 && random() >= rate) continue;
        if (rule.count !== undefined) rule.count -= 1;
        decision.applied.push(rule.kind);
        if (rule.kind === 'latency') decision.latencyMs += rule.latencyMs ?? 0;
        if (rule.kind === 'reset') decision.reset = true;
        if (rule.kind === 'status5xx') decision.status5xx ??= rule.status ?? 503;
        if (rule.kind === 'status429') decision.status429 ??= rule.retryAfterSeconds ?? 1;
        if (rule.kind === 'dropAfterCommit') decision.dropAfterCommit = true;
      }
      return decision;
    },
  };
}

/** Checks rules from options or the control API; returns problems naming the rule index and field. */
export function faultRuleProblems(rules: unknown): string[] {
  if (!Array.isArray(rules)) return ['faults: expected an array of fault rules'];
  const problems: string[] = [];
  rules.forEach((rule, index) => {
    const at = `faults[${index}]`;
    if (typeof rule !== 'object' || rule === null) return problems.push(`${at}: expected an object`);
    const r = rule as Record<string, unknown>;
    if (!FAULT_KINDS.includes(r.kind as FaultKind)) problems.push(`${at}.kind: expected one of ${FAULT_KINDS.join(', ')}`);
    if (r.method !== undefined && typeof r.method !== 'string') problems.push(`${at}.method: expected a string such as "POST"`);
    if (r.path !== undefined) {
      try {
        new RegExp(String(r.path));
      } catch {
        problems.push(`${at}.path: expected a regular expression, got ${JSON.stringify(r.path)}`);
      }
    }
    const numberIn = (field: string, min: number, max: number) => {
      const v = r[field];
      if (v !== undefined && (typeof v !== 'number' || !(v >= min && v <= max))) problems.push(`${at}.${field}: expected a number from ${min} to ${max}`);
    };
    numberIn('rate', 0, 1);
    numberIn('count', 0, Number.MAX_SAFE_INTEGER);
    numberIn('latencyMs', 0, 600_000);
    numberIn('status', 500, 599);
    numberIn('retryAfterSeconds', 0, 86_400);
    return undefined;
  });
  return problems;
}
