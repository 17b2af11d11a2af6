/**
 * startServiceBusBroker: an AMQP 1.0 listener (rhea) speaking the subset of Service Bus that @azure/service-bus uses.
 * Connections authenticate with SASL ANONYMOUS and then CBS put-token, exactly as the SDK does with an emulator
 * connection string.
 */
import type { AddressInfo, Server, Socket } from 'node:net';
import { create_container, type Connection, type EventContext, type Message, type Receiver, type Sender } from 'rhea';
import { internalError } from './amqpErrors';
import { handleCbsRequest } from './cbs';
import type { BrokerConfig } from './configTypes';
import { loadBrokerConfigFile, parseBrokerConfig } from './config';
import { ConnectionState } from './connectionState';
import { serveConsumerLink, type ConsumerLink } from './consumerLink';
import { DEFAULT_SHARED_ACCESS_KEY, DEFAULT_SHARED_ACCESS_KEY_NAME, defaultBrokerConfigDocument } from './defaultEntities';
import { EntityRegistry } from './entityRegistry';
import { createInspection, type BrokerInspection } from './inspection';
import { routeReceiver, routeSender } from './linkRouting';
import { handleManagementRequest } from './management';
import { serveProducerLink } from './producerLink';
import { acceptedState } from './outcomes';
import { localAttach } from './rheaInternals';

export type BrokerLogger = (line: string) => void;

export interface ServiceBusBrokerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** An emulator Config.json document or the path of one; defaults to config.default.json. */
  config?: unknown;
  /** Overrides every entity's LockDuration, e.g. for tests that let locks expire. */
  lockDurationOverrideMs?: number;
  sharedAccessKeyName?: string;
  sharedAccessKey?: string;
  /** Advertised in max_message_size on sender attaches; the SDK sizes batches by it. Standard tier: 256 KB. */
  maxMessageSizeBytes?: number;
  logger?: BrokerLogger;
}

export interface ServiceBusBroker {
  connectionString: string;
  port: number;
  host: string;
  config: BrokerConfig;
  inspect: BrokerInspection;
  stop(): Promise<void>;
}

function resolveConfig(config: unknown): BrokerConfig {
  if (config === undefined) return parseBrokerConfig(defaultBrokerConfigDocument, 'config.default.json');
  if (typeof config === 'string') return loadBrokerConfigFile(config);
  return parseBrokerConfig(config);
}

export async function startServiceBusBroker(options: ServiceBusBrokerOptions = {}): Promise<ServiceBusBroker> {
  const config = resolveConfig(options.config);
  const host = options.host ?? '127.0.0.1';
  const keyName = options.sharedAccessKeyName ?? DEFAULT_SHARED_ACCESS_KEY_NAME;
  const key = options.sharedAccessKey ?? DEFAULT_SHARED_ACCESS_KEY;
  const maxMessageSize = options.maxMessageSizeBytes ?? 262_144;
  const log: BrokerLogger = options.logger ?? (() => undefined);
  const registry = new EntityRegistry(config, { lockDurationOverrideMs: options.lockDurationOverrideMs });
  const states = new WeakMap<Connection, ConnectionState>();
  const consumerLinks = new Map<Sender, ConsumerLink>();
  const connections = new Set<Connection>();
  const sockets = new Set<Socket>();
  const cbsDeps = { keys: [{ keyName, key }], log };

  const stateOf = (connection: Connection): ConnectionState => {
    let state = states.get(connection);
    if (!state) {
      state = new ConnectionState();
      states.set(connection, state);
    }
    return state;
  };

  /** Any exception in a handler closes that link with amqp:internal-error; the broker keeps running. */
  const guarded = (what: string, handler: (context: EventContext) => void) => (context: EventContext) => {
    try {
      handler(context);
    } catch (error) {
      log(`error while handling ${what}: ${(error as Error).stack ?? String(error)}`);
      (context.sender ?? context.receiver)?.close(internalError(error));
    }
  };

  const reply = (connection: Connection, request: Message, response: Message): void => {
    const replyTo = request.reply_to;
    const link = typeof replyTo === 'string' ? stateOf(connection).findReplyLink(replyTo) : undefined;
    if (!link) {
      log(`no reply link '${String(replyTo)}' for a request; the response is dropped`);
      return;
    }
    link.send(response);
  };

  const serveRequests = (receiver: Receiver, answer: (request: Message) => Message): void => {
    receiver.on(
      'message',
      guarded('a request', (context) => {
        const request = context.message as Message;
        context.delivery?.update(true, acceptedState());
        reply(receiver.connection, request, answer(request));
      }),
    );
  };

  const closeConsumer = (sender: Sender): void => {
    consumerLinks.get(sender)?.close();
    consumerLinks.delete(sender);
  };
  const closeConsumersWhere = (matches: (sender: Sender) => boolean): void => {
    for (const sender of [...consumerLinks.keys()]) if (matches(sender)) closeConsumer(sender);
  };

  const container = create_container({ id: 'local-service-bus-broker' });

  container.on(
    'sender_open',
    guarded('a receiver attach', (context) => {
      const sender = context.sender as Sender;
      const state = stateOf(context.connection);
      const route = routeSender(sender, registry, state);
      if (route.kind === 'refuse') {
        log(`refused receiver on '${String(sender.source?.address)}': ${route.error.description}`);
        sender.close(route.error);
        return;
      }
      sender.set_source({ address: sender.source.address });
      sender.set_target({ address: sender.target?.address });
      if (route.kind === 'reply') {
        state.addReplyLink(sender);
        return;
      }
      // rhea does not copy the settle modes into a server's attach; receive-and-delete needs snd_settle_mode 1 here.
      const attach = localAttach(sender);
      attach.snd_settle_mode = sender.snd_settle_mode;
      attach.rcv_settle_mode = sender.rcv_settle_mode;
      consumerLinks.set(sender, serveConsumerLink(sender, route.store, route.mode, log));
    }),
  );

  container.on(
    'receiver_open',
    guarded('a sender attach', (context) => {
      const receiver = context.receiver as Receiver;
      const route = routeReceiver(receiver, registry, stateOf(context.connection));
      if (route.kind === 'refuse') {
        log(`refused sender to '${String(receiver.target?.address)}': ${route.error.description}`);
        receiver.close(route.error);
        return;
      }
      receiver.set_target({ address: receiver.target.address });
      receiver.set_source({ address: receiver.source?.address });
      if (route.kind === 'cbs') serveRequests(receiver, (request) => handleCbsRequest(request, stateOf(receiver.connection), cbsDeps));
      else if (route.kind === 'management') serveRequests(receiver, (request) => handleManagementRequest(request, route.entityPath, registry));
      else {
        localAttach(receiver).max_message_size = maxMessageSize;
        serveProducerLink(receiver, route.target, maxMessageSize, log);
      }
    }),
  );

  container.on('sender_close', (context: EventContext) => {
    const sender = context.sender as Sender;
    stateOf(context.connection).removeReplyLink(sender);
    closeConsumer(sender);
  });
  container.on('receiver_close', () => undefined);
  container.on('session_close', (context: EventContext) => closeConsumersWhere((sender) => sender.session === context.session));
  container.on('connection_open', (context: EventContext) => {
    connections.add(context.connection);
    log(`connection opened (${connections.size} open)`);
  });
  const onConnectionGone = (context: EventContext): void => {
    connections.delete(context.connection);
    closeConsumersWhere((sender) => sender.connection === context.connection);
  };
  container.on('connection_close', onConnectionGone);
  container.on('disconnected', onConnectionGone);
  // Bad frames and socket errors end that one connection; they must never take the broker down.
  container.on('error', (error: unknown) => log(`connection error: ${(error as Error)?.message ?? String(error)}`));
  container.on('protocol_error', (error: unknown) => log(`protocol error: ${(error as Error)?.message ?? String(error)}`));
  for (const event of ['sender_error', 'receiver_error', 'session_error', 'connection_error']) container.on(event, () => undefined);

  const server: Server = container.listen({
    port: options.port ?? 0,
    host,
    // Server-side links are created by rhea on attach; these options shape them.
    sender_options: { treat_modified_as_released: false },
    receiver_options: { autoaccept: false, credit_window: 1000 },
  } as unknown as Parameters<typeof container.listen>[0]) as unknown as Server;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error: Error) => {
      registry.close();
      reject(new Error(`The Service Bus broker cannot listen on ${host}:${options.port ?? 0}: ${error.message}`));
    });
  });
  const port = (server.address() as AddressInfo).port;
  const connectionHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const connectionString = `Endpoint=sb://${connectionHost}:${port};SharedAccessKeyName=${keyName};SharedAccessKey=${key};UseDevelopmentEmulator=true`;
  log(`listening on ${connectionHost}:${port} with entities: ${registry.declaredPaths().join(', ')}`);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of connections) connection.close();
      await new Promise((resolve) => setTimeout(resolve, sockets.size > 0 ? 50 : 0));
      for (const socket of sockets) socket.destroy();
      registry.close();
      await closed;
    })();
    return stopped;
  };

  return { connectionString, port, host: connectionHost, config, inspect: createInspection(registry), stop };
}
