// Validation of catalog changes from options, setCatalogItem() and PUT /_simulator/catalog/{id}.
import { BILLING_CYCLES } from '../../shared/partner-center/models';
import { ORDER_OUTCOMES, type CatalogItem, type ItemBehaviour } from './catalog';
import { DURATION_HELP, parseDuration } from './duration';
import { SimulatorConfigError } from './knobs';
import { isObject } from './requestFields';

export type CatalogItemDefinition = Partial<Omit<CatalogItem, 'id' | 'behaviour'>>;

/** A new item sells like a new-commerce licence unless told otherwise. */
const NEW_ITEM: Omit<CatalogItem, 'id'> = {
  name: '',
  orderChannel: 'commerce',
  billingCycles: ['monthly', 'annual', 'triennial'],
  termDurations: ['P1M', 'P1Y', 'P3Y'],
  termRequired: true,
  unitPrice: 10,
  behaviour: {},
};

function behaviourProblems(b: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  const known = ['outcome', 'pendingPolls', 'settleDelayMs', 'checkoutFailure', 'checkoutRefusal', 'createRefusal'];
  Object.keys(b).filter((k) => !known.includes(k)).forEach((k) => problems.push(`${at}.${k}: unknown field (known: ${known.join(', ')})`));
  if (b.outcome !== undefined && !ORDER_OUTCOMES.includes(b.outcome as never)) problems.push(`${at}.outcome: expected one of ${ORDER_OUTCOMES.join(', ')}`);
  if (b.pendingPolls !== undefined && b.pendingPolls !== null && !(Number.isInteger(b.pendingPolls) && (b.pendingPolls as number) >= 0))
    problems.push(`${at}.pendingPolls: expected a whole number ≥ 0 or null`);
  if (b.settleDelayMs !== undefined && b.settleDelayMs !== null) {
    const ms = typeof b.settleDelayMs === 'string' || typeof b.settleDelayMs === 'number' ? parseDuration(b.settleDelayMs) : undefined;
    if (ms === undefined) problems.push(`${at}.settleDelayMs: expected ${DURATION_HELP} or null`);
    else b.settleDelayMs = ms;
  }
  const f = b.checkoutFailure;
  if (f !== undefined && f !== null) {
    if (!isObject(f)) problems.push(`${at}.checkoutFailure: expected an object {code?, description?, times?} or null`);
    else {
      if (f.code !== undefined && !Number.isInteger(f.code)) problems.push(`${at}.checkoutFailure.code: expected an integer error code`);
      if (f.description !== undefined && typeof f.description !== 'string') problems.push(`${at}.checkoutFailure.description: expected a string`);
      if (f.times !== undefined && !(Number.isInteger(f.times) && (f.times as number) >= 0)) problems.push(`${at}.checkoutFailure.times: expected a whole number ≥ 0`);
    }
  }
  for (const name of ['checkoutRefusal', 'createRefusal'] as const) problems.push(...refusalProblems(b[name], `${at}.${name}`));
  return problems;
}

function refusalProblems(r: unknown, at: string): string[] {
  if (r === undefined || r === null) return [];
  if (!isObject(r)) return [`${at}: expected an object {status, code, description?, times?} or null, such as {"status":403,"code":13605}`];
  const problems: string[] = [];
  Object.keys(r).filter((k) => !['status', 'code', 'description', 'times'].includes(k)).forEach((k) => problems.push(`${at}.${k}: unknown field (known: status, code, description, times)`));
  // 429 has its own body shape and Retry-After (use the throttling knobs); 2xx/5xx are not refusals (use faults).
  if (!(Number.isInteger(r.status) && (r.status as number) >= 400 && (r.status as number) <= 499 && r.status !== 429))
    problems.push(`${at}.status: expected an HTTP status 400-499 other than 429, such as 403`);
  if (!Number.isInteger(r.code)) problems.push(`${at}.code: expected an integer Partner Center error code, such as 13605`);
  if (r.description !== undefined && typeof r.description !== 'string') problems.push(`${at}.description: expected a string`);
  if (r.times !== undefined && !(Number.isInteger(r.times) && (r.times as number) >= 0)) problems.push(`${at}.times: expected a whole number ≥ 0`);
  return problems;
}

function definitionProblems(d: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  if (d.name !== undefined && typeof d.name !== 'string') problems.push(`${at}.name: expected a string`);
  if (d.orderChannel !== undefined && !['OMS', 'azure-plan', 'commerce'].includes(d.orderChannel as string)) problems.push(`${at}.orderChannel: expected "OMS", "azure-plan" or "commerce"`);
  if (d.billingCycles !== undefined && !(Array.isArray(d.billingCycles) && d.billingCycles.every((c) => (BILLING_CYCLES as readonly unknown[]).includes(c))))
    problems.push(`${at}.billingCycles: expected an array of ${BILLING_CYCLES.join(', ')}`);
  if (d.termDurations !== undefined && !(Array.isArray(d.termDurations) && d.termDurations.every((t) => typeof t === 'string' && /^P\d+[MY]$/.test(t))))
    problems.push(`${at}.termDurations: expected an array of ISO 8601 terms such as "P1M", "P1Y", "P3Y"`);
  if (d.termRequired !== undefined && typeof d.termRequired !== 'boolean') problems.push(`${at}.termRequired: expected true or false`);
  if (d.unitPrice !== undefined && !(typeof d.unitPrice === 'number' && d.unitPrice >= 0)) problems.push(`${at}.unitPrice: expected a number ≥ 0`);
  for (const name of ['enforceAttestation', 'withdrawn'] as const) if (d[name] !== undefined && typeof d[name] !== 'boolean') problems.push(`${at}.${name}: expected true or false`);
  if (d.maxSeatsPerSubscription !== undefined && d.maxSeatsPerSubscription !== null && !(Number.isInteger(d.maxSeatsPerSubscription) && (d.maxSeatsPerSubscription as number) >= 1))
    problems.push(`${at}.maxSeatsPerSubscription: expected a whole number ≥ 1 or null`);
  for (const name of ['minQuantity', 'maxQuantity'] as const)
    if (d[name] !== undefined && d[name] !== null && !(Number.isInteger(d[name]) && (d[name] as number) >= 1)) problems.push(`${at}.${name}: expected a whole number ≥ 1 or null`);
  if (Number.isInteger(d.minQuantity) && Number.isInteger(d.maxQuantity) && (d.minQuantity as number) > (d.maxQuantity as number))
    problems.push(`${at}.minQuantity: ${String(d.minQuantity)} is above maxQuantity ${String(d.maxQuantity)}`);
  if (d.provisioningVariables !== undefined && !(Array.isArray(d.provisioningVariables) && d.provisioningVariables.every((v) => typeof v === 'string' && v.trim() !== '')))
    problems.push(`${at}.provisioningVariables: expected an array of provisioning context keys such as ["subscriptionId", "scope"]`);
  if (d.promotionIds !== undefined && !(Array.isArray(d.promotionIds) && d.promotionIds.every((p) => typeof p === 'string')))
    problems.push(`${at}.promotionIds: expected an array of promotion ids such as "39NFJQT1PHSN:0008:39NFJQT1Q5J0"`);
  return problems;
}

/** Applies a behaviour (merged field by field) and optional definition to an existing or new item. */
export function updatedCatalogItem(existing: CatalogItem | undefined, id: string, behaviour: unknown, definition: unknown = {}): CatalogItem {
  const at = `catalog[${JSON.stringify(id)}]`;
  const problems: string[] = [];
  if (typeof id !== 'string' || id.trim() === '') problems.push('catalog item id: expected a catalogItemId such as "CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5"');
  if (!isObject(behaviour)) problems.push(`${at}.behaviour: expected an object`);
  if (!isObject(definition)) problems.push(`${at}: expected an object of definition fields`);
  if (problems.length) throw new SimulatorConfigError(problems);
  const b = { ...(behaviour as Record<string, unknown>) };
  const d = definition as Record<string, unknown>;
  problems.push(...behaviourProblems(b, `${at}.behaviour`), ...definitionProblems(d, at));
  if (problems.length) throw new SimulatorConfigError(problems);
  const base = existing ?? { ...NEW_ITEM, id, name: id };
  const mergedBehaviour: ItemBehaviour = { ...base.behaviour };
  for (const [k, v] of Object.entries(b)) if (v !== undefined) (mergedBehaviour as Record<string, unknown>)[k] = structuredClone(v);
  return { ...base, ...(d as CatalogItemDefinition), id: base.id, behaviour: mergedBehaviour };
}
