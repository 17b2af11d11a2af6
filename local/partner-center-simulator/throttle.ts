// Partner Center's throttling as documented (README "Throttling" cites each point):
// - a limit of `requestsPerMinute` per partner tenant (500 for the order resource), or per partner tenant and customer;
// - "all requests accrue against your usage limits": a refused request counts too, unless `countsRefused` is off;
// - Retry-After is the wait until this request would really be admitted if nothing else were sent meanwhile.
// Each limit is a sliding window over the simulator clock: at most `requestsPerMinute` counted requests in any 60 s, and
// at most `burst` in any burst/requestsPerMinute minutes (burst = requestsPerMinute is the plain per-minute limit).
// A window, not a refilling bucket, because a bucket of 500 that refills at 500/min admits up to 1,000 in one minute,
// which would be kinder than "500 requests per minute".

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type ThrottleScope = 'partnerTenant' | 'partnerTenantAndCustomer';

export interface ThrottleSettings {
  /** 0 switches throttling off. */
  requestsPerMinute: number;
  /** Counted requests allowed at once; null = requestsPerMinute. */
  burst: number | null;
  scope: ThrottleScope;
  /** Refused requests count against the limit (the documented behaviour). */
  countsRefused: boolean;
}

export interface ThrottleRequest {
  tenantId: string;
  /** The customer of the path, when there is one (for scope partnerTenantAndCustomer). */
  customerId?: string;
  /** The operation, for the counts (createCart, checkout, getOrder, …). */
  operation: string;
}

export interface AdmittedRefused {
  admitted: number;
  refused: number;
}

export interface TenantThrottleReport extends AdmittedRefused {
  operations: Record<string, AdmittedRefused>;
  /** Per minute of the simulator clock (UTC minutes), only minutes with calls. */
  minutes: ({ minute: string } & AdmittedRefused)[];
  /** The most calls admitted in any 60 s (sliding), the figure the per-minute limit bounds. */
  peakAdmittedIn60s: number;
}

export interface ThrottleReport {
  settings: ThrottleSettings;
  tenants: Record<string, TenantThrottleReport>;
}

export interface Throttle {
  take(request: ThrottleRequest): ThrottleDecision;
  report(): ThrottleReport;
}

const MINUTE_MS = 60_000;

/** Times of the counted requests of one key, oldest first, kept only as long as the longest window. */
class Window {
  private times: number[] = [];
  private head = 0;

  prune(now: number, spanMs: number): void {
    while (this.head < this.times.length && this.times[this.head] <= now - spanMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  /** Counted requests in (now - spanMs, now]. */
  countWithin(now: number, spanMs: number): number {
    let lo = this.head;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid] <= now - spanMs) lo = mid + 1;
      else hi = mid;
    }
    return this.times.length - lo;
  }

  /** The earliest moment at which fewer than `limit` counted requests lie within the span (nothing else being sent). */
  admissibleAt(limit: number, spanMs: number): number {
    const n = this.times.length - this.head;
    if (n < limit) return -Infinity;
    return this.times[this.head + n - limit] + spanMs;
  }

  add(time: number): void {
    this.times.push(time);
  }
}

export function createThrottle(settings: ThrottleSettings, now: () => number): Throttle {
  const windows = new Map<string, Window>();
  const counts = new Map<string, { admitted: number[]; refusedAt: number[]; operations: Map<string, AdmittedRefused> }>();
  const rate = settings.requestsPerMinute;
  const burst = Math.min(settings.burst ?? rate, rate);
  // burst requests per burst/rate minutes: the same rate over a shorter window.
  const burstSpanMs = rate > 0 ? (burst / rate) * MINUTE_MS : 0;
  const limits = [
    { limit: rate, spanMs: MINUTE_MS },
    { limit: burst, spanMs: burstSpanMs },
  ];

  function record(tenant: string, operation: string, admitted: boolean, time: number): void {
    const entry = counts.get(tenant) ?? { admitted: [], refusedAt: [], operations: new Map() };
    counts.set(tenant, entry);
    (admitted ? entry.admitted : entry.refusedAt).push(time);
    const op = entry.operations.get(operation) ?? { admitted: 0, refused: 0 };
    entry.operations.set(operation, op);
    if (admitted) op.admitted++;
    else op.refused++;
  }

  return {
    take({ tenantId, customerId, operation }) {
      const tenant = tenantId.toLowerCase();
      const t = now();
      if (rate <= 0) {
        record(tenant, operation, true, t);
        return { allowed: true };
      }
      const key = settings.scope === 'partnerTenantAndCustomer' && customerId ? `${tenant}/${customerId.toLowerCase()}` : tenant;
      const window = windows.get(key) ?? new Window();
      windows.set(key, window);
      window.prune(t, MINUTE_MS);
      const allowed = limits.every(({ limit, spanMs }) => window.countWithin(t, spanMs) < limit);
      record(tenant, operation, allowed, t);
      if (allowed) {
        window.add(t);
        return { allowed: true };
      }
      if (settings.countsRefused) window.add(t);
      const at = Math.max(...limits.map(({ limit, spanMs }) => window.admissibleAt(limit, spanMs)));
      // Whole seconds, rounded up: a client that waits exactly Retry-After is admitted.
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((at - t) / 1000)) };
    },
    report() {
      const tenants: Record<string, TenantThrottleReport> = {};
      for (const [tenant, entry] of counts) {
        const minutes = new Map<number, AdmittedRefused>();
        const minuteOf = (time: number) => {
          const m = Math.floor(time / MINUTE_MS);
          const row = minutes.get(m) ?? { admitted: 0, refused: 0 };
          minutes.set(m, row);
          return row;
        };
        for (const time of entry.admitted) minuteOf(time).admitted++;
        for (const time of entry.refusedAt) minuteOf(time).refused++;
        let peak = 0;
        const sorted = [...entry.admitted].sort((a, b) => a - b);
        for (let i = 0, j = 0; i < sorted.length; i++) {
          while (sorted[j] <= sorted[i] - MINUTE_MS) j++;
          peak = Math.max(peak, i - j + 1);
        }
        tenants[tenant] = {
          admitted: entry.admitted.length,
          refused: entry.refusedAt.length,
          operations: Object.fromEntries([...entry.operations].sort(([a], [b]) => a.localeCompare(b)).map(([name, c]) => [name, { ...c }])),
          minutes: [...minutes]
            .sort(([a], [b]) => a - b)
            .map(([m, c]) => ({ minute: new Date(m * MINUTE_MS).toISOString(), ...c })),
          peakAdmittedIn60s: peak,
        };
      }
      return { settings: { ...settings }, tenants };
    },
  };
}
