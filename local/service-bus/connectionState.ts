/**
 * What the broker remembers per AMQP connection: which audiences a CBS put-token authorised (and until when), and the
 * reply links of request/response nodes ($cbs, $management), found by link name or by target address.
 */
import type { Sender } from 'rhea';
import { covers, type AccessRight, type Grant } from './authorization';

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
  private readonly authorised = new Map<string, { expiresAt: number; grants: Grant[] }>();
  private readonly replyLinks = new Set<Sender>();
  /** "sb://host:port" as the client addresses the namespace in its audiences; names resources in refusals. */
  private namespaceUri = 'sb://localhost';

  /** The last token put for an audience replaces the one before, as a renewed token does in Service Bus. */
  authorise(audience: string, expiresAt: number, grants: Grant[]): void {
    this.authorised.set(audiencePath(audience), { expiresAt, grants });
    try {
      const url = new URL(audience);
      this.namespaceUri = `${url.protocol}//${url.host}`;
    } catch {
      // an audience that is only a path names no namespace; keep the last one
    }
  }

  /** A token for a path covers that path and everything under it, as in Service Bus. */
  isAuthorised(address: string, now = Date.now()): boolean {
    const path = normalisePath(address);
    for (const [granted, { expiresAt }] of this.authorised) {
      if (expiresAt <= now) continue;
      if (covers(granted, path)) return true;
    }
    return false;
  }

  /** The rights the unexpired tokens covering `address` give there. */
  rightsAt(address: string, now = Date.now()): Set<AccessRight> {
    const path = normalisePath(address);
    const rights = new Set<AccessRight>();
    for (const [granted, { expiresAt, grants }] of this.authorised) {
      if (expiresAt <= now || !covers(granted, path)) continue;
      for (const grant of grants) if (covers(grant.scope, path)) grant.rights.forEach((right) => rights.add(right));
    }
    return rights;
  }

  /** How Service Bus names the entity in an authorization error: "sb://<namespace>/<path>". */
  resource(address: string): string {
    return `${this.namespaceUri}/${address.replace(/^\/+/, '')}`;
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
