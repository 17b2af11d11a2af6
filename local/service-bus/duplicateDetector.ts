/**
 * Remembers message ids for an entity's DuplicateDetectionHistoryTimeWindow; a repeat inside the window is a duplicate.
 * Time comes from the broker's clock, which in the local stack follows the runtime's (possibly virtual) clock, so a
 * window of an hour passes when the app's hour does.
 */
export class DuplicateDetector {
  /** Insertion order is time order, so expired ids are always at the front. */
  private readonly seen = new Map<string, number>();
  /** The latest time seen: a clock source that steps back (wall time before a virtual clock's file exists) cannot reorder ids. */
  private latest = -Infinity;

  constructor(
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** True when `messageId` was seen within the window; otherwise records it. Messages without an id are never duplicates. */
  isDuplicate(messageId: unknown, now = this.clock()): boolean {
    this.latest = Math.max(this.latest, now);
    this.forgetExpired(this.latest);
    if (messageId === undefined || messageId === null) return false;
    const key = Buffer.isBuffer(messageId) ? `b:${messageId.toString('hex')}` : `${typeof messageId}:${String(messageId)}`;
    if (this.seen.has(key)) return true;
    this.seen.set(key, this.latest + this.windowMs);
    return false;
  }

  private forgetExpired(now: number): void {
    for (const [key, expiresAt] of this.seen) {
      if (expiresAt > now) return;
      this.seen.delete(key);
    }
  }
}
