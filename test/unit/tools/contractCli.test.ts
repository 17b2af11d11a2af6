// The contract runner: a sandbox run checks its settings before anything runs and explains what is missing; a run
// merges the targets' observations into one side-by-side report.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runContractCli, type ContractCliDeps } from '../../../tools/contract/cli';
import { writeObservations, type ContractReport, type Observation } from '../../../tools/contract/report';
import { readSandboxSettings } from '../../../tools/contract/settings';

const SECRET = 'sandbox-Secret~Value.0001_zQx';
const COMPLETE = {
  CONTRACT_TENANT_ID: '11111111-2222-4333-8444-555555555555',
  CONTRACT_TENANT_IS_SANDBOX: 'true',
  CONTRACT_CLIENT_ID: '66666666-7777-4888-8999-000000000000',
  CONTRACT_CUSTOMER_ID: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
  CONTRACT_CLIENT_SECRET: SECRET,
};

let root: string;
let printed: string[];
let runSuite: jest.Mock<Promise<number>, [string, string]>;
const originalFetch = globalThis.fetch;

function deps(env: Record<string, string>): ContractCliDeps {
  return { env, print: (text) => void printed.push(text), runSuite, root };
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'contract-cli-'));
  printed = [];
  runSuite = jest.fn(async (_target: string, _dir: string) => 0);
  // Proves "without calling anything": any network call from the runner would fail the test.
  globalThis.fetch = jest.fn(async () => {
    throw new Error('the contract runner must not call anything before its settings are complete');
  });
});

afterEach(() => {
  globalThis.fetch = originalFetch;
  fs.rmSync(root, { recursive: true, force: true });
});

describe('npm run contract -- --sandbox without its settings', () => {
  it('explains every missing setting, runs nothing and exits 2', async () => {
    const code = await runContractCli(['--sandbox'], deps({}));

    expect(code).toBe(2);
    expect(runSuite).not.toHaveBeenCalled();
    expect(globalThis.fetch).not.toHaveBeenCalled();
    const text = printed.join('\n');
    expect(text).toContain('Nothing was called');
    for (const name of ['CONTRACT_TENANT_ID is not set', 'CONTRACT_TENANT_IS_SANDBOX is not set', 'CONTRACT_CLIENT_ID is not set', 'CONTRACT_CUSTOMER_ID is not set', 'No app secret']) {
      expect(text).toContain(name);
    }
    expect(text).toContain('never put it in a file in the repository');
  });

  it('refuses a tenant that is not marked as a sandbox, without printing the secret', async () => {
    const code = await runContractCli(['--sandbox'], deps({ ...COMPLETE, CONTRACT_TENANT_IS_SANDBOX: 'false' }));

    expect(code).toBe(2);
    expect(runSuite).not.toHaveBeenCalled();
    const text = printed.join('\n');
    expect(text).toContain('CONTRACT_TENANT_IS_SANDBOX is "false"');
    expect(text).toContain('only runs against a tenant marked as a Partner Center integration sandbox');
    expect(text).not.toContain(SECRET);
  });

  it('names malformed values and a doubled secret source', async () => {
    const result = readSandboxSettings({ ...COMPLETE, CONTRACT_CUSTOMER_ID: 'contoso', CONTRACT_KEY_VAULT_URL: 'https://v.vault.azure.net', CONTRACT_ITEM_SAAS: 'not an id' });

    expect(result).toEqual({
      ok: false,
      problems: [
        'CONTRACT_CUSTOMER_ID must be a GUID (got "contoso")',
        'CONTRACT_CLIENT_SECRET and CONTRACT_KEY_VAULT_URL are both set: set exactly one',
        'CONTRACT_ITEM_SAAS must be a catalog item id productId:skuId:availabilityId or "skip" (got "not an id")',
      ],
    });
  });

  it('accepts complete settings, with Key Vault as the secret source and a kind left out', () => {
    const { CONTRACT_CLIENT_SECRET: _secret, ...withoutSecret } = COMPLETE;
    const result = readSandboxSettings({ ...withoutSecret, CONTRACT_KEY_VAULT_URL: 'https://pc-sandbox.vault.azure.net/', CONTRACT_ITEM_AZURE_PLAN: 'skip' });

    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.settings.secret).toEqual({ mode: 'keyVault', vaultUrl: 'https://pc-sandbox.vault.azure.net', secretName: 'partner-center-client-secret' });
    expect(result.settings.items.azurePlan).toBeUndefined();
    expect(result.settings.items.license).toBe('CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5');
    expect(result.settings.baseUrl).toBe('https://api.partnercenter.microsoft.com');
  });
});

describe('the report', () => {
  const observation = (target: 'simulator' | 'sandbox', behaviour: string, answer: Observation['answer'], status = 201, result: Observation['result'] = 'passed'): Observation => ({
    behaviour,
    target,
    result,
    answer,
    calls: [{ call: 'POST /v1/customers/{customer}/carts/{cart}/checkout', status }],
  });

  it('runs the simulator, then the sandbox, and puts their answers side by side', async () => {
    runSuite.mockImplementation(async (target, dir) => {
      const sandbox = target === 'sandbox';
      writeObservations(dir, {
        target: target as 'simulator' | 'sandbox',
        finishedAt: '2026-01-01T00:00:00.000Z',
        throttled: sandbox ? [{ call: 'GET /v1/customers/{customer}/orders/{order}', status: 429, code: 429, retryAfter: '30' }] : [],
        observations: [
          observation(target as 'simulator', 'checkout', { orders: 1 }),
          observation(target as 'simulator', 'checkout.alreadyOrdered', sandbox ? { answer: 'refused as already submitted' } : { answer: 'the first result again' }, sandbox ? 400 : 201),
          sandbox
            ? { behaviour: 'throttling', target: 'sandbox', result: 'skipped', answer: {}, calls: [], reason: 'not provoked' }
            : observation('simulator', 'throttling', { retryAfterHeader: true }, 429),
        ],
      });
      return 0;
    });

    const code = await runContractCli(['--sandbox', '--report-dir', 'out'], deps(COMPLETE));

    expect(code).toBe(0);
    expect(runSuite.mock.calls.map(([target]) => target)).toEqual(['simulator', 'sandbox']);
    const report = JSON.parse(fs.readFileSync(path.join(root, 'out', 'contract-report.json'), 'utf8')) as ContractReport;
    const row = (id: string) => report.rows.find((r) => r.id === id)!;
    expect(row('checkout').differs).toBe(false);
    expect(row('checkout.alreadyOrdered').differs).toBe(true);
    expect(row('throttling').differs).toBe(false);
    expect(row('orders.settle').simulator).toBeUndefined();
    expect(report.targets.sandbox).toEqual({ ran: true, passed: 2, failed: 0, skipped: 1, throttled: 1 });

    const markdown = fs.readFileSync(path.join(root, 'out', 'contract-report.md'), 'utf8');
    const alreadyOrdered = markdown.split('\n').find((l) => l.includes('`checkout.alreadyOrdered`'))!;
    expect(alreadyOrdered).toContain('answer=the first result again');
    expect(alreadyOrdered).toContain('→ 400');
    expect(alreadyOrdered).toContain('answer=refused as already submitted');
    expect(alreadyOrdered).toMatch(/\| \*\*yes\*\* \|$/);
    expect(markdown.split('\n').find((l) => l.includes('`throttling`'))).toContain('skipped: not provoked');
    expect(printed.join('\n')).toContain('answered differently for: checkout.alreadyOrdered');
  });

  it('exits 1 when a target fails, and runs only the simulator without --sandbox', async () => {
    runSuite.mockImplementation(async (target, dir) => {
      writeObservations(dir, { target: target as 'simulator', finishedAt: '', throttled: [], observations: [observation('simulator', 'checkout', {}, 500, 'failed')] });
      return 1;
    });

    const code = await runContractCli([], deps({}));

    expect(code).toBe(1);
    expect(runSuite.mock.calls.map(([target]) => target)).toEqual(['simulator']);
    const report = JSON.parse(fs.readFileSync(path.join(root, '.local-data', 'contract', 'contract-report.json'), 'utf8')) as ContractReport;
    expect(report.targets.sandbox.ran).toBe(false);
    expect(report.targets.simulator.failed).toBe(1);
  });

  it('rejects an unknown option', async () => {
    expect(await runContractCli(['--sandbx'], deps({}))).toBe(2);
    expect(printed.join('\n')).toContain("Unknown option '--sandbx'");
    expect(runSuite).not.toHaveBeenCalled();
  });
});
