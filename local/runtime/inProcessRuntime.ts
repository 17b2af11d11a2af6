import path from 'node:path';
import { loadApp, resolveAllBindings, resolveAppEntry } from './appLoader';
import { ControlError, createControlApi } from './controlApi';
import type { RpcBindingInfo, RpcTypedData } from './coreApiTypes';
import { runActivity } from './durable/activityRunner';
import { durableClientBindingValue, type DurableEndpoints } from './durable/clientBinding';
import { clockFileWriter, createRealClock, createVirtualClock, isVirtual, type Clock } from './durable/clock';
import { createDispatcher } from './durable/dispatcher';
import { createDurableApiFaults } from './durable/durableApiFaults';
import { createDurableHttpApi } from './durable/durableHttpApi';
import { entityDispatch } from './durable/entityRunner';
import { runEpisode } from './durable/orchestrationEpisode';
import { toStatusPayload } from './durable/statusPayload';
import { createFileStore, createMemoryStore, type TaskHubStore } from './durable/store';
import { createTaskHubClient } from './durable/taskHubClient';
import { isTerminal } from './durable/taskHubState';
import { readHostConfig } from './hostConfig';
import { buildHttpRoutes, createHttpTriggerHandler } from './http/httpTriggers';
import { sendError } from './http/httpUtils';
import { createEasyAuth } from './http/easyAuth';
import { checkKey } from './http/keys';
import { startRuntimeServer } from './http/server';
import { createInvoker } from './invoke';
import { consoleSink, createLogger } from './logger';
import type { InboxOrder } from './durable/inboxBatch';
import type { ClockOption, InboxOrderOption, LocalRuntimeOptions, RuntimeHandle, StoreOption } from './options';
import { getProcessCore } from './processCoreApi';
import { startServiceBusTriggers } from './serviceBus/serviceBusTriggers';
import { applySettingsToEnv, readLocalSettings } from './settings';

/** Azure Storage provider values the extension sends (AzureStorageDurabilityProvider.cs). */
const timerSettings = { maximumShortTimerMs: 6 * 86_400_000, longRunningTimerIntervalMs: 3 * 86_400_000 };

let started = false;

/** Runs the app in this process: the require hook provides @azure/functions-core, as the Node worker does. */
export async function startInProcessRuntime(options: LocalRuntimeOptions = {}): Promise<RuntimeHandle> {
  if (started) throw new Error('An app can be loaded once per process; run further runtimes with isolation "child-process".');
  started = true;
  const appRoot = path.resolve(options.appRoot ?? process.cwd());
  const logger = createLogger(options.logSink ?? consoleSink, options.logLevel ?? 'information');

  const localSettings = readLocalSettings(options.localSettingsPath ?? path.join(appRoot, 'local.settings.json'));
  // Only settings the environment overrides with another value are worth a line (a child process gets them both ways).
  const skipped = applySettingsToEnv(localSettings.values).filter((name) => process.env[name] !== localSettings.values[name]);
  if (skipped.length) logger.info(`Skipping ${skipped.join(', ')} from local settings: already defined in the environment.`);
  for (const [key, value] of Object.entries(options.env ?? {})) process.env[key] = value;
  const host = readHostConfig(options.hostJsonPath ?? path.join(appRoot, 'host.json'));

  const core = getProcessCore();
  core.setSystemLogSink((level, category, message) => logger.log(level, message, { category }));
  core.ensureRequireHook();
  const entry = resolveAppEntry(appRoot, options.appEntry);
  await loadApp(entry, core.registry);
  const registry = core.registry;
  const resolvedBindings = resolveAllBindings(registry, process.env);
  await registry.programmingModel()?.getCapabilities?.({});

  const store = createStore(options.store, appRoot);
  const clock = createClock(options.clock, latestTimestamp(store), options.clockFile);
  const keys = options.keys ?? {};
  // Hook data as the worker's AppContext keeps it: appHookData is shared by hooks of every scope (app and invocation),
  // appLevelOnlyHookData is the hookData of appStart and appTerminate (azure-functions-nodejs-worker src/AppContext.ts).
  const appHookData: Record<string, unknown> = {};
  const appLevelOnlyHookData: Record<string, unknown> = {};
  const invoker = createInvoker(registry, logger, appHookData, { functionTimeoutMs: host.functionTimeoutMs });
  const inboxOrder = createInboxOrder(options.inboxOrder);
  const dispatcher = createDispatcher({
    store,
    clock,
    logger,
    maxConcurrentOrchestrations: host.durable.maxConcurrentOrchestratorFunctions,
    maxConcurrentActivities: host.durable.maxConcurrentActivityFunctions,
    runEpisode: (instanceId, now) =>
      runEpisode(
        { registry, invoker, logger, state: store.state, timers: timerSettings, maxOrchestrationActions: host.durable.maxOrchestrationActions, inboxOrder },
        instanceId,
        now,
      ),
    runActivity: (task) => runActivity({ registry, invoker, logger, now: () => clock.now() }, task),
    maxConcurrentEntities: host.durable.maxConcurrentEntityFunctions,
    ...entityDispatch({ registry, invoker, logger, state: store.state, maxBatchSize: host.durable.maxEntityOperationBatchSize }),
  });
  const client = createTaskHubClient({ store, registry, clock, overridable: host.durable.overridableExistingInstanceStates, onChange: dispatcher.wake });

  // The endpoints need the port, which is only known once listening: handlers read them lazily.
  const late: { endpoints?: DurableEndpoints; durableApi?: ReturnType<typeof createDurableHttpApi>; controlApi?: ReturnType<typeof createControlApi> } = {};
  const currentEndpoints = () => late.endpoints as DurableEndpoints;
  const inputFor = (binding: RpcBindingInfo): RpcTypedData | undefined => {
    const type = String(binding.type).toLowerCase();
    if (type === 'durableclient' || type === 'orchestrationclient') return { string: JSON.stringify(durableClientBindingValue(currentEndpoints())) };
    return undefined;
  };
  warnUnsupportedBindings(registry.list().flatMap((fn) => Object.entries(fn.metadata.bindings).map(([name, b]) => ({ fn: fn.name, name, b }))), logger);

  const routes = buildHttpRoutes(registry);
  const easyAuth = options.easyAuth ? createEasyAuth(options.easyAuth) : undefined;
  const httpTriggers = createHttpTriggerHandler({ routes, invoker, logger, keys, inputFor, trackExternal: dispatcher.trackExternal, easyAuth });
  const server = await startRuntimeServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    logger,
    mounts: [
      { prefix: host.routePrefix ? `/${host.routePrefix}` : '', handler: httpTriggers },
      { prefix: '/runtime/webhooks/durabletask', handler: (req, res, sub, url) => webhookGuard(req, res, sub, url) },
      { prefix: '/runtime/local', handler: (req, res, sub, url) => (late.controlApi as NonNullable<typeof late.controlApi>)(req, res, sub, url) },
    ],
  });
  // The durable client's RPC API answers without a key, so, as the extension's LocalHttpListener does (127.0.0.1:17071,
  // LocalHttpListener.cs), it has its own loopback listener and is not served on the app's port: callers of the app
  // reach the Durable API only through the webhook, with the system key.
  const rpcServer = await startRuntimeServer({
    host: '127.0.0.1',
    port: 0,
    logger,
    mounts: [{ prefix: '/durabletask', handler: (req, res, sub, url) => durableApi(req, res, sub, url) }],
  });
  const baseUrl = `http://${options.host ?? '127.0.0.1'}:${server.port}`;
  const endpoints: DurableEndpoints = {
    webhookBaseUrl: `${baseUrl}/runtime/webhooks/durabletask`,
    rpcBaseUrl: `http://127.0.0.1:${rpcServer.port}/durabletask/`,
    taskHubName: host.durable.hubName,
    connectionName: 'Storage',
    systemKey: keys.master,
  };
  late.endpoints = endpoints;
  // Injected failures sit in front of the HTTP API only: the dispatcher and the control API use the store directly.
  const durableApiFaults = createDurableApiFaults();
  const durableApi = durableApiFaults.wrap(createDurableHttpApi({ client, endpoints }));
  const webhookGuard: typeof durableApi = async (req, res, sub, url) => {
    const denied = checkKey(keys, 'system', req, url);
    if (denied) return sendError(res, 401, denied);
    return durableApi(req, res, sub, url);
  };
  // getClient rewrites the client's URLs to http://localhost:7071 unless WEBSITE_HOSTNAME is set (getClient.js).
  process.env.WEBSITE_HOSTNAME ??= `127.0.0.1:${server.port}`;

  const serviceBus = await startServiceBusTriggers({
    registry,
    resolvedBindings,
    invoker,
    logger,
    settings: host.serviceBus,
    env: process.env,
    inputFor,
    trackExternal: dispatcher.trackExternal,
    enabled: options.serviceBusTriggers !== false,
  });

  for (const hook of registry.hooks('appStart')) await hook({ hookData: appLevelOnlyHookData, appHookData, functionAppDirectory: appRoot });

  const waitUntil = async (check: () => boolean, timeoutMs: number, what: string) => {
    if (!(await dispatcher.until(check, timeoutMs))) throw new ControlError(408, `Timed out after ${timeoutMs} ms waiting for ${what}.`);
  };

  let stopped = false;
  const handle: RuntimeHandle = {
    baseUrl,
    apiBaseUrl: host.routePrefix ? `${baseUrl}/${host.routePrefix}` : baseUrl,
    durableApiUrl: endpoints.webhookBaseUrl,
    rpcBaseUrl: endpoints.rpcBaseUrl,
    taskHubName: host.durable.hubName,
    keys,
    functions: registry.list().map((fn) => ({ name: fn.name, triggerType: fn.trigger.type })),
    async waitForInstance(instanceId, { timeoutMs = 30_000 } = {}) {
      const done = () => {
        const instance = store.state.instances.get(instanceId);
        return instance !== undefined && isTerminal(instance.runtimeStatus);
      };
      dispatcher.wake();
      await waitUntil(done, timeoutMs, `instance '${instanceId}' to finish`);
      return toStatusPayload(store.state.instances.get(instanceId) as NonNullable<ReturnType<typeof store.state.instances.get>>);
    },
    async runUntilIdle({ timeoutMs = 30_000 } = {}) {
      await Promise.race([
        dispatcher.whenIdle(),
        new Promise((_, reject) => setTimeout(() => reject(new ControlError(408, `Timed out after ${timeoutMs} ms waiting for the runtime to be idle.`)), timeoutMs).unref()),
      ]);
    },
    async advanceClock(ms) {
      if (!isVirtual(clock)) throw new ControlError(409, 'advanceClock needs the virtual clock (clock: "virtual").');
      clock.advanceBy(ms);
      dispatcher.wake();
      await handle.runUntilIdle();
    },
    now: async () => new Date(clock.now()),
    async getHistory(instanceId) {
      const instance = store.state.instances.get(instanceId);
      if (!instance) throw new ControlError(404, `No instance with ID '${instanceId}' found.`);
      return instance.history;
    },
    stats: async () => ({ ...dispatcher.stats(), instances: store.state.instances.size, serviceBusMessages: serviceBus.messagesProcessed() }),
    failDurableApi: async (fault) => durableApiFaults.add(fault),
    clearDurableApiFaults: async () => durableApiFaults.clear(),
    durableApiFaults: async () => durableApiFaults.report(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await serviceBus.stop();
      await dispatcher.stop();
      for (const hook of registry.hooks('appTerminate')) await hook({ hookData: appLevelOnlyHookData, appHookData });
      await server.close();
      await rpcServer.close();
      store.close();
    },
  };
  late.controlApi = createControlApi(handle, keys);
  dispatcher.wake();
  logger.info(`Local runtime listening on ${baseUrl} (task hub ${host.durable.hubName}, ${store.kind} store, ${clock.kind} clock${inboxOrder.kind === 'shuffled' ? `, inbox shuffled with seed ${inboxOrder.seed}` : ''}); functions: ${handle.functions.map((f) => `${f.name} [${f.triggerType}]`).join(', ')}`);
  return handle;
}

/** A virtual clock never starts before what a file store already recorded, so restarts do not go back in time. */
function createClock(option: ClockOption | undefined, notBefore: number, file: string | undefined): Clock {
  if (option === undefined || option === 'real' || (typeof option === 'object' && option.kind === 'real')) return createRealClock();
  const settings = typeof option === 'object' ? option : { kind: 'virtual' as const };
  const start = settings.start === undefined ? Math.max(Date.now(), notBefore) : Math.max(new Date(settings.start).getTime(), notBefore);
  if (Number.isNaN(start)) throw new Error(`clock.start must be a date, got ${JSON.stringify(settings.start)}.`);
  return createVirtualClock(start, settings.autoAdvance !== false, file === undefined ? undefined : clockFileWriter(file));
}

function createInboxOrder(option: InboxOrderOption | undefined): InboxOrder {
  if (option === undefined || option === 'fifo' || option.kind === 'fifo') return { kind: 'fifo' };
  if (option.kind === 'shuffled' && Number.isSafeInteger(option.seed)) return { kind: 'shuffled', seed: option.seed };
  throw new Error(`inboxOrder must be "fifo" or { kind: "shuffled", seed: <integer> }, got ${JSON.stringify(option)}.`);
}

function latestTimestamp(store: TaskHubStore): number {
  let latest = 0;
  for (const instance of store.state.instances.values()) latest = Math.max(latest, Date.parse(instance.lastUpdatedTime));
  for (const entity of store.state.entities.values()) latest = Math.max(latest, Date.parse(entity.lastOperationTime));
  return latest;
}

function createStore(option: StoreOption | undefined, appRoot: string): TaskHubStore {
  if (option === undefined || option === 'memory' || option.kind === 'memory') return createMemoryStore();
  return createFileStore(path.resolve(appRoot, option.directory));
}

const supportedBindingTypes = new Set(['httptrigger', 'http', 'orchestrationtrigger', 'activitytrigger', 'entitytrigger', 'durableclient', 'orchestrationclient', 'servicebustrigger']);

function warnUnsupportedBindings(bindings: { fn: string; name: string; b: RpcBindingInfo }[], logger: ReturnType<typeof createLogger>) {
  for (const { fn, name, b } of bindings) {
    if (!supportedBindingTypes.has(String(b.type).toLowerCase())) {
      logger.warn(`Binding "${name}" of type "${b.type}" is not supported by the local runtime; it gets no data and its output is dropped.`, { functionName: fn });
    }
  }
}
