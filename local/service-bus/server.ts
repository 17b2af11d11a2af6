/**
 * startServiceBusBroker: an AMQP 1.0 listener (rhea) speaking the subset of Service Bus that @azure/service-bus uses.
 * Connections authenticate with SASL ANONYMOUS and then CBS put-token, exactly as the SDK does with an emulator
 * connection string.
 */
import type { AddressInfo, Server, Socket } from 'node:net';
import { createBrokerContainer } from './amqpHandlers';
import type { BrokerConfig } from './configTypes';
import { loadBrokerConfigFile, parseBrokerConfig } from './config';
import { DEFAULT_SHARED_ACCESS_KEY, DEFAULT_SHARED_ACCESS_KEY_NAME, defaultBrokerConfigDocument } from './defaultEntities';
import { ACCESS_RIGHTS, validateRoleAssignments } from './authorization';
import type { EntraTokenTrust } from './entraToken';
import type { SharedAccessKey } from './sasToken';
import { EntityRegistry, normaliseEntityPath } from './entityRegistry';
import type { BrokerLogger } from './guard';
import { createInspection, type BrokerInspection } from './inspection';
import type { SendFailureCondition } from './amqpErrors';
import { SendFaults, type InjectedCounts, type SendMatch } from './sendFaults';

export type { BrokerLogger } from './guard';

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
  /**
   * More shared access authorization rules besides the connection string's (which keeps Manage, Send and Listen on the
   * namespace): e.g. a Listen-only rule, or a Send rule on one queue. Tokens signed with them get only their rights.
   */
  sharedAccessPolicies?: SharedAccessKey[];
  /**
   * Microsoft Entra tokens (CBS put-token type `jwt`): the issuer's keys (and tenant) they must be signed with. Left out,
   * every `jwt` put-token is refused (401), since nothing can verify it. `roleAssignments` are the principals' Azure
   * RBAC roles (Data Owner / Sender / Receiver) on the namespace or an entity; without one a principal may do nothing.
   */
  entraId?: EntraTokenTrust;
  /** Advertised in max_message_size on sender attaches; the SDK sizes batches by it. Standard tier: 256 KB. */
  maxMessageSizeBytes?: number;
  /**
   * The broker's time (ms since the epoch) for duplicate detection windows; wall time by default. The local stack
   * under a virtual clock passes the runtime's time, read from its clock file as the Partner Center simulator does.
   */
  clock?: () => number;
  logger?: BrokerLogger;
}

/** Faults to inject into sends, for tests and local runs that must see Service Bus refuse or lose an answer. */
export interface BrokerControls {
  /**
   * The next `count` transfers to the queue or topic (those matching `match`, when given) are refused with `condition`,
   * worded as Service Bus words it; nothing is stored.
   */
  failNextSends(entityPath: string, count: number, condition: SendFailureCondition, match?: SendMatch): void;
  /** The next `count` matching transfers are stored but their deliveries are never settled: the sender times out. */
  dropAcknowledgements(entityPath: string, count: number, match?: SendMatch): void;
  /** Transfers the armed faults of the entity will still apply to. */
  pendingFaults(entityPath: string): number;
  /** How many transfers to the entity the faults refused or left unacknowledged so far. */
  injected(entityPath: string): InjectedCounts;
  /** Disarms every fault and forgets the counts. */
  reset(): void;
}

export interface ServiceBusBroker {
  connectionString: string;
  port: number;
  host: string;
  config: BrokerConfig;
  inspect: BrokerInspection;
  controls: BrokerControls;
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
  const log: BrokerLogger = options.logger ?? (() => undefined);
  const registry = new EntityRegistry(config, { lockDurationOverrideMs: options.lockDurationOverrideMs, clock: options.clock });
  const faults = new SendFaults(normaliseEntityPath);
  let keys: SharedAccessKey[];
  try {
    keys = [{ keyName, key }, ...validatePolicies(options.sharedAccessPolicies ?? [], keyName, registry)];
    validateRoleAssignments(options.entraId?.roleAssignments ?? []);
  } catch (error) {
    registry.close();
    throw error;
  }
  const { container, connections } = createBrokerContainer({
    registry,
    keys,
    entraId: options.entraId,
    maxMessageSize: options.maxMessageSizeBytes ?? 262_144,
    faults,
    log,
  });

  const server = container.listen({
    port: options.port ?? 0,
    host,
    // Server-side links are created by rhea on attach; these options shape them.
    sender_options: { treat_modified_as_released: false },
    receiver_options: { autoaccept: false, credit_window: 1000 },
  } as unknown as Parameters<typeof container.listen>[0]) as unknown as Server;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    // rhea leaves Nagle on for a server's sockets (tcp_no_delay defaults to false in Connection.init), so a small
    // frame such as a $management answer waited for the client's delayed ACK: 88 ms per renew-lock instead of 44.
    socket.setNoDelay(true);
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
  for (const warning of config.emulatorWarnings) log(`note: ${warning}`);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Close frames first so clients see an orderly close; then make sure no socket outlives the broker.
      for (const connection of connections) connection.close();
      if (sockets.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      for (const socket of sockets) socket.destroy();
      registry.close();
      await closed;
    })();
    return stopped;
  };

  return { connectionString, port, host: connectionHost, config, inspect: createInspection(registry), controls: createControls(registry, faults), stop };
}

/** Refuses rules Service Bus could not have: unknown rights, duplicate names, rules on entities that are not there. */
function validatePolicies(policies: SharedAccessKey[], rootKeyName: string, registry: EntityRegistry): SharedAccessKey[] {
  const names = new Set([rootKeyName]);
  policies.forEach((policy, index) => {
    const field = `sharedAccessPolicies[${index}]`;
    if (!policy.keyName || !policy.key) throw new Error(`${field} needs a keyName and a key.`);
    if (names.has(policy.keyName)) throw new Error(`${field}.keyName '${policy.keyName}' is already used by another rule.`);
    names.add(policy.keyName);
    const unknown = (policy.rights ?? []).filter((right) => !ACCESS_RIGHTS.includes(right));
    if (unknown.length > 0 || (policy.rights && policy.rights.length === 0)) {
      throw new Error(`${field}.rights must be one or more of ${ACCESS_RIGHTS.join(', ')}; got ${JSON.stringify(policy.rights)}.`);
    }
    if (policy.entityPath !== undefined && !registry.sendTarget(policy.entityPath)) {
      throw new Error(`${field}.entityPath '${policy.entityPath}' is no queue or topic of this broker (rules live on the namespace, a queue or a topic).`);
    }
  });
  return policies;
}

function createControls(registry: EntityRegistry, faults: SendFaults): BrokerControls {
  const sendable = (entityPath: string): string => {
    const target = registry.sendTarget(entityPath);
    if (!target) throw new Error(`entityPath '${entityPath}' is no queue or topic of this broker; it has: ${registry.declaredPaths().filter((p) => !p.includes('/Subscriptions/')).join(', ')}`);
    return target.path;
  };
  return {
    failNextSends: (entityPath, count, condition, match) => faults.arm(sendable(entityPath), count, { kind: 'fail', condition }, match),
    dropAcknowledgements: (entityPath, count, match) => faults.arm(sendable(entityPath), count, { kind: 'dropAcknowledgement' }, match),
    pendingFaults: (entityPath) => faults.pending(sendable(entityPath)),
    injected: (entityPath) => faults.counts(sendable(entityPath)),
    reset: () => faults.clear(),
  };
}
