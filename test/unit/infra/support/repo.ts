// Paths of the files the infra checks read, relative to the repository root.
import fs from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const INFRA_DIR = path.join(REPO_ROOT, 'infra');
export const MAIN_BICEP = path.join(INFRA_DIR, 'main.bicep');
export const API_BICEP = path.join(INFRA_DIR, 'app', 'api.bicep');

export const repoPath = (...parts: string[]) => path.join(REPO_ROOT, ...parts);
export const readRepoFile = (...parts: string[]) => fs.readFileSync(repoPath(...parts), 'utf8');
export const readRepoJson = <T = unknown>(...parts: string[]): T => JSON.parse(readRepoFile(...parts)) as T;

/** Every file under `dir` (absolute paths), skipping node_modules, dist and .git. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', '.git'].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out;
}

export const bicepFiles = () => listFiles(INFRA_DIR).filter((f) => f.endsWith('.bicep'));
