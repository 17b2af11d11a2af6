/**
 * A client's sender link, served by a broker-side rhea receiver: decodes each transfer (single message or batch),
 * refuses what the broker does not support, and stores the messages. The disposition is sent only once the
 * messages are stored, so a resolved SDK send means the broker holds them (or dropped them as duplicates). Each
 * transfer is settled with its own disposition frame, so sends in flight together never share an outcome. Faults
 * armed through the broker's controls (sendFaults.ts) refuse a transfer or store it without settling it.
 */
import { randomUUID } from 'node:crypto';
import type { Delivery, EventContext, Message, Receiver } from 'rhea';
import { invalidField, messageTooLarge, notImplemented, sendFailure } from './amqpErrors';
import type { SendTarget } from './entityRegistry';
import { guarded, type BrokerLogger } from './guard';
import { decodeTransfer } from './messageCodec';
import { acceptedState, rejectedState } from './outcomes';
import { settleAlone } from './rheaInternals';
import type { SendFaults } from './sendFaults';

function unsupportedFeature(message: Message): string | undefined {
  const annotations = (message.message_annotations ?? {}) as Record<string, unknown>;
  if (annotations['x-opt-scheduled-enqueue-time'] !== undefined) return 'Scheduling messages (scheduledEnqueueTimeUtc)';
  return undefined;
}

export interface ProducerLinkDeps {
  maxMessageSize: number;
  faults: SendFaults;
  log: BrokerLogger;
}

function store(delivery: Delivery, format: number | undefined, payload: Message | Buffer, target: SendTarget, { maxMessageSize, faults, log }: ProducerLinkDeps): void {
  let decoded;
  try {
    decoded = decodeTransfer(format, payload);
  } catch (error) {
    settleAlone(delivery, rejectedState(invalidField(`Cannot decode the transfer to '${target.path}': ${(error as Error).message}`)));
    return;
  }
  if (decoded.size > maxMessageSize) {
    settleAlone(delivery, rejectedState(messageTooLarge(decoded.size, maxMessageSize)));
    return;
  }
  const unsupported = decoded.messages.map(unsupportedFeature).find((feature) => feature !== undefined);
  if (unsupported) {
    settleAlone(delivery, rejectedState(notImplemented(unsupported)));
    return;
  }
  const fault = faults.take(target.path, decoded.messages);
  if (fault?.kind === 'fail') {
    log(`refused a transfer to ${target.path} with ${fault.condition} (injected fault)`);
    settleAlone(delivery, rejectedState(sendFailure(fault.condition, target.path)));
    return;
  }
  const averageSize = Math.ceil(decoded.size / decoded.messages.length);
  let duplicates = 0;
  let unmatched = 0;
  for (const message of decoded.messages) {
    // Service Bus gives every message an id; the SDK's lock renewal relies on it.
    if (message.message_id === undefined || message.message_id === null) message.message_id = randomUUID().replace(/-/g, '');
    const result = target.accept(message, averageSize);
    if (result.duplicate) duplicates++;
    else if (result.copies === 0) unmatched++;
  }
  if (duplicates > 0) log(`dropped ${duplicates} duplicate message(s) sent to ${target.path}`);
  if (unmatched > 0) log(`${unmatched} message(s) sent to ${target.path} matched no subscription and were dropped`);
  if (fault?.kind === 'dropAcknowledgement') {
    // Stored, never settled: the sender's delivery stays unsettled until its own timeout, as when the answer is lost.
    log(`stored a transfer to ${target.path} and withheld its acknowledgement (injected fault)`);
    return;
  }
  settleAlone(delivery, acceptedState());
}

export function serveProducerLink(receiver: Receiver, target: SendTarget, deps: ProducerLinkDeps): void {
  receiver.on(
    'message',
    guarded(deps.log, `a transfer to '${target.path}'`, (context: EventContext) => {
      if (!context.delivery) return;
      const format = (context as EventContext & { format?: number }).format;
      store(context.delivery, format, context.message as Message | Buffer, target, deps);
    }),
  );
}
