/**
 * What the broker remembers per AMQP connection: which audiences a CBS put-token authorised (and until when), and the
 * reply links of request/response nodes ($cbs, $management), found by link name or by target address.
 */
import type { Sender } from 'rhea';

function normalisePath(path: string): string {
  return path.trim().replace(/^\/+|\/+$/g, '').toLowerCase();
}

/** The entity path an audience such as "sb://127.0.0.1:5672/orders/$management" is for ("" = the whole namespace). */
export function audiencePath(audience: string): string {
  try {
    return normalisePath(decodeURIComponent(new URL(audience).pathname));
  } catch {
    return normalisePath(audience);
  }
}

export class ConnectionState {
  private readonly authorised = new Map<string, number>();
  private readonly replyLinks = new Set<Sender>();

  authorise(audience: string, expiresAt: number): void {
    this.authorised.set(audiencePath(audience), expiresAt);
  }

  /** A token for a path covers that path and everything under it, as in Service Bus. */
  isAuthorised(address: string, now = Date.now()): boolean {
    const path = normalisePath(address);
    for (const [granted, expiresAt] of this.authorised) {
      if (expiresAt <= now) continue;
      if (granted === '' || path === granted || path.startsWith(`${granted}/`)) return true;
    }
    return false;
  }

  addReplyLink(sender: Sender): void {
    this.replyLinks.add(sender);
  }

  removeReplyLink(sender: Sender): void {
    this.replyLinks.delete(sender);
  }

  /** CBS replies are addressed to the receiver's link name, $management replies to its target address. */
  findReplyLink(replyTo: string): Sender | undefined {
    for (const sender of this.replyLinks) {
      if (sender.name === replyTo || sender.target?.address === replyTo) return sender;
    }
    return undefined;
  }
}
