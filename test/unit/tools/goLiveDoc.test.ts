// The README's deploy section ends in a "before you go live" step that runs both checks, with commands that exist.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SANDBOX_SETTINGS } from '../../../tools/contract/settings';

const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
const deploy = readme.slice(readme.indexOf('\n## Deploy to Azure\n'), readme.indexOf('\n## Tests\n'));
const step = deploy.slice(deploy.indexOf('\n### 6. Before you go live\n'), deploy.indexOf('\n### Deployment settings\n'));

describe('README: before you go live', () => {
  it('is a step of the deploy section that runs the preflight and the sandbox contract', () => {
    expect(step.length).toBeGreaterThan(100);
    expect(step).toContain('npm run preflight -- --url "$(azd env get-value AZURE_FUNCTION_URL)" --key "$FUNCTION_KEY"');
    expect(step).toContain('npm run contract -- --sandbox');
  });

  it('names only sandbox settings the contract runner reads', () => {
    const named = [...step.matchAll(/\b(CONTRACT_[A-Z_]+)=/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThanOrEqual(4);
    expect(named.filter((name) => !SANDBOX_SETTINGS.some((s) => s.name === name))).toEqual([]);
  });
});
