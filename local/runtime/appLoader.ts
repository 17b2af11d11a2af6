import fs from 'node:fs';
import path from 'node:path';
import type { FunctionRegistry } from './registry';
import { resolveBindingSettings } from './settings';
import type { RpcBindingInfo } from './coreApiTypes';

/** The app's entry module: an explicit path, or package.json "main" in the app root (as the worker reads it). */
export function resolveAppEntry(appRoot: string, appEntry?: string): string {
  if (appEntry) {
    const resolved = path.resolve(appRoot, appEntry);
    if (!fs.existsSync(resolved)) throw new Error(`appEntry "${appEntry}" does not exist (resolved to ${resolved}).`);
    return resolved;
  }
  const packageJson = path.join(appRoot, 'package.json');
  if (!fs.existsSync(packageJson)) throw new Error(`No appEntry given and no package.json in ${appRoot}.`);
  const main = (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { main?: string }).main;
  if (!main) throw new Error(`${packageJson} has no "main"; set it to the app's entry (e.g. dist/functions/index.js) or pass appEntry.`);
  const resolved = path.resolve(appRoot, main);
  if (!fs.existsSync(resolved)) {
    throw new Error(`package.json "main" points to ${main}, which does not exist. Run \`npm run build\` first, or pass appEntry.`);
  }
  return resolved;
}

/** Loads the app (its registrations land in `registry`) and closes indexing, as the worker does after loading. */
export async function loadApp(entry: string, registry: FunctionRegistry): Promise<void> {
  try {
    // A plain require, as the worker loads the app: it goes through the hook that provides @azure/functions-core.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(entry);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw error;
    await import(entry);
  }
  if (registry.list().length === 0) {
    throw new Error(
      `Loading ${entry} registered no functions. Either it registers none, or @azure/functions could not load ` +
        `@azure/functions-core (it prints "Skipping call to register function"): under jest run the runtime in a child ` +
        `process (isolation: 'child-process') or jest.mock('@azure/functions-core').`,
    );
  }
  registry.lock();
}

/** Resolves %Setting% references in every binding of every function, failing with the function and binding named. */
export function resolveAllBindings(registry: FunctionRegistry, env: NodeJS.ProcessEnv): Map<string, Record<string, RpcBindingInfo>> {
  const resolved = new Map<string, Record<string, RpcBindingInfo>>();
  for (const fn of registry.list()) {
    const bindings: Record<string, RpcBindingInfo> = {};
    for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
      bindings[name] = resolveBindingSettings(binding, env, `Function "${fn.name}" binding "${name}"`);
    }
    resolved.set(fn.name, bindings);
  }
  return resolved;
}
