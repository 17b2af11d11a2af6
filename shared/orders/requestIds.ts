// Deterministic ids for Partner Center's MS-RequestId and MS-CorrelationId headers. A logical write (create cart
// attempt n, check out cart c) must carry the same MS-RequestId on every retry, including retries in a new activity
// execution after a host crash, so the id is derived from the instance id and the step, never generated at random.

import { createHash } from 'node:crypto';

/** A name-based UUID (RFC 9562 version 5 layout, SHA-1 over a fixed namespace and the parts). */
export function deterministicUuid(...parts: string[]): string {
  const hash = createHash('sha1').update(NAMESPACE).update(parts.map((p) => `${p.length}:${p}`).join('|'), 'utf8').digest();
  const bytes = Buffer.from(hash.subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Fixed per application, so ids from this workflow never coincide with other name-based UUIDs.
const NAMESPACE = Buffer.from('6b1f2c1e-4f9e-4a55-9d43-partner-center-order-workflow', 'utf8');

export const requestIds = {
  /** Stable for one order: every Partner Center call of the order can be traced together. */
  correlation: (instanceId: string) => deterministicUuid(instanceId, 'correlation'),
  /** One per cart attempt: a retried create reuses it, a recreated cart (attempt n+1) gets a new one. */
  createCart: (instanceId: string, attempt: number) => deterministicUuid(instanceId, 'createCart', String(attempt)),
  /**
   * One per cart and answer: a retry after a timeout or a lost answer is the same request; after an answer (success
   * or business failure) the next call is a new one, `sequence` + 1, as headers.md asks ("Upon receiving a response
   * (success or business failure), the value should be reset for the next call"). Sequence 0 is the id orders
   * started before sequences existed used.
   */
  checkout: (instanceId: string, cartId: string, sequence = 0) =>
    sequence === 0 ? deterministicUuid(instanceId, 'checkout', cartId) : deterministicUuid(instanceId, 'checkout', cartId, String(sequence)),
};
