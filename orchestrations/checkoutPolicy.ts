// Expiry is read, not assumed: a cart is checked out only while there is at least `margin` left before its
// expirationTimestamp (carts live 7 days now, 15 minutes in older API versions; reference partner-center-api.md §1.2).

import type { WorkflowPolicy } from './policy';

export function canCheckOut(now: Date, expiresAt: string, policy: Pick<WorkflowPolicy, 'cartExpiryMarginSeconds'>): boolean {
  const expiry = Date.parse(expiresAt);
  // An unreadable expiry is treated as "no known limit" rather than recreating carts forever.
  if (Number.isNaN(expiry)) return true;
  return now.getTime() < expiry - policy.cartExpiryMarginSeconds * 1000;
}
