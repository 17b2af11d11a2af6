import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import type { RpcBindingInfo, RpcTypedData } from '../coreApiTypes';
import type { HostConfig } from '../hostConfig';
import type { Invoker } from '../invoke';
import type { RuntimeLogger } from '../logger';
import type { FunctionRegistry, RegisteredFunction } from '../registry';
import { triggerDataOf, triggerMetadataOf } from './serviceBusMessage';

export interface ServiceBusTriggerDeps {
  registry: FunctionRegistry;
  resolvedBindings: Map<string, Record<string, RpcBindingInfo>>;
  invoker: Invoker;
  logger: RuntimeLogger;
  settings: HostConfig['serviceBus'];
  env: NodeJS.ProcessEnv;
  inputFor: (binding: RpcBindingInfo, name: string) => RpcTypedData | undefined;
  trackExternal: <T>(work: Promise<T>) => Promise<T>;
  enabled: boolean;
}

export interface ServiceBusTriggers {
  messagesProcessed(): number;
  stop(): Promise<void>;
}

interface TriggerOptions extends RpcBindingInfo {
  connection?: string;
  queueName?: string;
  topicName?: string;
  subscriptionName?: string;
  cardinality?: string;
  isSessionsEnabled?: boolean;
  autoCompleteMessages?: boolean;
}

/**
 * One real @azure/service-bus receiver per Service Bus trigger, on the connection its `connection` setting names (a
 * connection string, or `<name>__fullyQualifiedNamespace` with DefaultAzureCredential, as the host accepts).
 * Peek-lock: complete after the function succeeds, abandon when it throws, so the entity's max delivery count
 * dead-letters a poison message.
 */
export async function startServiceBusTriggers(deps: ServiceBusTriggerDeps): Promise<ServiceBusTriggers> {
  const functions = deps.registry.byTriggerType('serviceBusTrigger');
  const clients = new Map<string, ServiceBusClient>();
  const receivers: ServiceBusReceiver[] = [];
  let processed = 0;
  // Loaded only when the app has Service Bus triggers: the SDKs are heavy, and most test apps have none.
  const sdk = functions.length > 0 && deps.enabled ? await loadSdks() : undefined;

  for (const fn of functions) {
    const options = (deps.resolvedBindings.get(fn.name)?.[fn.triggerBindingName] ?? fn.trigger) as TriggerOptions;
    const where = `Function "${fn.name}"`;
    if (options.cardinality === 'many') throw new Error(`${where}: cardinality "many" is not supported by the local runtime; use "one".`);
    if (options.isSessionsEnabled) throw new Error(`${where}: session-enabled Service Bus triggers are not supported by the local runtime.`);
    const entity = options.queueName ?? (options.topicName && options.subscriptionName ? `${options.topicName}/Subscriptions/${options.subscriptionName}` : undefined);
    if (!entity) throw new Error(`${where}: a Service Bus trigger needs queueName, or topicName and subscriptionName.`);
    if (!sdk) continue;

    const connectionName = options.connection || 'AzureWebJobsServiceBus';
    const client = clients.get(connectionName) ?? createClient(sdk, connectionName, deps.env, where);
    clients.set(connectionName, client);
    // The host reads a message's bytes; the SDK would JSON-parse them into an object first, which is not what the host
    // hands a function (and an object nested 100,000 deep then overflows JSON.stringify's recursion).
    const receiverOptions = { receiveMode: 'peekLock' as const, maxAutoLockRenewalDurationInMs: deps.settings.maxAutoLockRenewalDurationMs, skipParsingBodyAsJson: true };
    const receiver = options.queueName
      ? client.createReceiver(options.queueName, receiverOptions)
      : client.createReceiver(options.topicName as string, options.subscriptionName as string, receiverOptions);
    receivers.push(receiver);
    const autoComplete = options.autoCompleteMessages ?? deps.settings.autoCompleteMessages;
    const settle = oneAtATime();

    receiver.subscribe(
      {
        processMessage: async (message) => {
          await deps.trackExternal(handleMessage(fn, receiver, settle, message, autoComplete));
          processed++;
        },
        processError: async (args) => {
          deps.logger.warn(`Service Bus receiver for ${entity} reported ${args.errorSource}: ${args.error.message}`, { functionName: fn.name });
        },
      },
      { autoCompleteMessages: false, maxConcurrentCalls: deps.settings.maxConcurrentCalls },
    );
    deps.logger.info(`Listening to Service Bus ${entity} on connection "${connectionName}".`, { functionName: fn.name });
  }

  async function handleMessage(fn: RegisteredFunction, receiver: ServiceBusReceiver, settle: Serial, message: ServiceBusReceivedMessage, autoComplete: boolean) {
    try {
      await deps.invoker.invoke(fn, {
        triggerData: triggerDataOf(message),
        triggerMetadata: triggerMetadataOf(message),
        inputFor: deps.inputFor,
      });
    } catch (error) {
      // Counted from 1, as the host's DeliveryCount (the SDK's deliveryCount is the AMQP count of earlier attempts).
      deps.logger.error(
        `Service Bus message ${String(message.messageId)} (delivery ${(message.deliveryCount ?? 0) + 1}) failed: ${error instanceof Error ? error.message : String(error)}; abandoning it.`,
        { functionName: fn.name },
      );
      await settle(() => receiver.abandonMessage(message)).catch((abandonError: Error) => deps.logger.warn(`Abandon failed: ${abandonError.message}`, { functionName: fn.name }));
      return;
    }
    if (autoComplete) {
      await settle(() => receiver.completeMessage(message)).catch((completeError: Error) => deps.logger.warn(`Complete failed: ${completeError.message}`, { functionName: fn.name }));
    }
  }

  return {
    messagesProcessed: () => processed,
    async stop() {
      await Promise.all(receivers.map((r) => r.close().catch(() => undefined)));
      await Promise.all([...clients.values()].map((c) => c.close().catch(() => undefined)));
    },
  };
}

type Serial = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * Runs each piece of work after the one before has ended. A receiver's settlements go through one: rhea 3.0.5 (under
 * @azure/service-bus) writes the dispositions queued in one pass as a range with the first one's state, without
 * comparing the first two (write_dispositions in rhea/lib/session.js), so an abandon issued together with a complete
 * would complete the failed message (test/integration/service-bus/dispositions.test.ts shows it). The SDK resolves a
 * settlement once the broker has answered it, so one at a time each gets a frame of its own.
 */
export function oneAtATime(): Serial {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const next = last.then(work, work);
    last = next.catch(() => undefined);
    return next;
  };
}

type Sdks = Awaited<ReturnType<typeof loadSdks>>;

async function loadSdks() {
  const [serviceBus, identity] = await Promise.all([import('@azure/service-bus'), import('@azure/identity')]);
  return { ServiceBusClient: serviceBus.ServiceBusClient, DefaultAzureCredential: identity.DefaultAzureCredential };
}

function createClient(sdk: Sdks, connectionName: string, env: NodeJS.ProcessEnv, where: string): ServiceBusClient {
  const retryOptions = { maxRetries: 3, retryDelayInMs: 200, timeoutInMs: 10_000 };
  const connectionString = env[connectionName];
  if (connectionString) return new sdk.ServiceBusClient(connectionString, { retryOptions });
  const namespace = env[`${connectionName}__fullyQualifiedNamespace`];
  if (namespace) return new sdk.ServiceBusClient(namespace, new sdk.DefaultAzureCredential(), { retryOptions });
  throw new Error(
    `${where}: the Service Bus connection "${connectionName}" is not configured; set the app setting ${connectionName} ` +
      `(a connection string) or ${connectionName}__fullyQualifiedNamespace.`,
  );
}
