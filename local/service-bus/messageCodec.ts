/**
 * What goes over the wire: decoding what senders transfer (single messages and the SDK's batch format) and encoding
 * stored messages with the annotations Service Bus adds (sequence number, enqueued time, lock, dead-letter source).
 */
import { message as rheaMessage, types, type Message } from 'rhea';
import type { StoredMessage } from './storedMessage';

/** message_format of a batch: an envelope whose data sections each hold one encoded message. */
export const BATCH_MESSAGE_FORMAT = 0x80013700;

export interface DecodedTransfer {
  messages: Message[];
  /** Encoded size of the transfer in bytes. */
  size: number;
}

/** rhea hands format-0 messages decoded and any other format as the raw buffer. */
export function decodeTransfer(format: number | undefined, payload: Message | Buffer): DecodedTransfer {
  if (!format) {
    const message = payload as Message;
    return { messages: [message], size: rheaMessage.encode(message).length };
  }
  if (format !== BATCH_MESSAGE_FORMAT || !Buffer.isBuffer(payload)) {
    throw new Error(`message_format ${format} is not supported (expected 0 or the batch format ${BATCH_MESSAGE_FORMAT})`);
  }
  const envelope = rheaMessage.decode(payload);
  const body = envelope.body as { typecode?: number; content?: unknown; multiple?: boolean } | undefined;
  if (!body || body.typecode !== 0x75) throw new Error('a batch envelope must carry its messages in data sections');
  const sections = (body.multiple ? body.content : [body.content]) as unknown[];
  return { messages: sections.map((section) => rheaMessage.decode(section as Buffer) as unknown as Message), size: payload.length };
}

export interface DeliveryAnnotations {
  lockedUntil?: Date;
}

/** The message as a receiver gets it: the sender's content plus the broker's annotations and delivery count. */
export function encodeStoredMessage(message: StoredMessage, extra: DeliveryAnnotations = {}): Buffer {
  const annotations: Record<string, unknown> = {
    ...(message.content.message_annotations ?? {}),
    'x-opt-sequence-number': types.wrap_long(message.sequenceNumber),
    'x-opt-enqueued-time': message.enqueuedAt,
  };
  if (extra.lockedUntil) annotations['x-opt-locked-until'] = extra.lockedUntil;
  if (message.deadLetterSource) annotations['x-opt-deadletter-source'] = message.deadLetterSource;
  // x-opt-message-state 1 marks a deferred message, as Service Bus does.
  if (message.deferred) annotations['x-opt-message-state'] = types.wrap_int(1);
  return rheaMessage.encode({
    ...message.content,
    delivery_count: Math.max(0, message.deliveryCount - 1),
    message_annotations: annotations,
  });
}
