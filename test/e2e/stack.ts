// Shared set-up for the end-to-end suites: the app from its TypeScript sources in the local runtime (its own
// process), with the identity stand-ins, the Partner Center simulator and the Service Bus broker, on free ports and a
// virtual clock so days of polling pass in moments.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import type { RequestLogEntry } from '../../local/partner-center-simulator';
import { EventType, spawnLocalRuntime, type ChildRuntimeHandle, type ClockOption } from '../../local/runtime';
import type { InspectedMessage } from '../../local/service-bus';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';
import { brokerConfigWithContractSubscription, CONTRACT_SUBSCRIPTION, createContractValidators, recordApiResponses, type ContractLedger } from './contractCheck';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface E2eStack extends LocalStack {
  /** Every line the runtime printed (the app's logs included). */
  output: string[];
  serviceBus: ServiceBusClient;
  /** What the contract checks saw (contractCheck.ts): answers and messages checked, and every mismatch. */
  contracts: ContractLedger;
}

export async function startE2eStack(options: Partial<LocalStackOptions> = {}): Promise<E2eStack> {
  const output: string[] = [];
  const directory = options.simulator?.customerDirectory;
  const stack = await startLocalStack({
    appRoot: REPO_ROOT,
    appEntry: 'functions/index.ts',
    clock: { kind: 'virtual', autoAdvance: true },
    onRuntimeOutput: (line) => output.push(line),
    brokerConfig: brokerConfigWithContractSubscription(),
    ...options,
    // The simulator knows only its customers (404/60003 for any other GUID); each test's customer is one of them.
    simulator: { ...options.simulator, customerDirectory: (id) => testCustomers.has(id) || directory?.(id) === true },
  });
  const serviceBus = new ServiceBusClient(stack.broker.connectionString, { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 5_000 } });
  const validators = createContractValidators();
  const contracts: ContractLedger = { responses: 0, messages: 0, violations: [] };
  const restoreFetch = recordApiResponses(stack.runtime.apiBaseUrl, validators, contracts);
  /** Every message the topic got so far, from the subscription no test reads; each is checked once. */
  const checkMessages = () => {
    const all = stack.broker.inspect.messages(`order-results/Subscriptions/${CONTRACT_SUBSCRIPTION}`);
    for (const message of all.slice(contracts.messages)) {
      contracts.violations.push(...validators.checkMessage(message.body).map((p) => `results message ${String(message.messageId)}: ${p}`));
    }
    contracts.messages = all.length;
  };
  return {
    ...stack,
    output,
    serviceBus,
    contracts,
    stop: async () => {
      restoreFetch();
      checkMessages();
      await serviceBus.close();
      await stack.stop();
      if (contracts.violations.length > 0) {
        throw new Error(`answers or messages that do not match contracts/ (${contracts.violations.length}):\n${contracts.violations.slice(0, 20).join('\n')}`);
      }
    },
  };
}

/**
 * One stack per suite: started in beforeAll, stopped in afterAll and, unless told otherwise, with the simulator back to
 * its start after each test (once the runtime is idle). The returned object stands for the stack once it has started.
 */
export function useE2eStack(options: Partial<LocalStackOptions> = {}, { resetSimulatorAfterEach = true } = {}): E2eStack {
  let started: E2eStack | undefined;
  beforeAll(async () => {
    started = await startE2eStack(options);
  }, 60_000);
  if (resetSimulatorAfterEach) {
    afterEach(async () => {
      await started?.runtime.runUntilIdle();
      started?.simulator.controls.reset();
    });
  }
  afterAll(async () => {
    await started?.stop();
  });
  return new Proxy({} as E2eStack, {
    get(_target, property) {
      if (!started) throw new Error('the e2e stack is used before beforeAll started it');
      return started[property as keyof E2eStack];
    },
  });
}

/** Reads what the ERP would read from its subscription, settling every message. */
export async function receiveResults(stack: E2eStack, expected: number, maxWaitTimeInMs = 5_000): Promise<ServiceBusReceivedMessage[]> {
  const receiver = stack.serviceBus.createReceiver('order-results', 'erp', { receiveMode: 'receiveAndDelete' });
  const messages: ServiceBusReceivedMessage[] = [];
  try {
    while (messages.length < expected) {
      const batch = await receiver.receiveMessages(expected - messages.length, { maxWaitTimeInMs });
      if (batch.length === 0) break;
      messages.push(...batch);
    }
    return messages;
  } finally {
    await receiver.close();
  }
}

/** An answer read whole: its text, and the text parsed as JSON when it is JSON. For suites that probe odd answers. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function fetchAnswer(url: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, text, body };
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; headers: Headers; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

export async function getJson(url: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export async function deleteJson(url: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(url, { method: 'DELETE' });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * Polls `probe` until it returns something other than undefined. For states another process reaches on its own
 * schedule (a queue message settled, a request arriving at the simulator); the timeout only bounds a failing test.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const ERP_SUBSCRIPTION = 'order-results/Subscriptions/erp';

/** What the `erp` subscription holds for one ERP order id, oldest first (read without receiving it). */
export function resultsFor(stack: E2eStack, orderId: string): InspectedMessage[] {
  return stack.broker.inspect.messages(ERP_SUBSCRIPTION).filter((m) => m.correlationId === orderId);
}

/** The simulator's request log for one customer's calls, optionally only those matching `method` and a path pattern. */
export function simulatorCalls(stack: E2eStack, customerId: string, method?: string, path?: RegExp): RequestLogEntry[] {
  return stack.simulator.controls
    .requestLog()
    .filter((r) => r.path.includes(`/customers/${customerId}/`))
    .filter((r) => (method === undefined || r.method === method) && (path === undefined || path.test(r.path)));
}

/** Every id customerIdFor handed out: the partner's customers in every simulator an e2e stack starts. */
const testCustomers = new Set<string>();

/**
 * A customer id of its own for each test, so the simulator's per-customer counts belong to that test alone. It is one
 * of the partner's customers in any e2e stack's simulator (registered here, whenever it is made).
 */
export function customerIdFor(label: string): string {
  const id = guidFor(label);
  testCustomers.add(id);
  return id;
}

/** A GUID that is no customer of the partner (the simulator answers 404/60003 "Tenant not found" for it). */
export function strangerIdFor(label: string): string {
  const id = guidFor(`stranger:${label}`);
  if (testCustomers.has(id)) throw new Error(`strangerIdFor(${JSON.stringify(label)}) collides with a customer id`);
  return id;
}

function guidFor(label: string): string {
  const hex = createHash('sha256').update(label).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface FinishedOrder {
  /** The Durable status payload once the instance finished. */
  final: Awaited<ReturnType<E2eStack['runtime']['waitForInstance']>>;
  /** The messages the `erp` subscription holds for the order, oldest first. */
  results: InspectedMessage[];
  /** The outcome message's body. */
  outcome: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Posts an order to the HTTP API (202 expected) and waits until its instance has finished and published. */
export async function runOrderOverHttp(stack: E2eStack, order: { orderId: string }): Promise<FinishedOrder> {
  const accepted = await postJson(`${stack.runtime.apiBaseUrl}/orders`, order);
  if (accepted.status !== 202) throw new Error(`POST /orders answered ${accepted.status}: ${JSON.stringify(accepted.body)}`);
  const final = await stack.runtime.waitForInstance(accepted.body.instanceId, { timeoutMs: 30_000 });
  const results = resultsFor(stack, order.orderId);
  return { final, results, outcome: results.at(-1)?.body };
}

/** The earliest durable timer of the instance's current execution that has not fired yet (epoch ms). */
export async function nextTimerAt(stack: E2eStack, instanceId: string): Promise<number | undefined> {
  const history = await stack.runtime.getHistory(instanceId);
  const fired = new Set(history.filter((e) => e.EventType === EventType.TimerFired).map((e) => e.TimerId));
  const pending = history.filter((e) => e.EventType === EventType.TimerCreated && !fired.has(e.EventId)).map((e) => Date.parse(e.FireAt!));
  return pending.length > 0 ? Math.min(...pending) : undefined;
}

/**
 * For a stack started with `clock: { kind: 'virtual', autoAdvance: false }`: moves the simulator's clock and the
 * runtime's virtual clock forward together to the instance's next timer and runs what became due. The simulator moves
 * first, so the Partner Center calls the timer leads to see the same time (cart expiry, order settling).
 */
export async function advanceToNextTimer(stack: E2eStack, instanceId: string): Promise<number> {
  await stack.runtime.runUntilIdle();
  const fireAt = await nextTimerAt(stack, instanceId);
  if (fireAt === undefined) throw new Error(`instance ${instanceId} has no pending timer`);
  const byMs = Math.max(0, fireAt - (await stack.runtime.now()).getTime());
  stack.simulator.controls.advanceClock(byMs);
  await stack.runtime.advanceClock(byMs);
  await stack.runtime.runUntilIdle();
  return byMs;
}

/**
 * A new app process on the stack's file store and settings, as after a crash or a redeploy: it resumes every order the
 * killed process left in flight. The caller stops it.
 */
export function respawnApp(stack: E2eStack, storeDirectory: string, clock: ClockOption = { kind: 'virtual', autoAdvance: true }): Promise<ChildRuntimeHandle> {
  return spawnLocalRuntime({
    appRoot: REPO_ROOT,
    appEntry: path.join(REPO_ROOT, 'functions/index.ts'),
    port: 0,
    clock,
    // A virtual clock carries on from the store's latest time and tells the simulator through the stack's clock file.
    ...(typeof clock === 'object' && clock.kind === 'virtual' ? { clockFile: stack.clockFile } : {}),
    store: { kind: 'file', directory: storeDirectory },
    env: stack.settings,
    onOutput: (line) => stack.output.push(line),
  });
}
