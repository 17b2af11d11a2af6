// Token bucket per partner tenant: `requestsPerMinute` tokens at most, refilled continuously on the simulator clock
// (advancing the clock refills it). The docs give 500 requests per minute per tenant for orders (order-resources.md).

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface Throttle {
  take(tenantId: string): ThrottleDecision;
}

export function createThrottle(requestsPerMinute: number, now: () => number): Throttle {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = requestsPerMinute / 60_000;
  return {
    take(tenantId) {
      if (requestsPerMinute <= 0) return { allowed: true };
      const t = now();
      const key = tenantId.toLowerCase();
      const bucket = buckets.get(key) ?? { tokens: requestsPerMinute, at: t };
      bucket.tokens = Math.min(requestsPerMinute, bucket.tokens + Math.max(0, t - bucket.at) * perMs);
      bucket.at = t;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
    },
  };
}
