/**
 * Lock tokens. The SDK reads a message's lock token from its 16-byte delivery tag, reordered to .NET GUID byte order
 * (serviceBusMessage.js reorderLockToken), but sends tokens back in $management requests in plain RFC 4122 byte order.
 * The broker therefore keys locks by the token string the SDK shows, and derives the wire tag from it.
 */
import { randomUUID } from 'node:crypto';

const GUID_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

export function uuidBytes(token: string): Buffer {
  return Buffer.from(token.replace(/-/g, ''), 'hex');
}

export function uuidString(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The delivery tag that makes the SDK report `token` as the message's lock token. */
export function deliveryTagFor(token: string): Buffer {
  const bytes = uuidBytes(token);
  return Buffer.from(GUID_ORDER.map((index) => bytes[index]));
}

export function newLockToken(): string {
  return randomUUID();
}
