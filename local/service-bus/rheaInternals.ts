/**
 * The few rhea internals a server needs and its typings do not expose. rhea answers an incoming attach with a local
 * attach it builds itself; Service Bus semantics need some of its fields set (settle modes, max_message_size), and
 * credit accounting needs to know which deliveries rhea has not yet put on the wire, and settling needs one
 * disposition frame per delivery (see settleAlone). Kept here, in one place.
 */
import type { Delivery, link, Sender } from 'rhea';

// rhea builds its frames in this module; its typings do not declare it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const frames = require('rhea/lib/frames') as { disposition(fields: DispositionFields): unknown };

interface DispositionFields {
  role: boolean;
  first: number;
  last: number;
  settled: boolean;
  state: unknown;
}

interface LocalAttach {
  snd_settle_mode?: number;
  rcv_settle_mode?: number;
  max_message_size?: number;
  source?: unknown;
  target?: unknown;
  properties?: Record<string, unknown>;
}

interface LinkInternals {
  local: { attach: LocalAttach };
  credit: number;
}

interface SessionInternals {
  outgoing: { next_pending_delivery: number; available(): number };
}

interface DeliveryInternals {
  id: number;
  settled: boolean;
  remote_settled: boolean;
  state: unknown;
  link: {
    is_receiver(): boolean;
    session: { output(frame: unknown): void };
    connection: { _register(): void };
  };
}

export function localAttach(l: link): LocalAttach {
  return (l as unknown as LinkInternals).local.attach;
}

export function linkCredit(l: link): number {
  return (l as unknown as LinkInternals).credit;
}

/** True once rhea has written the delivery's transfer frame (it then counts against the link's credit). */
export function isTransmitted(sender: Sender, delivery: Delivery): boolean {
  const outgoing = (sender.session as unknown as SessionInternals).outgoing;
  return (delivery as unknown as DeliveryInternals).id < outgoing.next_pending_delivery;
}

/** Free slots in the session's outgoing delivery buffer (rhea throws if it overflows). */
export function outgoingSlots(sender: Sender): number {
  return (sender.session as unknown as SessionInternals).outgoing.available();
}

/**
 * Settles a delivery with a disposition frame of its own. Delivery.update() queues the disposition, and rhea's
 * session writes queued dispositions of consecutive deliveries as one frame covering the range with the first
 * delivery's state; it compares states only from the third delivery on (write_dispositions in rhea/lib/session.js),
 * so a refused transfer right after an accepted one would be reported accepted. One frame per delivery, written
 * at once, never merges: the same fields rhea would write, without the queue.
 */
export function settleAlone(delivery: Delivery, state: unknown): void {
  const d = delivery as unknown as DeliveryInternals;
  d.settled = true;
  d.state = state;
  // A delivery the peer already settled needs no answer (rhea skips it the same way).
  if (!d.remote_settled) d.link.session.output(frames.disposition({ role: d.link.is_receiver(), first: d.id, last: d.id, settled: true, state }));
  // A message we sent is settled here only in answer to the receiver's outcome. A peek-lock receiver attaches with
  // rcv-settle-mode second: it settles when it sees our settlement and sends nothing more (AMQP 1.0, 2.6.12), so
  // rhea would wait for a remote settlement that never comes, and its session buffer (2,048 deliveries) would fill
  // and stop the link for good. The delivery is finished on both sides now.
  if (!d.link.is_receiver()) d.remote_settled = true;
  // rhea drops settled deliveries from the session on its next pass.
  d.link.connection._register();
}
