/**
 * The broker's AMQP behaviour as rhea container events: each attach is routed (CBS, $management, receiver, sender)
 * and served; links, sessions and connections that go away release what they held.
 */
import { create_container, type Connection, type Container, type EventContext, type Message, type Receiver, type Sender } from 'rhea';
import { internalError } from './amqpErrors';
import { claimsRequired } from './authorization';
import { handleCbsRequest } from './cbs';
import { ConnectionState } from './connectionState';
import { serveConsumerLink, type ConsumerLink } from './consumerLink';
import type { EntityRegistry } from './entityRegistry';
import { guarded, type BrokerLogger } from './guard';
import { routeReceiver, routeSender } from './linkRouting';
import { handleManagementRequest, MANAGEMENT_SUFFIX, managementRightRequired, unauthorizedResponse } from './management';
import { acceptedState } from './outcomes';
import { serveProducerLink } from './producerLink';
import { localAttach, settleAlone } from './rheaInternals';
import type { EntraTokenTrust } from './entraToken';
import type { SharedAccessKey } from './sasToken';
import type { SendFaults } from './sendFaults';

export interface BrokerHandlerDeps {
  registry: EntityRegistry;
  keys: SharedAccessKey[];
  entraId?: EntraTokenTrust;
  maxMessageSize: number;
  faults: SendFaults;
  log: BrokerLogger;
}

export interface BrokerContainer {
  container: Container;
  /** Open AMQP connections, so stop() can close them. */
  connections: Set<Connection>;
}

export function createBrokerContainer({ registry, keys, entraId, maxMessageSize, faults, log }: BrokerHandlerDeps): BrokerContainer {
  const states = new WeakMap<Connection, ConnectionState>();
  const consumerLinks = new Map<Sender, ConsumerLink>();
  const connections = new Set<Connection>();
  const cbsDeps = { keys, entraId, log };

  const stateOf = (connection: Connection): ConnectionState => {
    let state = states.get(connection);
    if (!state) {
      state = new ConnectionState();
      states.set(connection, state);
    }
    return state;
  };

  /** Request/response nodes answer on the client's reply link, found by name ($cbs) or address ($management). */
  const serveRequests = (receiver: Receiver, answer: (request: Message) => Message | Promise<Message>): void => {
    receiver.on(
      'message',
      guarded(log, 'a request', (context) => {
        const request = context.message as Message;
        if (context.delivery) settleAlone(context.delivery, acceptedState());
        const replyTo = request.reply_to;
        const replyLink = typeof replyTo === 'string' ? stateOf(receiver.connection).findReplyLink(replyTo) : undefined;
        if (!replyLink) {
          log(`no reply link '${String(replyTo)}' for a request to '${receiver.target?.address}'; the request is dropped`);
          return;
        }
        const reply = answer(request);
        if (!(reply instanceof Promise)) {
          replyLink.send(reply);
          return;
        }
        // A jwt put-token may wait for the issuer's keys; the link may be gone by the time the answer is ready.
        reply.then(
          (message) => {
            if (replyLink.is_open()) replyLink.send(message);
          },
          (error: unknown) => {
            log(`error while handling a request: ${(error as Error)?.stack ?? String(error)}`);
            receiver.close(internalError(error));
          },
        );
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

  // The client attached a receiver: the broker sends.
  container.on(
    'sender_open',
    guarded(log, 'a receiver attach', (context) => {
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

  // The client attached a sender: the broker receives.
  container.on(
    'receiver_open',
    guarded(log, 'a sender attach', (context) => {
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
      else if (route.kind === 'management') {
        serveRequests(receiver, (request) => {
          const state = stateOf(receiver.connection);
          const right = managementRightRequired(request);
          // The SDK puts its token for the $management address itself, so the rights are looked up there.
          const address = `${route.entityPath}${MANAGEMENT_SUFFIX}`;
          if (right && !state.rightsAt(address).has(right)) return unauthorizedResponse(request, claimsRequired([right], state.resource(address)));
          return handleManagementRequest(request, route.entityPath, registry);
        });
      }
      else {
        localAttach(receiver).max_message_size = maxMessageSize;
        serveProducerLink(receiver, route.target, { maxMessageSize, faults, log });
      }
    }),
  );

  container.on('sender_close', (context: EventContext) => {
    const sender = context.sender as Sender;
    stateOf(context.connection).removeReplyLink(sender);
    closeConsumer(sender);
  });
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
  // Errors a client reports when it detaches are the client's business; listening keeps rhea from raising them.
  for (const event of ['receiver_close', 'sender_error', 'receiver_error', 'session_error', 'connection_error']) container.on(event, () => undefined);

  return { container, connections };
}
