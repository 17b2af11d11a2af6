/**
 * `npm run bench:broker [-- --messages 5000 --body-bytes 512]`: messages per second through the real
 * @azure/service-bus client against the local broker, so a slow local run can be traced to (or cleared of) it.
 */
import { ServiceBusClient, type ServiceBusMessage } from '@azure/service-bus';
import { parseCliOptions } from './cliArgs';
import { startServiceBusBroker } from './server';

const USAGE = 'Usage: npm run bench:broker -- [--messages 5000] [--body-bytes 512] [--concurrency 16]';

interface Result {
  phase: string;
  messages: number;
  ms: number;
}

async function timed(phase: string, messages: number, run: () => Promise<void>): Promise<Result> {
  const started = process.hrtime.bigint();
  await run();
  return { phase, messages, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

async function main(): Promise<void> {
  const options = parseCliOptions(process.argv.slice(2), { messages: 'number', 'body-bytes': 'number', concurrency: 'number' }, USAGE);
  const total = (options.messages as number | undefined) ?? 5000;
  const bodyBytes = (options['body-bytes'] as number | undefined) ?? 512;
  const concurrency = Math.max(1, (options.concurrency as number | undefined) ?? 16);
  const body = { payload: 'x'.repeat(bodyBytes) };
  const message = (i: number): ServiceBusMessage => ({ body, messageId: `bench-${i}` });

  const broker = await startServiceBusBroker({});
  const client = new ServiceBusClient(broker.connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 30_000 } });
  const queue = 'orders';
  const sender = client.createSender(queue);
  const results: Result[] = [];
  try {
    results.push(
      await timed('send, batches', total, async () => {
        let batch = await sender.createMessageBatch();
        for (let i = 0; i < total; i++) {
          if (!batch.tryAddMessage(message(i))) {
            await sender.sendMessages(batch);
            batch = await sender.createMessageBatch();
            batch.tryAddMessage(message(i));
          }
        }
        await sender.sendMessages(batch);
      }),
    );
    results.push(
      await timed('receive, receiveAndDelete', total, async () => {
        const receiver = client.createReceiver(queue, { receiveMode: 'receiveAndDelete' });
        for (let got = 0; got < total; ) got += (await receiver.receiveMessages(500, { maxWaitTimeInMs: 1000 })).length;
        await receiver.close();
      }),
    );
    const singles = Math.min(total, 2000);
    results.push(
      await timed(`send, single messages x${concurrency} concurrent`, singles, async () => {
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < singles) await sender.sendMessages(message(total + next++));
        };
        await Promise.all(Array.from({ length: concurrency }, worker));
      }),
    );
    results.push(
      await timed(`receive, peekLock subscribe() + complete (maxConcurrentCalls ${concurrency})`, singles, async () => {
        const receiver = client.createReceiver(queue);
        let done = 0;
        await new Promise<void>((resolve, reject) => {
          receiver.subscribe(
            {
              processMessage: async () => {
                if (++done === singles) resolve();
              },
              processError: async ({ error }) => reject(error),
            },
            { maxConcurrentCalls: concurrency },
          );
        });
        await receiver.close();
      }),
    );
    const counts = broker.inspect.counts(queue);
    console.log(`Local Service Bus broker, ${bodyBytes}-byte bodies, queue '${queue}' (left after the run: ${JSON.stringify(counts)})`);
    console.table(results.map((r) => ({ phase: r.phase, messages: r.messages, seconds: +(r.ms / 1000).toFixed(2), 'messages/s': Math.round((r.messages * 1000) / r.ms) })));
  } finally {
    await client.close();
    await broker.stop();
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
