// What `azd deploy` uploads: azure.yaml builds the TypeScript and asks Flex Consumption for a remote build, and
// .funcignore leaves out everything the app does not run while keeping all that the remote build compiles.
import fs from 'node:fs';
import path from 'node:path';
import { parseIgnoreFile } from './support/ignoreFile';
import { parseSimpleYaml, yamlAt } from './support/simpleYaml';
import { REPO_ROOT, listFiles, readRepoFile, readRepoJson, repoPath } from './support/repo';

const azureYaml = parseSimpleYaml(readRepoFile('azure.yaml'));
const ignored = parseIgnoreFile(readRepoFile('.funcignore'));
const packageJson = readRepoJson<{ main: string; scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> }>('package.json');
const tsconfigBuild = readRepoJson<{ include: string[] }>('tsconfig.build.json');
const relative = (file: string) => path.relative(REPO_ROOT, file).split(path.sep).join('/');
const PRODUCTION_DIRS = ['functions', 'orchestrations', 'shared'];

describe('azure.yaml', () => {
  const api = yamlAt(azureYaml, 'services', 'api');

  it('deploys the repository root as a TypeScript function app with a remote build', () => {
    expect(api).toEqual({ project: '.', language: 'ts', host: 'function', remoteBuild: 'true' });
  });

  it('provisions infra/main.bicep', () => {
    expect(yamlAt(azureYaml, 'infra')).toEqual({ provider: 'bicep', path: 'infra', module: 'main' });
    expect(fs.existsSync(repoPath('infra', 'main.bicep'))).toBe(true);
  });

  it('installs and builds before packaging, on every shell', () => {
    for (const shell of ['posix', 'windows']) {
      const run = yamlAt(azureYaml, 'hooks', 'prepackage', shell, 'run');
      expect({ shell, run }).toEqual({ shell, run: 'npm ci && npm run build' });
    }
    expect(packageJson.scripts.build).toBeDefined();
  });
});

describe('the remote build', () => {
  // Flex Consumption builds with Oryx (Kudu's FunctionAppOryxArguments passes no prune_dev_dependencies property,
  // and Oryx reads only that property, not the PRUNE_DEV_DEPENDENCIES setting): `npm install` with devDependencies,
  // `npm run build`, then `npm run build:azure` when package.json has it (microsoft/Oryx doc/runtimes/nodejs.md,
  // NodeBashBuildSnippet.sh.tpl). build:azure is therefore where the dev tools leave the package.
  it('compiles with the dev tools, then prunes the devDependencies', () => {
    expect(packageJson.scripts.build).toMatch(/^tsc /);
    expect(packageJson.scripts['build:azure']).toBe('npm prune --omit=dev');
    expect(Object.keys(packageJson.devDependencies)).toEqual(expect.arrayContaining(['typescript']));
  });

  it('never prunes on this machine: the packaging hook and the local scripts leave build:azure alone', () => {
    for (const shell of ['posix', 'windows']) expect(String(yamlAt(azureYaml, 'hooks', 'prepackage', shell, 'run'))).not.toContain('build:azure');
    const callers = Object.entries(packageJson.scripts).filter(([name, script]) => name !== 'build:azure' && /build:azure|prune/.test(script));
    expect(callers).toEqual([]);
  });

  it('keeps every package production code imports: only dependencies and Node built-ins, never a devDependency', () => {
    const files = PRODUCTION_DIRS.flatMap((dir) => (fs.existsSync(repoPath(dir)) ? listFiles(repoPath(dir)) : [])).filter((f) => f.endsWith('.ts'));
    const imported = new Set<string>();
    for (const file of files) {
      const code = fs.readFileSync(file, 'utf8');
      // `import type` is erased by tsc, so it needs nothing at run time.
      for (const [, specifier] of code.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'";]*?from\s+'([^'.][^']*)'/gm)) imported.add(specifier);
      for (const [, specifier] of code.matchAll(/(?:require|import)\(\s*'([^'.][^']*)'\s*\)/g)) imported.add(specifier);
    }
    const packages = [...imported].filter((s) => !s.startsWith('node:')).map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]));
    expect(packages.length).toBeGreaterThan(2);
    expect([...new Set(packages)].filter((name) => !(name in packageJson.dependencies)).sort()).toEqual([]);
  });
});

describe('.funcignore', () => {
  it('excludes node_modules, which azd requires for a remote build', () => {
    // azd checks the folder itself: `remoteBuild: true` is refused unless node_modules is ignored.
    expect(ignored('node_modules')).toBe(true);
    expect(ignored('node_modules/durable-functions/package.json')).toBe(true);
  });

  it('excludes the local stand-ins, tests, infrastructure, build output and local settings', () => {
    const excluded = [
      'local/runtime/cli.ts',
      'local/service-bus/config.default.json',
      'test/unit/infra/roles.test.ts',
      'infra/main.bicep',
      'dist/local/start.js',
      'dist/functions/index.js',
      'local.settings.json',
      'README.md',
      'docs/deploy.md',
      '.azure/dev/.env',
      'shared/config/settings.js.map',
    ];
    expect(excluded.filter((file) => !ignored(file))).toEqual([]);
  });

  it('keeps the host and build configuration and every production source file', () => {
    const kept = ['package.json', 'package-lock.json', 'host.json', 'tsconfig.json', 'tsconfig.build.json'];
    const sources = PRODUCTION_DIRS.flatMap((dir) => (fs.existsSync(repoPath(dir)) ? listFiles(repoPath(dir)) : [])).map(relative);
    expect(sources.length).toBeGreaterThan(0);
    expect([...kept, ...sources].filter((file) => ignored(file))).toEqual([]);
  });

  it('keeps the source of the entry point package.json names', () => {
    const entrySource = packageJson.main.replace(/^dist\//, '').replace(/\.js$/, '.ts');
    expect(entrySource).toBe('functions/index.ts');
    expect(ignored(entrySource)).toBe(false);
    expect(tsconfigBuild.include).toEqual(expect.arrayContaining(PRODUCTION_DIRS));
  });

  it('never drops a file that shipped production code imports', () => {
    const kept = PRODUCTION_DIRS.flatMap((dir) => (fs.existsSync(repoPath(dir)) ? listFiles(repoPath(dir)) : [])).filter((f) => f.endsWith('.ts'));
    const broken: string[] = [];
    for (const file of kept) {
      for (const [, specifier] of fs.readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
        const target = relative(path.resolve(path.dirname(file), specifier));
        if (ignored(target) || ignored(`${target}.ts`)) broken.push(`${relative(file)} -> ${specifier}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
