// The text readers the infra checks rely on: if they misread Bicep, YAML or .funcignore, every other check in this
// folder would be meaningless, so their edge cases are pinned here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseBicep } from './support/bicepFile';
import { describe as show, evaluate, member, moduleScope, rootScope, str } from './support/bicepEval';
import { scan } from './support/bicepText';
import { at, parseValue } from './support/bicepValues';
import { parseIgnoreFile } from './support/ignoreFile';
import { parseSimpleYaml } from './support/simpleYaml';

describe('Bicep scanning', () => {
  it('removes comments but not comment-like text inside strings', () => {
    const { clean } = scan("var a = 'http://x' // note\n/* block\n */ var b = 1");
    expect(clean.replace(/\s+/g, ' ').trim()).toBe("var a = 'http://x' var b = 1");
  });

  it('masks strings, interpolations with nested strings, and escaped quotes', () => {
    const text = "'a${f('}')}b\\'c' }";
    const { mask } = scan(text);
    expect(mask.endsWith("' }")).toBe(true);
    expect(mask.slice(1, -3)).toMatch(/^x+$/);
  });
});

describe('Bicep declarations', () => {
  const file = parseBicep(`
@description('x')
param backend string = 'A'
var settings = union({ a: '1', b: '2' }, backend == 'A' ? { b: 'three' } : {})
resource r 'Microsoft.X/y@2020-01-01' = if (!empty(backend)) {
  name: 'n-\${backend}'
  properties: {
    list: [
      1
      'two'
    ]
  }
}
output o string = r.name
`);

  it('reads params with decorators, vars, conditional resources and outputs', () => {
    expect(file.params.get('backend')?.decorators).toEqual(["@description('x')"]);
    expect(file.resources.get('r')).toMatchObject({ type: 'Microsoft.X/y', apiVersion: '2020-01-01', existing: false, condition: '!empty(backend)' });
    expect(at(file.resources.get('r')!.body, 'properties', 'list')).toEqual({
      kind: 'array',
      items: [
        { kind: 'expr', text: '1' },
        { kind: 'string', text: 'two', interpolated: false },
      ],
    });
    expect([...file.outputs.keys()]).toEqual(['o']);
  });

  it('refuses statements it does not understand, and duplicate names', () => {
    expect(() => parseBicep("func f() string => 'x'")).toThrow(/do not understand: func f/);
    expect(() => parseBicep('var a = 1\nvar a = 2')).toThrow(/"a" declared twice/);
    expect(() => parseValue('{ a }')).toThrow(/without "key: value"/);
  });
});

describe('Bicep evaluation', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bicep-eval-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(
    path.join(dir, 'main.bicep'),
    [
      "param backend string = 'A'",
      'param token string',
      "var settings = union({ a: '1', b: '2' }, backend == 'A' ? { b: 'three' } : {})",
      "module child 'child.bicep' = {",
      "  name: 'child'",
      '  params: {',
      "    queue: 'orders'",
      "    label: 'x-${token}'",
      '  }',
      '}',
      'output q string = child.outputs.queueName',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(dir, 'child.bicep'),
    ['param queue string', 'param label string', "resource q 'Microsoft.X/queues@2020-01-01' = {", '  name: queue', '}', 'output queueName string = q.name', 'output label string = label'].join('\n'),
  );
  const main = path.join(dir, 'main.bicep');

  it('follows ternaries and unions with the scenario parameters', () => {
    const settingsFor = (backend: string) => {
      const val = evaluate({ kind: 'expr', text: 'settings' }, rootScope(main, { backend: str(backend) }));
      return Object.fromEntries(['a', 'b'].map((key) => [key, show(member(val, key)!)]));
    };
    expect(settingsFor('A')).toEqual({ a: '"1"', b: '"three"' });
    expect(settingsFor('B')).toEqual({ a: '"1"', b: '"2"' });
  });

  it('follows local module outputs and resource names through module arguments', () => {
    const root = rootScope(main);
    expect(show(evaluate({ kind: 'expr', text: 'child.outputs.queueName' }, root))).toBe('"orders"');
    expect(show(evaluate({ kind: 'expr', text: 'label' }, moduleScope(root, 'child')))).toBe("<'x-${param token}'>");
  });

  it('keeps what only deployment knows as unknown, with its source', () => {
    const root = rootScope(main);
    expect(show(evaluate({ kind: 'expr', text: 'token' }, root))).toBe('<param token>');
    expect(show(evaluate({ kind: 'expr', text: "empty(token) ? 'none' : 'some'" }, root))).toBe("<empty(token) ? 'none' : 'some'>");
    expect(show(evaluate({ kind: 'expr', text: "empty(token) ? 'none' : 'some'" }, rootScope(main, { token: str('') })))).toBe('"none"');
  });
});

describe('.funcignore matching', () => {
  const ignored = parseIgnoreFile('# comment\nnode_modules\n/dist\n*.md\nbuild/\n');
  it('matches names at any depth, anchored paths only at the root, and directory-only patterns only for folders', () => {
    expect(['node_modules/x/index.js', 'a/node_modules/y.js', 'dist/f.js', 'docs/deploy.md', 'build/out.js'].filter((p) => !ignored(p))).toEqual([]);
    expect(['src/dist/f.js', 'src/index.ts', 'build', 'package.json'].filter((p) => ignored(p))).toEqual([]);
  });
  it('refuses negation rather than guessing', () => {
    expect(() => parseIgnoreFile('!keep.js')).toThrow(/unsupported/);
  });
});

describe('azure.yaml reading', () => {
  it('reads nested mappings and quoted scalars, ignoring comments', () => {
    expect(parseSimpleYaml("# c\nname: app\nservices:\n  api:\n    project: '.' # here\n    host: function\n")).toEqual({
      name: 'app',
      services: { api: { project: '.', host: 'function' } },
    });
  });
  it('refuses sequences', () => {
    expect(() => parseSimpleYaml('list:\n  - a\n')).toThrow(/line 2/);
  });
});
