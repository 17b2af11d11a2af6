// The top-level declarations of one .bicep file. Anything the reader does not understand is an error, so a Bicep
// construct the checks cannot see through fails the suite instead of being skipped silently.
import fs from 'node:fs';
import path from 'node:path';
import { matchingBracket, scan, splitTopLevel } from './bicepText';
import { BicepValue, parseValue } from './bicepValues';

export interface Decorated {
  decorators: string[];
}
export interface ParamDecl extends Decorated {
  name: string;
  type: string;
  defaultValue?: BicepValue;
}
export interface VarDecl extends Decorated {
  name: string;
  value: BicepValue;
}
export interface ResourceDecl extends Decorated {
  symbol: string;
  type: string;
  apiVersion: string;
  existing: boolean;
  condition?: string;
  body: BicepValue;
}
export interface ModuleDecl extends Decorated {
  symbol: string;
  source: string;
  condition?: string;
  body: BicepValue;
}
export interface OutputDecl extends Decorated {
  name: string;
  type: string;
  value: BicepValue;
}

export interface BicepFile {
  file: string;
  targetScope?: string;
  params: Map<string, ParamDecl>;
  vars: Map<string, VarDecl>;
  resources: Map<string, ResourceDecl>;
  modules: Map<string, ModuleDecl>;
  outputs: Map<string, OutputDecl>;
}

const cache = new Map<string, BicepFile>();

export function readBicep(file: string): BicepFile {
  const absolute = path.resolve(file);
  let parsed = cache.get(absolute);
  if (!parsed) {
    try {
      parsed = parseBicep(fs.readFileSync(absolute, 'utf8'), absolute);
    } catch (error) {
      throw new Error(`${absolute}: ${(error as Error).message}`);
    }
    cache.set(absolute, parsed);
  }
  return parsed;
}

export function parseBicep(text: string, file = '<inline>'): BicepFile {
  const result: BicepFile = { file, params: new Map(), vars: new Map(), resources: new Map(), modules: new Map(), outputs: new Map() };
  let decorators: string[] = [];
  for (const statement of splitTopLevel(scan(text), '\n')) {
    if (statement.startsWith('@')) {
      decorators.push(statement);
      continue;
    }
    declare(result, statement, decorators);
    decorators = [];
  }
  if (decorators.length) throw new Error(`decorator without a declaration: ${decorators.join(' ')}`);
  return result;
}

function unique<T>(map: Map<string, T>, key: string, value: T) {
  if (map.has(key)) throw new Error(`"${key}" declared twice`);
  map.set(key, value);
}

/** Splits `if (condition) body` into its parts; plain bodies have no condition. */
function conditional(rest: string): { condition?: string; body: BicepValue } {
  const trimmed = rest.trim();
  const match = /^if\s*\(/.exec(trimmed);
  if (!match) return { body: parseValue(trimmed) };
  const open = match[0].length - 1;
  const close = matchingBracket(scan(trimmed).mask, open);
  return { condition: trimmed.slice(open + 1, close).trim(), body: parseValue(trimmed.slice(close + 1)) };
}

function declare(file: BicepFile, statement: string, decorators: string[]) {
  let m: RegExpExecArray | null;
  if ((m = /^targetScope\s*=\s*'(\w+)'$/.exec(statement))) {
    file.targetScope = m[1];
  } else if ((m = /^param\s+(\w+)\s+([\w.?[\]]+)(?:\s*=\s*([\s\S]+))?$/.exec(statement))) {
    unique(file.params, m[1], { name: m[1], type: m[2], defaultValue: m[3] === undefined ? undefined : parseValue(m[3]), decorators });
  } else if ((m = /^var\s+(\w+)\s*=\s*([\s\S]+)$/.exec(statement))) {
    unique(file.vars, m[1], { name: m[1], value: parseValue(m[2]), decorators });
  } else if ((m = /^resource\s+(\w+)\s+'([^'@]+)@([^']+)'\s*(existing\s*)?=\s*([\s\S]+)$/.exec(statement))) {
    unique(file.resources, m[1], { symbol: m[1], type: m[2], apiVersion: m[3], existing: Boolean(m[4]), ...conditional(m[5]), decorators });
  } else if ((m = /^module\s+(\w+)\s+'([^']+)'\s*=\s*([\s\S]+)$/.exec(statement))) {
    unique(file.modules, m[1], { symbol: m[1], source: m[2], ...conditional(m[3]), decorators });
  } else if ((m = /^output\s+(\w+)\s+([\w.?[\]]+)\s*=\s*([\s\S]+)$/.exec(statement))) {
    unique(file.outputs, m[1], { name: m[1], type: m[2], value: parseValue(m[3]), decorators });
  } else {
    throw new Error(`statement the infra checks do not understand: ${statement.slice(0, 120)}`);
  }
}

/** True for a module loaded from a registry (br:, br/alias:, ts:), false for a local file path. */
export function isRegistryModule(source: string): boolean {
  return /^(br|ts)[:/]/.test(source);
}

/** The absolute path of a local module referenced from `from`. */
export function localModulePath(from: BicepFile, source: string): string {
  return path.resolve(path.dirname(from.file), source);
}

/** Values of an @allowed([...]) decorator, if any. */
export function allowedValues(decl: Decorated): BicepValue[] | undefined {
  const decorator = decl.decorators.find((d) => d.startsWith('@allowed('));
  if (!decorator) return undefined;
  const value = parseValue(decorator.slice('@allowed('.length, -1));
  if (value.kind !== 'array') throw new Error(`@allowed without an array: ${decorator}`);
  return value.items;
}
