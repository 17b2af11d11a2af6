// Loads the app's entry (functions/index.ts) the way the Functions worker does, with valid settings, and checks that
// every function is registered with the bindings the host needs. `@azure/functions-core` is provided by the worker at
// run time; under jest a virtual mock stands in for it (reference durable-functions-protocol.md §7).
interface Registered {
  name: string;
  bindings: Record<string, { type: string; direction: string; [key: string]: unknown }>;
}
const registered: Registered[] = [];
const hooks: string[] = [];

jest.mock(
  '@azure/functions-core',
  () => ({
    setProgrammingModel: () => undefined,
    registerHook: (name: string) => {
      hooks.push(name);
      return { dispose: () => undefined };
    },
    registerFunction: (metadata: Registered) => {
      registered.push(metadata);
      return { dispose: () => undefined };
    },
  }),
  { virtual: true },
);

const SETTINGS: Record<string, string> = {
  PARTNER_CENTER_BASE_URL: 'http://127.0.0.1:1',
  PARTNER_CENTER_TENANT_ID: '11111111-2222-3333-4444-555555555555',
  PARTNER_CENTER_CLIENT_ID: '66666666-7777-8888-9999-000000000000',
  PARTNER_CENTER_CLIENT_SECRET: 'local-test-secret',
  ServiceBusConnection: 'Endpoint=sb://127.0.0.1:1/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true',
  ORDERS_QUEUE: 'erp-orders',
  ORDER_POLL_DEADLINE: 'P3D',
};

const byName = (name: string) => {
  const found = registered.find((r) => r.name === name);
  if (!found) throw new Error(`${name} was not registered`);
  return Object.values(found.bindings);
};

beforeAll(() => {
  const saved = { ...process.env };
  Object.assign(process.env, SETTINGS);
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../../../functions');
    });
  } finally {
    warn.mockRestore();
    process.env = saved;
  }
});

describe('functions/index.ts', () => {
  test('registers the orchestration, its five activities, the five triggers and the health endpoint', () => {
    expect(registered.map((r) => r.name).sort()).toEqual(
      ['checkoutCart', 'contractsHttp', 'createCart', 'findCartOrders', 'getOrder', 'healthHttp', 'orderCancelHttp', 'orderClaim', 'partnerCenterBudget', 'orderStatusHttp', 'ordersHttpStart', 'ordersListHttp', 'ordersPageHttp', 'ordersQueueStart', 'processOrder', 'publishResult', 'purchaseOrderHttp'].sort(),
    );
    expect(byName('processOrder')).toEqual([expect.objectContaining({ type: 'orchestrationTrigger' })]);
    expect(byName('createCart')).toEqual([expect.objectContaining({ type: 'activityTrigger' })]);
  });

  test('the queue trigger reads the configured queue through the ServiceBusConnection setting, with a durable client', () => {
    expect(byName('ordersQueueStart')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'serviceBusTrigger', queueName: 'erp-orders', connection: 'ServiceBusConnection' }),
        expect.objectContaining({ type: 'durableClient', direction: 'in' }),
      ]),
    );
  });

  test('the HTTP triggers use function keys and the documented routes and methods', () => {
    const http = (name: string) => byName(name).find((b) => b.type === 'httpTrigger');
    expect(http('ordersHttpStart')).toMatchObject({ route: 'orders', methods: ['POST'], authLevel: 'function' });
    expect(http('orderStatusHttp')).toMatchObject({ route: 'orders/{orderId}', methods: ['GET'], authLevel: 'function' });
    expect(http('orderCancelHttp')).toMatchObject({ route: 'orders/{orderId}', methods: ['DELETE'], authLevel: 'function' });
    expect(http('ordersListHttp')).toMatchObject({ route: 'orders', methods: ['GET'], authLevel: 'function' });
    expect(http('ordersPageHttp')).toMatchObject({ route: 'orders-page', methods: ['GET'], authLevel: 'function' });
    expect(http('contractsHttp')).toMatchObject({ route: 'contracts/{name}', methods: ['GET'], authLevel: 'function' });
    expect(http('healthHttp')).toMatchObject({ route: 'health', methods: ['GET'], authLevel: 'function' });
    expect(http('purchaseOrderHttp')).toMatchObject({ route: 'orders/{orderId}/purchase-order', methods: ['POST'], authLevel: 'function' });
  });

  test('closes the results sender when the app terminates', () => {
    expect(hooks).toContain('appTerminate');
  });
});
