import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCliArgs } from '../../../local/runtime/cli';
import { parseHostConfig, parseTimeSpanMs, readHostConfig } from '../../../local/runtime/hostConfig';
import { applySettingsToEnv, readLocalSettings, resolveBindingSettings } from '../../../local/runtime/settings';

describe('host.json', () => {
  test("the project's host.json parses; its hub name and instance rules are the ones the design relies on", () => {
    const config = readHostConfig(path.resolve(__dirname, '../../../host.json'), {});
    expect(config.routePrefix).toBe('api');
    expect(config.durable.hubName).toBe('PartnerCenterOrders');
    expect(config.durable.overridableExistingInstanceStates).toBe('NonRunningStates');
  });

  test('concurrency and Service Bus settings are read; defaults apply when absent', () => {
    const raw = {
      extensions: {
        http: { routePrefix: '/v1/' },
        durableTask: { hubName: 'Hub1', maxConcurrentActivityFunctions: 2, maxConcurrentOrchestratorFunctions: 20, maxConcurrentEntityFunctions: 3, maxEntityOperationBatchSize: 50 },
        serviceBus: { maxConcurrentCalls: 8, autoCompleteMessages: false, maxAutoLockRenewalDuration: '00:01:30' },
      },
    };
    expect(parseHostConfig(raw, {})).toEqual({
      routePrefix: 'v1',
      functionTimeoutMs: 30 * 60_000,
      durable: {
        hubName: 'Hub1',
        overridableExistingInstanceStates: 'NonRunningStates',
        maxConcurrentActivityFunctions: 2,
        maxConcurrentOrchestratorFunctions: 20,
        maxOrchestrationActions: 100_000,
        maxConcurrentEntityFunctions: 3,
        maxEntityOperationBatchSize: 50,
      },
      serviceBus: { maxConcurrentCalls: 8, autoCompleteMessages: false, maxAutoLockRenewalDurationMs: 90_000 },
    });
    const defaults = parseHostConfig({}, {});
    expect(defaults.routePrefix).toBe('api');
    expect(defaults.durable.hubName).toBe('TestHubName');
    // AzureStorageDurabilityProviderFactory's default outside the Consumption plan.
    expect(defaults.durable.maxEntityOperationBatchSize).toBe(5000);
    expect(defaults.serviceBus.autoCompleteMessages).toBe(true);
  });

  test('%Setting% in the hub name is resolved; bad values are named', () => {
    const raw = { extensions: { durableTask: { hubName: '%HUB%' } } };
    expect(parseHostConfig(raw, { HUB: 'MyHub' }).durable.hubName).toBe('MyHub');
    expect(() => parseHostConfig(raw, {})).toThrow('host.json "extensions.durableTask.hubName" refers to app setting "%HUB%", which is not defined');
    expect(() => parseHostConfig({ extensions: { durableTask: { overridableExistingInstanceStates: 'Sometimes' } } }, {})).toThrow(
      '"extensions.durableTask.overridableExistingInstanceStates" must be "NonRunningStates" or "AnyState", got "Sometimes"',
    );
    expect(() => parseHostConfig({ extensions: { serviceBus: { maxConcurrentCalls: 0 } } }, {})).toThrow('"extensions.serviceBus.maxConcurrentCalls" must be a positive integer');
    expect(() => parseHostConfig({ extensions: { durableTask: { hubName: 'a-b' } } }, {})).toThrow('must be 3-50 letters or digits');
  });

  test('functionTimeout: the host.json value, 30 minutes (Flex Consumption default) when absent, "-1" for none, at least 1 second', () => {
    expect(readHostConfig(path.resolve(__dirname, '../../../host.json'), {}).functionTimeoutMs).toBe(10 * 60_000);
    expect(parseHostConfig({}, {}).functionTimeoutMs).toBe(30 * 60_000);
    expect(parseHostConfig({ functionTimeout: '-1' }, {}).functionTimeoutMs).toBeNull();
    expect(parseHostConfig({ functionTimeout: '01:00:00' }, {}).functionTimeoutMs).toBe(3_600_000);
    expect(() => parseHostConfig({ functionTimeout: '00:00:00.5' }, {})).toThrow(
      'host.json "functionTimeout": FunctionTimeout must be greater than 00:00:01 and less than 10675199.02:48:05.4775807, got "00:00:00.5".',
    );
    expect(() => parseHostConfig({ functionTimeout: 600 }, {})).toThrow('host.json "functionTimeout" must be a TimeSpan such as "00:10:00", or "-1" for no timeout, got 600.');
  });

  test('maxOrchestrationActions: default 100,000, positive integers only', () => {
    expect(parseHostConfig({ extensions: { durableTask: { maxOrchestrationActions: 50 } } }, {}).durable.maxOrchestrationActions).toBe(50);
    expect(() => parseHostConfig({ extensions: { durableTask: { maxOrchestrationActions: 0 } } }, {})).toThrow(
      '"extensions.durableTask.maxOrchestrationActions" must be a positive integer',
    );
  });

  test('TimeSpan strings', () => {
    expect(parseTimeSpanMs('00:05:00')).toBe(300_000);
    expect(parseTimeSpanMs('3.00:00:00')).toBe(3 * 86_400_000);
    expect(parseTimeSpanMs('00:00:01.5')).toBe(1500);
    expect(parseTimeSpanMs('five minutes')).toBeUndefined();
  });
});

describe('local.settings.json and %Setting% references', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-settings-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('Values load into the environment unless already set (as func start does); Host.LocalHttpPort is read', () => {
    const file = path.join(dir, 'local.settings.json');
    fs.writeFileSync(file, JSON.stringify({ IsEncrypted: false, Values: { A: 'from-file', B: 'from-file', N: 3 }, Host: { LocalHttpPort: 7072 } }));
    const settings = readLocalSettings(file);
    expect(settings).toEqual({ values: { A: 'from-file', B: 'from-file', N: '3' }, localHttpPort: 7072 });
    const env: NodeJS.ProcessEnv = { B: 'from-env' };
    expect(applySettingsToEnv(settings.values, env)).toEqual(['B']);
    expect(env).toEqual({ A: 'from-file', B: 'from-env', N: '3' });
  });

  test('malformed files and values get an answer naming the field', () => {
    const file = path.join(dir, 'local.settings.json');
    fs.writeFileSync(file, '{ nope');
    expect(() => readLocalSettings(file)).toThrow('local.settings.json: not valid JSON');
    fs.writeFileSync(file, JSON.stringify({ Values: { Nested: { a: 1 } } }));
    expect(() => readLocalSettings(file)).toThrow('"Values.Nested" must be a string, got object');
    expect(readLocalSettings(path.join(dir, 'missing.json'))).toEqual({ values: {} });
  });

  test('binding options resolve %Setting%; a missing setting names the function and option', () => {
    const binding = { type: 'serviceBusTrigger', queueName: '%ORDERS_QUEUE%', connection: 'ServiceBusConnection' };
    expect(resolveBindingSettings(binding, { ORDERS_QUEUE: 'orders' }, 'Function "F"')).toEqual({ ...binding, queueName: 'orders' });
    expect(() => resolveBindingSettings(binding, {}, 'Function "F" binding "t"')).toThrow(
      'Function "F" binding "t" option "queueName" refers to app setting "%ORDERS_QUEUE%", which is not defined',
    );
  });
});

describe('command line', () => {
  test('port, store, clock and keys', () => {
    expect(parseCliArgs(['--port', '7075', '--store', 'file:data/hub', '--clock', 'virtual', '--master-key', 'mk'], '/app')).toEqual({
      isolation: 'in-process',
      port: 7075,
      store: { kind: 'file', directory: '/app/data/hub' },
      clock: 'virtual',
      keys: { master: 'mk' },
    });
    expect(parseCliArgs(['--help'])).toBe('help');
  });

  test('--inbox-order: fifo or shuffled:<seed>', () => {
    expect(parseCliArgs(['--port', '1', '--inbox-order', 'shuffled:42'], '/app')).toMatchObject({ inboxOrder: { kind: 'shuffled', seed: 42 } });
    expect(parseCliArgs(['--port', '1', '--inbox-order', 'fifo'], '/app')).toMatchObject({ inboxOrder: 'fifo' });
    expect(() => parseCliArgs(['--inbox-order', 'random'])).toThrow('--inbox-order must be "fifo" or "shuffled:<integer seed>", got "random"');
  });

  test('bad flags are named', () => {
    expect(() => parseCliArgs(['--port', 'seven'])).toThrow('--port must be a port number (0-65535), got "seven"');
    expect(() => parseCliArgs(['--store', 'disk'])).toThrow('--store must be "memory" or "file:<directory>", got "disk"');
    expect(() => parseCliArgs(['--clock'])).toThrow('--clock needs a value');
    expect(() => parseCliArgs(['--verbose', 'yes'])).toThrow('Unknown option --verbose');
  });
});
