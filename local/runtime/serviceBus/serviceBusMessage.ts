import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import type { RpcTypedData } from '../coreApiTypes';

/**
 * The trigger data the Service Bus extension sends a Node function: text bodies as strings (which @azure/functions
 * JSON-parses when it can), structured AMQP values as JSON, other binary bodies as bytes. Receivers are created with
 * `skipParsingBodyAsJson`, so a data section arrives as the bytes the host reads, never as an object the SDK parsed.
 * Whatever the SDK delivers becomes trigger data: a value nested deeper than JSON.stringify's recursion allows is
 * written without recursion, and one that JSON cannot carry (a cycle, a BigInt) is passed as its text.
 */
export function triggerDataOf(message: Pick<ServiceBusReceivedMessage, 'body'>): RpcTypedData {
  const body: unknown = message.body;
  if (typeof body === 'string') return { string: body };
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) {
    const text = Buffer.from(body).toString('utf8');
    return Buffer.from(text, 'utf8').equals(Buffer.from(body)) ? { string: text } : { bytes: Buffer.from(body) };
  }
  try {
    return { json: JSON.stringify(body ?? null) };
  } catch (error) {
    if (!(error instanceof RangeError)) return { string: String(body) };
  }
  const json = stringifyWithoutRecursion(body);
  return json === undefined ? { string: String(body) } : { json };
}

/**
 * JSON.stringify's output for plain data (objects, arrays, strings, numbers, booleans, null, toJSON), built with an
 * explicit stack; undefined for a cycle or a value JSON cannot carry.
 */
export function stringifyWithoutRecursion(root: unknown): string | undefined {
  const out: string[] = [];
  const open = new Set<object>();
  type Frame = { close: string; items: [string | undefined, unknown][]; index: number; wrote: boolean; owner: object };
  const stack: Frame[] = [];
  const write = (value: unknown, key: string | undefined, inArray: boolean): boolean => {
    let v = value;
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON: (k: string) => unknown }).toJSON(key ?? '');
    const prefix = key === undefined ? '' : `${JSON.stringify(key)}:`;
    if (v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'number') {
      out.push(prefix + JSON.stringify(v));
      return true;
    }
    if (typeof v === 'bigint') throw new TypeError('BigInt');
    if (typeof v !== 'object') {
      // undefined, functions and symbols: dropped from objects, null in arrays, as JSON.stringify does.
      if (inArray) out.push('null');
      return inArray;
    }
    if (open.has(v)) throw new TypeError('cycle');
    open.add(v);
    const isArray = Array.isArray(v);
    const items: [string | undefined, unknown][] = isArray ? (v as unknown[]).map((item) => [undefined, item]) : Object.entries(v as object);
    out.push(prefix + (isArray ? '[' : '{'));
    stack.push({ close: isArray ? ']' : '}', items, index: 0, wrote: false, owner: v });
    return true;
  };
  try {
    write(root, undefined, false);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame.index >= frame.items.length) {
        out.push(frame.close);
        open.delete(frame.owner);
        stack.pop();
        continue;
      }
      const [key, value] = frame.items[frame.index++];
      const mark = out.length;
      if (frame.wrote) out.push(',');
      if (write(value, key, key === undefined)) frame.wrote = true;
      else out.length = mark;
    }
  } catch {
    return undefined;
  }
  return out.join('');
}

/**
 * Trigger metadata with the names the extension binds (ServiceBusTriggerBindingStrategy / message properties);
 * @azure/functions camel-cases them into context.triggerMetadata (messageId, deliveryCount, applicationProperties...).
 */
export function triggerMetadataOf(message: ServiceBusReceivedMessage): Record<string, RpcTypedData> {
  const metadata: Record<string, unknown> = {
    MessageId: message.messageId,
    // The AMQP header counts earlier attempts (0 on the first delivery) and the JS SDK passes it through; the host
    // reads it with the .NET SDK, which adds one, so a function sees 1 on the first delivery.
    DeliveryCount: (message.deliveryCount ?? 0) + 1,
    CorrelationId: message.correlationId,
    ContentType: message.contentType,
    Subject: message.subject,
    Label: message.subject,
    To: message.to,
    ReplyTo: message.replyTo,
    SessionId: message.sessionId,
    SequenceNumber: message.sequenceNumber?.toNumber(),
    EnqueuedTimeUtc: message.enqueuedTimeUtc?.toISOString(),
    ExpiresAtUtc: message.expiresAtUtc?.toISOString(),
    LockToken: message.lockToken,
    DeadLetterSource: message.deadLetterSource,
    ApplicationProperties: normalize(message.applicationProperties ?? {}),
    UserProperties: normalize(message.applicationProperties ?? {}),
  };
  const result: Record<string, RpcTypedData> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (value !== undefined && value !== null) result[key] = { json: JSON.stringify(value) };
  }
  return result;
}

function normalize(properties: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) out[key] = value instanceof Date ? value.toISOString() : value;
  return out;
}
