/**
 * The few rhea internals a server needs and its typings do not expose. rhea answers an incoming attach with a local
 * attach it builds itself; Service Bus semantics need some of its fields set (settle modes, max_message_size), and
 * credit accounting needs to know which deliveries rhea has not yet put on the wire. Kept here, in one place.
 */
import type { Delivery, link, Sender } from 'rhea';

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
