// The README's deploy section must stay true to the templates: the values it sets and reads exist, the secret
// command uses the deployed vault and secret name, every deployment setting is documented, and the sample order is
// one the app accepts.
import { validateOrderRequest } from '../../../shared/orders';
import { readBicep } from './support/bicepFile';
import fs from 'node:fs';
import { MAIN_BICEP, readRepoFile, readRepoJson, repoPath } from './support/repo';

const HEADING = '## Deploy to Azure';

function deploySection(): string {
  const readme = readRepoFile('README.md');
  const start = readme.indexOf(`\n${HEADING}\n`);
  if (start === -1) throw new Error(`README.md has no "${HEADING}" section`);
  const next = readme.slice(start + HEADING.length + 2).search(/^## /m);
  return next === -1 ? readme.slice(start + 1) : readme.slice(start + 1, start + HEADING.length + 2 + next);
}

const doc = deploySection();
const main = readBicep(MAIN_BICEP);
const parameterFile = readRepoJson<{ parameters: Record<string, { value: string }> }>('infra', 'main.parameters.json').parameters;
const mappedValues = Object.values(parameterFile).map(({ value }) => /^\$\{(\w+)/.exec(value)![1]);
const AZD_MANAGED = ['AZURE_ENV_NAME', 'AZURE_PRINCIPAL_ID', 'AZURE_PRINCIPAL_TYPE'];
const codeBlocks = (language: string) => [...doc.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);

describe('README: Deploy to Azure', () => {
  it('walks through azd up, storing the secret and sending a first order', () => {
    const headings = [...doc.matchAll(/^###? (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(expect.arrayContaining(['Deploy to Azure', '2. Provision and deploy', '3. Store the Partner Center client secret', '4. Send a first order']));
    expect(codeBlocks('bash').join('\n')).toMatch(/^azd up$/m);
  });

  it('sets only azd values the parameter file reads', () => {
    const set = [...doc.matchAll(/azd env set (\w+)/g)].map((m) => m[1]);
    expect(set.length).toBeGreaterThan(2);
    expect(set.filter((name) => !mappedValues.includes(name))).toEqual([]);
  });

  it('reads only values the deployment outputs', () => {
    const read = [...doc.matchAll(/azd env get-value (\w+)/g)].map((m) => m[1]);
    expect(read.length).toBeGreaterThan(3);
    expect(read.filter((name) => !main.outputs.has(name) && !AZD_MANAGED.includes(name))).toEqual([]);
  });

  it('documents every deployment setting in its table, with the default the parameter file uses', () => {
    const rows = new Map([...doc.matchAll(/^\| `(\w+)` \| ([^|]+) \|/gm)].map((m) => [m[1], m[2].trim()]));
    for (const [param, { value }] of Object.entries(parameterFile)) {
      const [, name, fallback] = /^\$\{(\w+)(?:=(.*))?\}$/.exec(value)!;
      if (AZD_MANAGED.includes(name)) continue;
      expect({ param, name, documented: rows.has(name) }).toEqual({ param, name, documented: true });
      if (fallback !== undefined) expect({ name, default: rows.get(name) }).toEqual({ name, default: `\`${fallback}\`` });
    }
  });

  it('stores the secret with one command, into the deployed vault under the deployed secret name', () => {
    const commands = codeBlocks('bash').flatMap((block) => block.split('\n')).filter((line) => line.startsWith('az keyvault secret set'));
    expect(commands).toHaveLength(1);
    expect(commands[0]).toContain('--vault-name "$(azd env get-value KEY_VAULT_NAME)"');
    expect(commands[0]).toContain('--name "$(azd env get-value PARTNER_CENTER_SECRET_NAME)"');
  });

  it('sends a sample order the app accepts, to the routes under the host.json prefix', () => {
    const [sample] = codeBlocks('json');
    const validation = validateOrderRequest(JSON.parse(sample));
    expect(validation).toMatchObject({ ok: true, request: { orderId: 'ERP-1001' } });
    const prefix = readRepoJson<{ extensions: { http: { routePrefix: string } } }>('host.json').extensions.http.routePrefix;
    const urls = [...doc.matchAll(/AZURE_FUNCTION_URL\)(\/[\w/-]+)/g)].map((m) => m[1]);
    expect(urls).toEqual([`/${prefix}/orders`, `/${prefix}/orders/ERP-1001`]);
  });

  it("calls only routes the app's HTTP triggers register", () => {
    const prefix = readRepoJson<{ extensions: { http: { routePrefix: string } } }>('host.json').extensions.http.routePrefix;
    const routes = fs
      .readdirSync(repoPath('functions'))
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readRepoFile('functions', f).matchAll(/route:\s*'([^']+)'/g)].map((m) => m[1]));
    expect(routes.length).toBeGreaterThan(0);
    const patterns = routes.map((route) => new RegExp(`^/${prefix}/${route.replace(/\{\w+\}/g, '[^/]+')}$`));
    const urls = [...doc.matchAll(/AZURE_FUNCTION_URL\)(\/[\w/-]+)/g)].map((m) => m[1]);
    expect(urls.filter((url) => !patterns.some((p) => p.test(url)))).toEqual([]);
  });
});
