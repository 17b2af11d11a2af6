// The whole app on one machine: the identity stand-ins (Entra ID, managed identity, Key Vault over HTTPS), the
// Partner Center simulator verifying their tokens, the Service Bus broker, and the local Functions + Durable runtime
// running the app unchanged with settings that point at them. `npm start` and the end-to-end tests both use this, so
// what a user runs is what the tests prove.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startIdentityStandIns, type IdentityStandIns } from './identity';
import { staticKeySet } from './identity/jwks';
import { LOCAL_IDENTITY_DEFAULTS } from './identity/localDefaults';
import { startPartnerCenterSimulator, type PartnerCenterSimulator, type PartnerCenterSimulatorOptions } from './partner-center-simulator';
import { readClockFile } from './runtime/durable/clock';
import { spawnLocalRuntime, type ChildRuntimeHandle, type ClockOption, type FunctionKeys, type StoreOption } from './runtime';
import { ORDERS_QUEUE, RESULTS_TOPIC, startServiceBusBroker, type ServiceBusBroker } from './service-bus';

export interface LocalStackOptions {
  /** Repository root (host.json, package.json). */
  appRoot: string;
  /** The app's entry: compiled `dist/functions/index.js`, or `functions/index.ts` (the runtime transpiles it). */
  appEntry: string;
  /** Fixed ports for a local run that matches local.settings.sample.json; free ports (0) when left out. */
  ports?: { runtime?: number; partnerCenter?: number; serviceBus?: number; entraId?: number; managedIdentity?: number; keyVault?: number };
  clock?: ClockOption;
  store?: StoreOption;
  /** Extra or overriding app settings (for example ORDER_POLL_INITIAL_INTERVAL). */
  settings?: Record<string, string>;
  simulator?: Omit<PartnerCenterSimulatorOptions, 'port' | 'auth'>;
  /** Where the runtime's output lines go (default: dropped). They never contain secrets or tokens. */
  onRuntimeOutput?: (line: string) => void;
  /** Function keys: when set, routes need them as in Azure, and the Durable webhooks need the master (system) key. */
  keys?: FunctionKeys;
  /**
   * `entraId`: the app runs with API_AUTH=entraId behind the runtime's App Service authentication, which accepts the
   * Entra ID stand-in's tokens for LOCAL_IDENTITY_DEFAULTS.api.audience; its callers (erp, operator) hold their app roles.
   */
  apiAuth?: 'functionKeys' | 'entraId';
  /** Where the CA certificate is written for the runtime process (NODE_EXTRA_CA_CERTS); a temp folder by default. */
  caFile?: string;
  /** The broker's entities (an emulator Config.json document); config.default.json when left out. */
  brokerConfig?: unknown;
}

export interface LocalStack {
  runtime: ChildRuntimeHandle;
  simulator: PartnerCenterSimulator;
  broker: ServiceBusBroker;
  identity: IdentityStandIns;
  /** The settings the app runs with (the client secret is not among them: it lives in the Key Vault stand-in). */
  settings: Record<string, string>;
  /** The Partner Center app secret stored in the Key Vault stand-in (tests search logs for it). */
  clientSecret: string;
  /** Under a virtual clock: the file the runtime keeps its time in (a respawned runtime must write the same one). */
  clockFile?: string;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const ports = options.ports ?? {};
  const { tenantId, clientId, clientSecret, secretName, api } = LOCAL_IDENTITY_DEFAULTS;
  const entraIdApi = options.apiAuth === 'entraId';
  const apiCallers = entraIdApi ? Object.values(api.callers) : [];
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop();
  };

  try {
    const identity = await startIdentityStandIns({
      tenantId,
      clients: [{ clientId, secrets: [clientSecret] }, ...apiCallers.map((c) => ({ clientId: c.clientId, secrets: [c.secret] }))],
      appRoles: apiCallers.map((c) => ({ clientId: c.clientId, resource: api.audience, roles: [...c.roles] })),
      secrets: { [secretName]: clientSecret },
      // As in Azure (infra/app/rbac/keyvault.bicep): the app's identity may read this one secret and nothing else.
      keyVaultRbac: { managedIdentityReads: [secretName] },
      writeCaFile: options.caFile ?? true,
      ports: { entraId: ports.entraId ?? 0, managedIdentity: ports.managedIdentity ?? 0, keyVault: ports.keyVault ?? 0 },
    });
    stoppers.push(() => identity.stop());

    // The simulator accepts only tokens the Entra ID stand-in signed for Partner Center and this partner tenant.
    // Under a virtual clock it keeps up with the runtime's time, so carts made after days of skipped timers are fresh.
    // The runtime keeps its virtual time in a file, written before anything runs at a new time, which the simulator
    // reads on each request: no HTTP round trip to the runtime per Partner Center call.
    const virtualClock = options.clock === 'virtual' || (typeof options.clock === 'object' && options.clock.kind === 'virtual');
    const clockDirectory = virtualClock ? fs.mkdtempSync(path.join(os.tmpdir(), 'local-stack-clock-')) : undefined;
    if (clockDirectory) stoppers.push(async () => fs.rmSync(clockDirectory, { recursive: true, force: true }));
    const clockFile = clockDirectory && path.join(clockDirectory, 'now');
    const simulator = await startPartnerCenterSimulator({
      ...options.simulator,
      // The simulator's default listing lag is the documented 15 minutes (get-all-of-a-customer-s-orders.md), so
      // recovery from a lost checkout answer runs against the real lag.
      knobs: { ...options.simulator?.knobs },
      ...(clockFile ? { clockSource: async () => readClockFile(clockFile) ?? Date.now() } : {}),
      port: ports.partnerCenter ?? 0,
      auth: { mode: 'jwt', jwksUri: identity.entraId.jwksUri, jwksCa: identity.caCertPem, tenantId },
    });
    stoppers.push(() => simulator.stop());

    // Duplicate detection windows run on the same time, so an hour-long window passes when the app's hour does.
    // jwt put-tokens must be signed by the Entra ID stand-in (its managed identity endpoint signs with the same key)
    // for this tenant, as Service Bus takes only its tenant's Entra tokens; the key set is read on each check. The app's
    // identity holds the roles infra/app/rbac/servicebus.bicep gives it. The connection string the app uses here is the
    // namespace's Manage rule, so it keeps every right it needs.
    const broker = await startServiceBusBroker({
      port: ports.serviceBus ?? 0,
      config: options.brokerConfig,
      entraId: {
        keys: { find: (kid) => staticKeySet({ keys: identity.entraId.jwks().keys.map((jwk) => ({ ...jwk })) }).find(kid) },
        tenantId,
        roleAssignments: [
          { principalId: identity.managedIdentity.principalId, role: 'Azure Service Bus Data Owner', entityPath: ORDERS_QUEUE },
          { principalId: identity.managedIdentity.principalId, role: 'Azure Service Bus Data Sender', entityPath: RESULTS_TOPIC },
        ],
      },
      ...(clockFile ? { clock: () => readClockFile(clockFile) ?? Date.now() } : {}),
    });
    stoppers.push(() => broker.stop());

    const settings: Record<string, string> = {
      FUNCTIONS_WORKER_RUNTIME: 'node',
      PARTNER_CENTER_BASE_URL: simulator.url,
      PARTNER_CENTER_TENANT_ID: tenantId,
      PARTNER_CENTER_CLIENT_ID: clientId,
      AZURE_AUTHORITY_HOST: identity.entraId.authorityHost,
      KEY_VAULT_URL: identity.keyVault.vaultUrl,
      PARTNER_CENTER_SECRET_NAME: secretName,
      ServiceBusConnection: broker.connectionString,
      ORDERS_QUEUE: 'orders',
      RESULTS_TOPIC: 'order-results',
      ...identity.environment(),
      ...(entraIdApi ? { API_AUTH: 'entraId' } : {}),
      ...options.settings,
    };

    // The app runs in its own process, as the Functions worker does, so NODE_EXTRA_CA_CERTS applies at its start.
    const runtime = await spawnLocalRuntime({
      appRoot: options.appRoot,
      appEntry: path.resolve(options.appRoot, options.appEntry),
      port: ports.runtime ?? 0,
      clock: options.clock,
      clockFile,
      store: options.store,
      env: settings,
      keys: options.keys,
      ...(entraIdApi
        ? { easyAuth: { issuer: `${identity.entraId.authorityHost}/${tenantId}/v2.0`, allowedAudiences: [api.audience], jwksUri: identity.entraId.jwksUri, jwksCa: identity.caCertPem } }
        : {}),
      onOutput: options.onRuntimeOutput,
    });
    stoppers.push(() => runtime.stop());

    return { runtime, simulator, broker, identity, settings, clientSecret, clockFile, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
