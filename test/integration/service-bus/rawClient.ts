/**
 * A bare rhea client for the few checks the SDK cannot make: it always does CBS first, never sends malformed
 * batches and sizes messages itself. It speaks the same protocol as the SDK, just without its guard rails.
 */
import { createHmac } from 'node:crypto';
import { connect, type AmqpError, type Connection, type Message } from 'rhea';

export function openRawConnection(port: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const connection = connect({ host: '127.0.0.1', port, reconnect: false, username: 'anonymous' } as Parameters<typeof connect>[0]);
    connection.once('connection_open', () => resolve(connection));
    connection.once('connection_error', () => reject(new Error('connection failed')));
  });
}

export function closeRawConnection(connection: Connection): Promise<void> {
  return new Promise((resolve) => {
    connection.once('connection_close', () => resolve());
    connection.once('disconnected', () => resolve());
    connection.close();
  });
}

/** Sends one CBS request and resolves with the response's application properties. */
export function cbsRequest(connection: Connection, request: Partial<Message>): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const replyTo = `cbs-raw-${Math.random().toString(16).slice(2)}`;
    const receiver = connection.open_receiver({ source: { address: '$cbs' }, name: replyTo });
    receiver.once('message', (context) => resolve((context.message?.application_properties ?? {}) as Record<string, unknown>));
    receiver.once('receiver_open', () => {
      const sender = connection.open_sender({ target: { address: '$cbs' } });
      sender.once('sendable', () => sender.send({ message_id: 'req-1', reply_to: replyTo, to: '$cbs', ...request } as Message));
    });
  });
}

export function sasToken(audience: string, key = 'SAS_KEY_VALUE', keyName = 'RootManageSharedAccessKey'): string {
  const sr = encodeURIComponent(audience);
  const se = Math.floor(Date.now() / 1000) + 600;
  const sig = encodeURIComponent(createHmac('sha256', key).update(`${sr}\n${se}`).digest('base64'));
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${se}&skn=${keyName}`;
}

export function putToken(connection: Connection, audience: string): Promise<Record<string, unknown>> {
  return cbsRequest(connection, {
    body: sasToken(audience),
    application_properties: { operation: 'put-token', name: audience, type: 'servicebus.windows.net:sastoken' },
  });
}

export type RawOutcome = { outcome: 'accepted' } | { outcome: 'rejected'; error?: AmqpError };

/** Sends one transfer (raw bytes with a message format, or a message) and resolves with the broker's disposition. */
export function sendRaw(connection: Connection, address: string, payload: Buffer | Message, format?: number): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const sender = connection.open_sender({ target: { address } });
    sender.once('accepted', () => resolve({ outcome: 'accepted' }));
    sender.once('rejected', (context) => resolve({ outcome: 'rejected', error: (context.delivery?.remote_state as { error?: AmqpError } | undefined)?.error }));
    sender.once('sendable', () => sender.send(payload, undefined, format));
  });
}
