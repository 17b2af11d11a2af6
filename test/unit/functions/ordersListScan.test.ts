// The list's bounded scan: however large the task hub and however rare the matches, one request reads at most
// MAX_SCANNED_PER_REQUEST instances. The backend here is an in-memory page source with the instance query's paging
// contract (top + opaque continuation token), because a task hub of thousands of instances in the local runtime would
// take minutes to build; the real query over the runtime is covered in test/integration/functions/ordersList.test.ts.
import type { DurableOrchestrationStatus } from 'durable-functions';
import { InstanceQueryError, type InstanceQuery, type QueryInstancePage } from '../../../functions/orderInstanceQuery';
import { listOrders, MAX_SCANNED_PER_REQUEST, SCAN_PAGE_SIZE } from '../../../functions/ordersListHttp';

const TOTAL = 5000;
const instances = Array.from({ length: TOTAL }, (_, n) => {
  const orderId = `SCAN-${n}`;
  const failed = n % 1000 === 999;
  return {
    name: 'processOrder', instanceId: `order-${orderId}`, runtimeStatus: 'Completed', input: { request: { orderId, customerId: '11111111-1111-4111-8111-111111111111' } },
    customStatus: { stage: 'finished', orderId }, output: { kind: 'outcome', status: failed ? 'failed' : 'completed', orders: [], errors: [] },
    createdTime: '2026-03-02T09:00:00Z', lastUpdatedTime: '2026-03-02T09:05:00Z',
  } as unknown as DurableOrchestrationStatus;
});

function pageSource(calls: InstanceQuery[]): QueryInstancePage {
  return async (query) => {
    calls.push(query);
    const offset = query.continuationToken ? Number(query.continuationToken) : 0;
    const page = instances.slice(offset, offset + query.top);
    return { instances: page, continuationToken: offset + query.top < TOTAL ? String(offset + query.top) : null };
  };
}

test('a filter that matches 5 of 5,000 instances: at most 500 read per request, every match found once', async () => {
  const calls: InstanceQuery[] = [];
  const found: string[] = [];
  const perRequest: number[] = [];
  let token: string | null = null;
  do {
    const before: number = calls.length;
    const page = await listOrders(pageSource(calls), { outcome: ['failed'] }, 25, token);
    if ('error' in page) throw new Error(page.error);
    found.push(...page.orders.map((o) => o.orderId));
    perRequest.push(calls.length - before);
    token = page.continuationToken;
  } while (token);
  expect(found).toEqual(['SCAN-999', 'SCAN-1999', 'SCAN-2999', 'SCAN-3999', 'SCAN-4999']);
  expect(Math.max(...perRequest)).toBe(MAX_SCANNED_PER_REQUEST / SCAN_PAGE_SIZE);
  expect(perRequest).toHaveLength(TOTAL / MAX_SCANNED_PER_REQUEST);
  expect(calls.every((c) => c.top === SCAN_PAGE_SIZE && c.runtimeStatus?.join() === 'Completed' && c.instanceIdPrefix === 'order')).toBe(true);
});

test('a page that fills in the middle of a backend page resumes right after the last order it returned', async () => {
  const calls: InstanceQuery[] = [];
  const first = await listOrders(pageSource(calls), { customerId: '11111111-1111-4111-8111-111111111111' }, 30, null);
  if ('error' in first) throw new Error(first.error);
  const second = await listOrders(pageSource(calls), { customerId: '11111111-1111-4111-8111-111111111111' }, 30, first.continuationToken);
  if ('error' in second) throw new Error(second.error);
  expect([...first.orders, ...second.orders].map((o) => o.orderId)).toEqual(Array.from({ length: 60 }, (_, n) => `SCAN-${n}`));
});

test('a backend 400 is the caller\'s token only while that token is in use; later, it is the backend\'s failure', async () => {
  const start = await listOrders(pageSource([]), { outcome: ['failed'] }, 25, null);
  if ('error' in start) throw new Error(start.error);
  const token = JSON.parse(Buffer.from(start.continuationToken!, 'base64url').toString('utf8'));
  const withBackend = (b: string) => Buffer.from(JSON.stringify({ ...token, b }), 'utf8').toString('base64url');
  // Refuses any position but the first pages the source itself issued.
  const strict: QueryInstancePage = async (query) => {
    if (query.continuationToken !== undefined && Number(query.continuationToken) > 600) throw new InstanceQueryError(400);
    return pageSource([])(query);
  };

  const refused = await listOrders(strict, { outcome: ['failed'] }, 25, withBackend('1000'));
  expect(refused).toEqual({ error: expect.stringContaining('the order store did not accept its backend position') });
  // From the caller's valid position the scan reaches a position the backend then refuses: not the caller's doing.
  await expect(listOrders(strict, { outcome: ['failed'] }, 25, withBackend('500'))).rejects.toThrow('the Durable instance query answered HTTP 400');
  expect(await listOrders(pageSource([]), { outcome: ['failed'] }, 25, withBackend('a\nb'))).toEqual({ error: expect.stringContaining('printable ASCII') });
});

test('an outcome still being published (stage publishing) is found by stage or wait, never by an outcome filter', async () => {
  const publishing = {
    name: 'processOrder', instanceId: 'order-PUB-1', runtimeStatus: 'Running', input: { request: { orderId: 'PUB-1', customerId: '11111111-1111-4111-8111-111111111111' } },
    customStatus: { stage: 'publishing', orderId: 'PUB-1', outcome: 'failed', waitingFor: 'resultsTopic', nextCheckAt: '2026-03-02T09:10:00Z', orders: [] },
    output: null, createdTime: '2026-03-02T09:00:00Z', lastUpdatedTime: '2026-03-02T09:05:00Z',
  } as unknown as DurableOrchestrationStatus;
  // The instance query's runtimeStatus filter is the backend's; this source ignores it, so the app's own match decides.
  const source: QueryInstancePage = async () => ({ instances: [publishing], continuationToken: null });
  const ids = async (filter: Parameters<typeof listOrders>[1]) => {
    const page = await listOrders(source, filter, 25, null);
    if ('error' in page) throw new Error(page.error);
    return page.orders.map((o) => [o.orderId, o.outcome, o.stage]);
  };
  expect(await ids({ outcome: ['failed'] })).toEqual([]);
  expect(await ids({ outcome: ['failed'], stage: ['checkingOut'] })).toEqual([]);
  expect(await ids({ stage: ['publishing'] })).toEqual([['PUB-1', 'failed', 'publishing']]);
  expect(await ids({ waitingFor: ['resultsTopic'] })).toEqual([['PUB-1', 'failed', 'publishing']]);
});
