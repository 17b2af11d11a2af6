// The contract suite's target: the Partner Center simulator (default, in `npm test`) or the real integration sandbox
// (CONTRACT_TARGET=sandbox, normally through `npm run contract -- --sandbox`). Tests are written once against the
// project's client; this file builds the client for the chosen target, watches every call it makes (status and error
// code only) and records what each behaviour answered, for the side-by-side report.

import { randomUUID } from 'node:crypto';
import { startIdentityStandIns, type IdentityStandIns } from '../../local/identity/standIns';
import { startPartnerCenterSimulator, type PartnerCenterSimulator } from '../../local/partner-center-simulator';
import { SecretValue } from '../../shared/config';
import { createPartnerCenterTokenProvider, createSecretSource, type CredentialLogger } from '../../shared/credentials';
import { createPartnerCenterClient, PartnerCenterThrottledError, type PartnerCenterClient, type RequestContext } from '../../shared/partner-center';
import { behaviour, type BehaviourId } from '../../tools/contract/behaviours';
import { writeObservations, type CallRecord, type ContractTargetName, type Observation } from '../../tools/contract/report';
import { createSandboxClient } from '../../tools/contract/sandboxClient';
import { explainSandboxSettings, readSandboxSettings, LINE_ITEM_KINDS, type LineItemKind } from '../../tools/contract/settings';

export interface ContractTarget {
  name: ContractTargetName;
  client: PartnerCenterClient;
  /** A customer of the partner (the sandbox's test customer; a fresh GUID on the simulator). */
  customerId: string;
  /** Catalog item per line-item kind; undefined when the run leaves the kind out. */
  items: Record<LineItemKind, string | undefined>;
  /** Only on the simulator target: its controls, for behaviours that must be provoked (throttling). */
  simulator?: PartnerCenterSimulator;
  /** Pause between order reads and how long an order may take to settle. */
  pollIntervalMs: number;
  settleDeadlineMs: number;
  /** Partner Center's API root for this target. */
  baseUrl: string;
  /** Every Partner Center call made so far. */
  calls: CallRecord[];
}

export function targetName(env = process.env): ContractTargetName {
  const value = env.CONTRACT_TARGET?.trim() || 'simulator';
  if (value !== 'simulator' && value !== 'sandbox') throw new Error(`CONTRACT_TARGET must be "simulator" or "sandbox" (got ${JSON.stringify(value)})`);
  return value;
}

/** Decided when the test file loads, so skips are known (and named) before anything runs. */
export const TARGET_NAME = targetName();

// Credential logs are not needed by the report; on the sandbox, warnings (a refused secret re-read) still show.
const quietLogger: CredentialLogger = { info: () => undefined, warn: (m) => console.warn(m) };
// The simulator target runs in local-secret mode on purpose; its start-up warning about that is noise here.
const silentLogger: CredentialLogger = { info: () => undefined, warn: () => undefined };

const observations: Observation[] = [];
let current: Observation | undefined;

/** Replaces ids in a Partner Center path so calls compare across targets. */
function callName(method: string, url: URL): string {
  const template = url.pathname
    .replace(/\/customers\/[^/]+/i, '/customers/{customer}')
    .replace(/\/carts\/[^/]+/i, '/carts/{cart}')
    .replace(/\/orders\/[^/]+/i, '/orders/{order}');
  return `${method} ${template}${url.search.replace(/=[^&]*/g, '=…')}`;
}

/**
 * Observes fetch calls to Partner Center: the client under test runs unchanged over real sockets; this only reads the
 * status, the error code of a non-2xx body and Retry-After. Requests to Entra ID and Key Vault are not recorded.
 */
function observeFetch(partnerCenterOrigin: string, calls: CallRecord[]): () => void {
  const original = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const response = await original(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin !== partnerCenterOrigin || url.pathname.startsWith('/_simulator')) return response;
    const record: CallRecord = { call: callName((init?.method ?? 'GET').toUpperCase(), url), status: response.status };
    if (!response.ok) {
      const body = (await response
        .clone()
        .json()
        .catch(() => undefined)) as { code?: unknown; statusCode?: unknown } | undefined;
      const code = body?.code ?? body?.statusCode;
      if (typeof code === 'number' || typeof code === 'string') record.code = code;
      const retryAfter = response.headers.get('retry-after');
      if (retryAfter !== null) record.retryAfter = retryAfter;
    }
    calls.push(record);
    current?.calls.push(record);
    return response;
  };
  return () => {
    globalThis.fetch = original;
  };
}

/**
 * On the sandbox a 429 can come at any time (limits are shared and adjusted by the service): wait it out once, as the
 * workflow would on a durable timer, so a busy minute does not fail the contract. The simulator never needs this.
 */
function waitingOutThrottling(client: PartnerCenterClient): PartnerCenterClient {
  const wrap =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        if (!(error instanceof PartnerCenterThrottledError) || error.retryAfterSeconds > 120) throw error;
        await new Promise((resolve) => setTimeout(resolve, error.retryAfterSeconds * 1000));
        return call(...args);
      }
    };
  return {
    createCart: wrap(client.createCart),
    getCart: wrap(client.getCart),
    updateCart: wrap(client.updateCart),
    checkout: wrap(client.checkout),
    getOrder: wrap(client.getOrder),
    listOrders: wrap(client.listOrders),
    uploadPurchaseOrder: wrap(client.uploadPurchaseOrder),
  };
}

async function startSimulatorTarget(): Promise<{ target: Omit<ContractTarget, 'calls'>; stop: () => Promise<void> }> {
  // The same credential chain as the app (client credentials against Entra ID, here the stand-in), and a simulator
  // that checks the tokens, so the simulator target differs from the sandbox only in what answers.
  const clientId = randomUUID();
  const clientSecret = `contract-${randomUUID()}`;
  const identity: IdentityStandIns = await startIdentityStandIns({ clients: [{ clientId, secrets: [clientSecret] }] });
  const customerId = randomUUID();
  const simulator = await startPartnerCenterSimulator({
    port: 0,
    auth: { mode: 'jwt', jwksUri: identity.entraId.jwksUri, jwksCa: identity.caCertPem, tenantId: identity.tenantId },
    // The partner serves one customer, as in the sandbox: any other customer id is refused like the service does.
    knobs: { knownCustomers: [customerId] },
  });
  const secretSource = createSecretSource({ credentials: { authorityHost: identity.entraId.authorityHost, secret: { mode: 'local', clientSecret: new SecretValue(clientSecret) } } }, { logger: silentLogger });
  const tokenProvider = createPartnerCenterTokenProvider({
    config: { partnerCenter: { tenantId: identity.tenantId, clientId }, credentials: { authorityHost: identity.entraId.authorityHost } },
    secretSource,
    credentialOptions: { tlsOptions: { ca: identity.caCertPem } },
    logger: silentLogger,
  });
  const client = createPartnerCenterClient({ baseUrl: simulator.url, tokenProvider, timeoutMs: 10_000, transientRetryDelayMs: 1 });
  const items = Object.fromEntries(Object.entries(LINE_ITEM_KINDS).map(([kind, spec]) => [kind, spec.default])) as Record<LineItemKind, string>;
  return {
    target: { name: 'simulator', client, customerId, items, simulator, baseUrl: simulator.url, pollIntervalMs: 0, settleDeadlineMs: 10_000 },
    stop: async () => {
      await simulator.stop();
      await identity.stop();
    },
  };
}

function sandboxTarget(): Omit<ContractTarget, 'calls'> {
  const read = readSandboxSettings(process.env);
  if (!read.ok) throw new Error(explainSandboxSettings(read.problems));
  const { settings } = read;
  return {
    name: 'sandbox',
    client: waitingOutThrottling(createSandboxClient(settings, process.env, quietLogger)),
    customerId: settings.customerId,
    items: settings.items,
    baseUrl: settings.baseUrl,
    // Real orders settle in minutes; read them every 20 s, well inside the 500 requests a minute on orders.
    pollIntervalMs: 20_000,
    settleDeadlineMs: 15 * 60_000,
  };
}

/**
 * The target for one test file: built in beforeAll, its observations written in afterAll when CONTRACT_REPORT_DIR is
 * set (the contract runner sets it). The returned object stands for the target once beforeAll has run.
 */
export function useContractTarget(): ContractTarget {
  let target: ContractTarget | undefined;
  let stop: (() => Promise<void>) | undefined;
  let restoreFetch: (() => void) | undefined;
  const calls: CallRecord[] = [];
  beforeAll(async () => {
    if (TARGET_NAME === 'simulator') {
      const started = await startSimulatorTarget();
      target = { ...started.target, calls };
      stop = started.stop;
    } else {
      target = { ...sandboxTarget(), calls };
    }
    restoreFetch = observeFetch(new URL(target.baseUrl).origin, calls);
  }, 60_000);
  afterAll(async () => {
    restoreFetch?.();
    await stop?.();
    const dir = process.env.CONTRACT_REPORT_DIR;
    if (dir) {
      writeObservations(dir, { target: TARGET_NAME, finishedAt: new Date().toISOString(), observations, throttled: calls.filter((c) => c.status === 429) });
    }
  });
  return new Proxy({} as ContractTarget, {
    get(_t, property) {
      if (!target) throw new Error('the contract target is used before beforeAll built it');
      return target[property as keyof ContractTarget];
    },
  });
}

export interface Recorder {
  /** Records one fact of the answer (a status, a code, a count, a shape): never an id. */
  fact(name: string, value: string | number | boolean | null): void;
  /** The last Partner Center call this behaviour made (its status and error code). */
  lastCall(): CallRecord;
}

/**
 * One behaviour, one test. `skip` (a reason) skips it by name, with the reason in the test title and the report.
 * A failing assertion is recorded with its message before jest reports it.
 */
export function contract(id: BehaviourId, run: (record: Recorder) => Promise<void>, options: { skip?: string; timeoutMs?: number } = {}): void {
  const { title } = behaviour(id);
  if (options.skip) {
    observations.push({ behaviour: id, target: TARGET_NAME, result: 'skipped', answer: {}, calls: [], reason: options.skip });
    test.skip(`${title} [${id}] (skipped on ${TARGET_NAME}: ${options.skip})`, () => undefined);
    return;
  }
  test(
    `${title} [${id}]`,
    async () => {
      const observation: Observation = { behaviour: id, target: TARGET_NAME, result: 'failed', answer: {}, calls: [] };
      observations.push(observation);
      current = observation;
      try {
        await run({
          fact: (name, value) => void (observation.answer[name] = value),
          lastCall: () => {
            const last = observation.calls.at(-1);
            if (!last) throw new Error('no Partner Center call was recorded for this behaviour');
            return last;
          },
        });
        observation.result = 'passed';
      } catch (error) {
        observation.reason = (error instanceof Error ? error.message : String(error)).split('\n').filter((l) => l.trim()).slice(0, 3).join(' ');
        throw error;
      } finally {
        current = undefined;
      }
    },
    options.timeoutMs ?? (TARGET_NAME === 'sandbox' ? 20 * 60_000 : 30_000),
  );
}

/** A fresh MS-RequestId (a GUID, as headers.md asks) for one logical step; the correlation id is the test's. */
export function newContext(correlationId: string = randomUUID()): RequestContext {
  return { requestId: randomUUID(), correlationId };
}

/** The error a call fails with; fails the test when the call succeeds. */
export async function failureOf(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`the call failed with a non-Error: ${String(error)}`);
  }
  throw new Error('the call succeeded; a refusal was expected');
}
