// `npm run order`: an order sent as the ERP would (the queue, or HTTP), watched stage by stage through the status
// API, with the exit code of its outcome. Run in-process against the e2e stack (settings from the environment it is
// given, as the CLI reads them); console.log is captured to read what a person would see.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runOrderCli } from '../../tools/order/cli';
import { M365_E3, validOrder } from '../fixtures/orders/requests';
import { customerIdFor, useE2eStack } from './stack';

const stack = useE2eStack();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function orderFile(name: string, order: unknown): string {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(order));
  return file;
}

async function run(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(String(line).replace(/^\d\d:\d\d:\d\d {2}/, '')));
  try {
    const env = { ORDERS_API_URL: stack.runtime.apiBaseUrl, ServiceBusConnection: stack.broker.connectionString };
    return { code: await runOrderCli(args, env), lines };
  } finally {
    spy.mockRestore();
  }
}

test('a queued order, watched: each stage, the order ids, the subscriptions, exit 0 on completed', async () => {
  const file = orderFile('ok', validOrder({ orderId: 'SO-CLI-1', customerId: customerIdFor('cli-ok') }));
  const { code, lines } = await run([file, '--watch']);
  expect(lines[0]).toBe('queued: order SO-CLI-1 sent to the "orders" queue');
  expect(lines).toContainEqual(expect.stringMatching(/^cart created: \S+/));
  expect(lines).toContainEqual(expect.stringMatching(/^checked out: Partner Center order\(s\) \S+/));
  expect(lines.at(-1)).toMatch(/^outcome: completed, subscription\(s\) \S+/);
  expect(code).toBe(0);
});

test('over HTTP, an order Partner Center refuses: outcome failed with its reason, exit 3', async () => {
  const file = orderFile('refused', validOrder({
    orderId: 'SO-CLI-2', customerId: customerIdFor('cli-refused'),
    lineItems: [{ catalogItemId: M365_E3, quantity: 1, billingCycle: 'monthly', termDuration: 'P1Y' }, { catalogItemId: 'CFQ7TTC0ZZZZ:0001:CFQ7TTC0ZZZZ', quantity: 2, billingCycle: 'monthly', termDuration: 'P1Y' }],
  }));
  const { code, lines } = await run([file, '--http', '--watch']);
  expect(lines[0]).toBe('queued: order SO-CLI-2 accepted over HTTP (instance order-SO-CLI-2)');
  expect(lines.at(-1)).toMatch(/^outcome: failed \(/);
  expect(code).toBe(3);
});

test('an invalid order is rejected before anything is sent, naming the field: exit 7', async () => {
  const file = orderFile('bad', { ...validOrder({ orderId: 'SO-CLI-3' }), lineItems: [] });
  const { code, lines } = await run([file, '--watch']);
  expect(lines).toEqual([expect.stringMatching(/^rejected: lineItems /)]);
  expect(code).toBe(7);
  expect((await fetch(`${stack.runtime.apiBaseUrl}/orders/SO-CLI-3`)).status).toBe(404);
});
