// One ERP order id ↔ one orchestration instance id. The mapping is deterministic, and injective over the ids'
// comparison keys (orderIdKey: NFC of the case fold, so "so-1" and "SO-1" are one instance):
// - a key that already obeys the Durable instance-id rules and is short becomes `order-<id>` (readable in the portal);
// - any other key becomes `order~<sha256 hex>`. The `~` can never appear in the readable form, so the two forms
//   cannot collide, and SHA-256 keeps different hashed ids apart.
// Durable rules (reference durable-functions-protocol.md §6): no leading `@`, no `/ \ # ?` or control characters,
// at most 256 characters. We stay far below that: the id also prefixes Service Bus message ids (max 128).

import { createHash } from 'node:crypto';
import { orderIdKey } from './orderId';

const READABLE_ORDER_ID = /^[A-Za-z0-9._-]{1,80}$/;
const READABLE_PREFIX = 'order-';
const HASHED_PREFIX = 'order~';

export function orderInstanceId(orderId: string): string {
  const key = orderIdKey(orderId);
  if (READABLE_ORDER_ID.test(key)) return READABLE_PREFIX + key;
  return HASHED_PREFIX + createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The longest instance id this mapping produces (message ids append at most ~20 characters). */
export const MAX_INSTANCE_ID_LENGTH = HASHED_PREFIX.length + 64;

/**
 * The instance-id prefix under which the orders whose id starts with `orderIdPrefix` are found, for the backend's
 * instance query (instanceIdPrefix). Only readable ids can be found by prefix: a hashed id keeps nothing of its order id.
 * Returns the common prefix of every hashed id when the prefix itself could never be readable (the caller then checks
 * each order id), and null for an empty prefix.
 */
export function orderInstanceIdPrefix(orderIdPrefix: string): { instanceIdPrefix: string; exact: boolean } | null {
  if (orderIdPrefix === '') return null;
  const key = orderIdKey(orderIdPrefix);
  if (READABLE_ORDER_ID.test(key)) return { instanceIdPrefix: READABLE_PREFIX + key, exact: true };
  return { instanceIdPrefix: HASHED_PREFIX, exact: false };
}

/** Every order's instance id starts with this (readable and hashed forms alike). */
export const ORDER_INSTANCE_ID_PREFIX = 'order';
