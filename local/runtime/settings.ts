import fs from 'node:fs';

export interface LocalSettings {
  values: Record<string, string>;
  localHttpPort?: number;
}

/** Reads `local.settings.json` (Core Tools' format). A missing file is fine; a malformed one is not. */
export function readLocalSettings(file: string): LocalSettings {
  if (!fs.existsSync(file)) return { values: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message}).`);
  }
  if (!isObject(parsed)) throw new Error(`${file}: expected a JSON object with a "Values" object.`);
  if (parsed.IsEncrypted === true) {
    throw new Error(`${file}: "IsEncrypted" is true; encrypted local settings are not supported, decrypt them first.`);
  }
  const rawValues = parsed.Values ?? {};
  if (!isObject(rawValues)) throw new Error(`${file}: "Values" must be an object of string settings.`);
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawValues)) {
    if (typeof value === 'string') values[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') values[key] = String(value);
    else throw new Error(`${file}: "Values.${key}" must be a string, got ${value === null ? 'null' : typeof value}.`);
  }
  const host = isObject(parsed.Host) ? parsed.Host : {};
  const port = host.LocalHttpPort;
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new Error(`${file}: "Host.LocalHttpPort" must be a port number (0-65535).`);
  }
  return { values, localHttpPort: port as number | undefined };
}

/**
 * Copies settings into the environment as `func start` does: a variable that is already set wins (Core Tools logs
 * "Skipping '<name>' from local settings as it's already defined in current environment variables").
 * Returns the names that were skipped.
 */
export function applySettingsToEnv(values: Record<string, string>, env: NodeJS.ProcessEnv = process.env): string[] {
  const skipped: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (env[key] !== undefined) skipped.push(key);
    else env[key] = value;
  }
  return skipped;
}

const settingReference = /%([^%\s]+)%/g;

/** Resolves `%Setting%` references in one string, naming `where` in the error when a setting is missing. */
export function resolveSettingReferences(value: string, env: NodeJS.ProcessEnv, where: string): string {
  return value.replace(settingReference, (_match, name: string) => {
    const resolved = env[name];
    if (resolved === undefined) {
      throw new Error(`${where} refers to app setting "%${name}%", which is not defined (local.settings.json or environment).`);
    }
    return resolved;
  });
}

/** Resolves `%Setting%` in every string option of a binding, like the host does when it indexes functions. */
export function resolveBindingSettings<T extends Record<string, unknown>>(binding: T, env: NodeJS.ProcessEnv, where: string): T {
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(binding)) {
    resolved[key] = typeof value === 'string' ? resolveSettingReferences(value, env, `${where} option "${key}"`) : value;
  }
  return resolved as T;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
