// The README is a promise to new users: its settings table and its npm commands must stay true to the code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS } from '../../shared/config/settings';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`README has no "## ${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('README', () => {
  it('lists every setting of the settings module in its settings table, and nothing else', () => {
    const rows = section('Settings')
      .split('\n')
      .map((line) => /^\| `([^`]+)`/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
    expect(rows.sort()).toEqual(SETTINGS.map((s) => s.name).sort());
  });

  it('gives each setting the default the settings module applies', () => {
    for (const setting of SETTINGS.filter((s) => s.default !== undefined)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${setting.name}\``));
      expect(row).toContain(`\`${setting.default}\``);
    }
  });

  it("describes each setting in the settings table with the settings module's own description", () => {
    for (const setting of SETTINGS) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${setting.name}\``));
      expect(row).toContain(`| ${setting.description.replace(/\|/g, '\\|')} |`);
    }
  });

  it('only names npm scripts that exist', () => {
    const named = [...readme.matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(3);
    for (const name of new Set(named)) expect(Object.keys(scripts)).toContain(name);
  });

  it('keeps the quickstart promise visible', () => {
    const quickstart = section('Quickstart');
    expect(quickstart).toContain('npm ci && npm test');
    expect(quickstart).toContain('npm ci && npm start');
  });
});
