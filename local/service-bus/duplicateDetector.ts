/** Remembers message ids for an entity's DuplicateDetectionHistoryTimeWindow; a repeat inside the window is a duplicate. */
export class DuplicateDetector {
  /** Insertion order is time order, so expired ids are always at the front. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** True when `messageId` was seen within the window; otherwise records it. Messages without an id are never duplicates. */
  isDuplicate(messageId: unknown, now = Date.now()): boolean {
    this.forgetExpired(now);
    if (messageId === undefined || messageId === null) return false;
    const key = Buffer.isBuffer(messageId) ? `b:${messageId.toString('hex')}` : `${typeof messageId}:${String(messageId)}`;
    if (this.seen.has(key)) return true;
    this.seen.set(key, now + this.windowMs);
    return false;
  }

  private forgetExpired(now: number): void {
    for (const [key, expiresAt] of this.seen) {
      if (expiresAt > now) return;
      this.seen.delete(key);
    }
  }
}
