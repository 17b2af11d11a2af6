// Shared set-up for the end-to-end suites: the app from its TypeScript sources in the local runtime (its own
// process), with the identity stand-ins, the Partner Center simulator and the Service Bus broker, on free ports and a
// virtual clock so days of polling pass in moments.
import path from 'node:path';
import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface E2eStack extends LocalStack {
  /** Every line the runtime printed (the app's logs included). */
  output: string[];
  serviceBus: ServiceBusClient;
}

export async function startE2eStack(options: Partial<LocalStackOptions> = {}): Promise<E2eStack> {
  const output: string[] = [];
  const stack = await startLocalStack({
    appRoot: REPO_ROOT,
    appEntry: 'functions/index.ts',
    clock: { kind: 'virtual', autoAdvance: true },
    onRuntimeOutput: (line) => output.push(line),
    ...options,
  });
  const serviceBus = new ServiceBusClient(stack.broker.connectionString, { retryOptions: { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 5_000 } });
  return {
    ...stack,
    output,
    serviceBus,
    stop: async () => {
      await serviceBus.close();
      await stack.stop();
    },
  };
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
