/**
 * A client's receiver link, served by a broker-side rhea sender: hands it messages within its credit, answers drain,
 * and turns the dispositions the SDK sends into settlements (accepted = complete, modified = abandon/defer,
 * rejected with com.microsoft:dead-letter = dead-letter, released = give back).
 */
import type { Delivery, EventContext, Sender } from 'rhea';
import { lockLost } from './amqpErrors';
import { guarded, type BrokerLogger } from './guard';
import { deliveryTagFor } from './lockToken';
import { encodeStoredMessage } from './messageCodec';
import { acceptedState, rejectedState } from './outcomes';
import type { MessageStore } from './messageStore';
import { isTransmitted, linkCredit, outgoingSlots, settleAlone } from './rheaInternals';
import type { Consumer, Outcome } from './storedMessage';

interface RemoteOutcome {
  undeliverable_here?: boolean;
  message_annotations?: Record<string, unknown>;
  error?: { condition?: string; description?: string; info?: Record<string, unknown> };
}

function outcomeOf(event: string, state: RemoteOutcome | undefined): Outcome {
  switch (event) {
    case 'accepted':
      return { kind: 'complete' };
    case 'modified':
      return state?.undeliverable_here
        ? { kind: 'defer', propertiesToModify: state.message_annotations }
        : { kind: 'abandon', propertiesToModify: state?.message_annotations };
    case 'rejected': {
      const { DeadLetterReason, DeadLetterErrorDescription, ...propertiesToModify } = state?.error?.info ?? {};
      return {
        kind: 'deadLetter',
        reason: DeadLetterReason as string | undefined,
        description: DeadLetterErrorDescription as string | undefined,
        propertiesToModify,
      };
    }
    default:
      return { kind: 'release' };
  }
}

export interface ConsumerLink {
  close(): void;
}

export function serveConsumerLink(sender: Sender, store: MessageStore, mode: Consumer['mode'], log: BrokerLogger): ConsumerLink {
  const lockTokens = new WeakMap<Delivery, string>();
  /** Deliveries handed to rhea but not yet on the wire: they will still use credit. */
  let queued: Delivery[] = [];
  let open = true;

  const queuedCount = (): number => {
    queued = queued.filter((d) => !isTransmitted(sender, d));
    return queued.length;
  };

  const consumer: Consumer = {
    mode,
    capacity: () => (open && sender.is_open() ? Math.min(linkCredit(sender) - queuedCount(), outgoingSlots(sender) - 1) : 0),
    deliver: (message, lockToken) => {
      const payload = encodeStoredMessage(message, { lockedUntil: message.lock?.lockedUntil });
      const tag = lockToken ? deliveryTagFor(lockToken) : Buffer.from(`${message.sequenceNumber}`);
      const delivery = sender.send(payload, tag, 0);
      if (lockToken) lockTokens.set(delivery, lockToken);
      queued.push(delivery);
    },
  };

  const onDisposition = (event: string) =>
    guarded(log, `a disposition from a receiver on '${store.path}'`, (context: EventContext) => {
      const delivery = context.delivery;
      if (!delivery) return;
      const token = lockTokens.get(delivery);
      if (!token) return; // pre-settled (receive-and-delete): nothing to settle
      lockTokens.delete(delivery);
      const settled = store.settle(token, outcomeOf(event, delivery.remote_state as RemoteOutcome | undefined));
      settleAlone(delivery, settled ? acceptedState() : rejectedState(lockLost(token)));
    });
  for (const event of ['accepted', 'rejected', 'modified', 'released']) sender.on(event, onDisposition(event));
  const dispatch = guarded(log, `credit from a receiver on '${store.path}'`, () => store.dispatch());
  sender.on('sendable', dispatch);
  sender.on('sender_flow', dispatch);
  // Drain: send what is available within the credit, then give the rest of the credit back.
  sender.on(
    'sender_draining',
    guarded(log, `a drain from a receiver on '${store.path}'`, () => {
      store.dispatch();
      sender.set_drained(true);
    }),
  );

  store.addConsumer(consumer);
  log(`receiver attached to ${store.path} (${mode})`);

  return {
    close: () => {
      if (!open) return;
      open = false;
      store.removeConsumer(consumer);
      // Messages rhea never transmitted were never seen by the client: give them back without counting a delivery.
      for (const delivery of queued.filter((d) => !isTransmitted(sender, d))) {
        const token = lockTokens.get(delivery);
        if (token) store.settle(token, { kind: 'release' });
      }
      queued = [];
    },
  };
}
