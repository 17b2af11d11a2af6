// Evaluates the part of Bicep's expression language the templates use for names, conditions and settings: literals,
// parameters (following module arguments up to main.bicep), variables, local module outputs, `.name` of resources,
// union/empty/loadJsonContent, comparisons, !, &&, ||, ?: and string interpolation. Whatever is only known at
// deployment time (resource ids, registry-module outputs, uniqueString...) stays `unknown` with its source text, so a
// check can still see *where* a value comes from.
import fs from 'node:fs';
import path from 'node:path';
import { BicepFile, isRegistryModule, localModulePath, readBicep } from './bicepFile';
import { matchingBracket, scan } from './bicepText';
import { BicepValue, at, parseValue } from './bicepValues';

export interface Scope {
  file: BicepFile;
  /** Arguments the calling module passed (evaluated in the caller's scope); undefined at the root. */
  args?: Map<string, Lazy>;
  /** Parameter values chosen for the root file (a deployment scenario). */
  scenario: Record<string, Val>;
  /** Stand-ins for values only known at deployment time, keyed by their source text (e.g. `vault.properties.vaultUri`). */
  samples?: Record<string, string>;
}
export interface Lazy {
  value: BicepValue;
  scope: Scope;
}
export type Val =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'obj'; entries: Map<string, Lazy | Val> }
  | { t: 'arr'; items: Array<Lazy | Val> }
  | { t: 'resource'; symbol: string; scope: Scope }
  | { t: 'module'; symbol: string; scope: Scope }
  | { t: 'outputs'; symbol: string; scope: Scope }
  | { t: 'unknown'; text: string };

export const str = (v: string): Val => ({ t: 'str', v });
export const unknown = (text: string): Val => ({ t: 'unknown', text });

export function rootScope(file: string, scenario: Record<string, Val> = {}, samples?: Record<string, string>): Scope {
  return { file: readBicep(file), scenario, samples };
}

/** A deployment-time value: its sample when the scope has one, else unknown with its source text. */
function deploymentValue(scope: Scope, text: string): Val {
  const sample = scope.samples?.[text];
  return sample === undefined ? unknown(text) : str(sample);
}

/** The scope of a local module as called from `scope` (its params bound to the call's arguments). */
export function moduleScope(scope: Scope, symbol: string): Scope {
  const decl = scope.file.modules.get(symbol);
  if (!decl) throw new Error(`${scope.file.file}: no module "${symbol}"`);
  if (isRegistryModule(decl.source)) throw new Error(`module "${symbol}" comes from a registry: ${decl.source}`);
  const params = at(decl.body, 'params');
  const args = new Map<string, Lazy>();
  if (params?.kind === 'object') for (const [name, value] of params.entries) args.set(name, { value, scope });
  return { file: readBicep(localModulePath(scope.file, decl.source)), args, scenario: scope.scenario, samples: scope.samples };
}

export function force(item: Lazy | Val): Val {
  return 't' in item ? item : evaluate(item.value, item.scope);
}

export function evaluate(value: BicepValue, scope: Scope): Val {
  switch (value.kind) {
    case 'object':
      return { t: 'obj', entries: new Map([...value.entries].map(([k, v]) => [k, { value: v, scope }])) };
    case 'array':
      return { t: 'arr', items: value.items.map((v) => ({ value: v, scope })) };
    case 'string':
      return value.interpolated ? interpolate(value.text, scope) : str(value.text);
    case 'expr':
      return evalExpr(value.text, scope);
  }
}

/** Reads a member of an evaluated object; `unknown` when the object itself is unknown. */
export function member(val: Val, key: string): Val | undefined {
  if (val.t === 'unknown') return unknown(`${val.text}.${key}`);
  if (val.t !== 'obj') throw new Error(`expected an object to read "${key}", got ${describe(val)}`);
  const item = val.entries.get(key);
  return item === undefined ? undefined : force(item);
}

export function describe(val: Val): string {
  switch (val.t) {
    case 'str':
      return JSON.stringify(val.v);
    case 'num':
    case 'bool':
      return String(val.v);
    case 'null':
      return 'null';
    case 'unknown':
      return `<${val.text}>`;
    case 'resource':
    case 'module':
    case 'outputs':
      return `<${val.t} ${val.symbol}>`;
    default:
      return `<${val.t}>`;
  }
}

function interpolate(text: string, scope: Scope): Val {
  let out = '';
  let known = true;
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start === -1) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, start);
    const body = `{${text.slice(start + 2)}`;
    const close = matchingBracket(scan(body).mask, 0);
    const part = evalExpr(body.slice(1, close), scope);
    if (part.t === 'str' || part.t === 'num' || part.t === 'bool') out += String(part.v);
    else {
      known = false;
      out += `\${${part.t === 'unknown' ? part.text : body.slice(1, close)}}`;
    }
    i = start + 2 + close;
  }
  return known ? str(out) : unknown(`'${out}'`);
}

// ---- expressions ----

type Token = { kind: 'ident' | 'num' | 'lit' | 'op'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const { mask } = scan(text);
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_]\w*/.exec(text.slice(i))!;
      tokens.push({ kind: 'ident', text: m[0] });
      i += m[0].length;
    } else if (/\d/.test(ch)) {
      const m = /^\d+/.exec(text.slice(i))!;
      tokens.push({ kind: 'num', text: m[0] });
      i += m[0].length;
    } else if (ch === "'") {
      let end = i + 1;
      while (end < text.length && !(mask[end] === "'" && end > i)) end++;
      tokens.push({ kind: 'lit', text: text.slice(i, end + 1) });
      i = end + 1;
    } else if ((ch === '{' || ch === '[') && !(ch === '[' && lastIsValue(tokens))) {
      const end = matchingBracket(mask, i);
      tokens.push({ kind: 'lit', text: text.slice(i, end + 1) });
      i = end + 1;
    } else {
      const two = text.slice(i, i + 2);
      const op = ['==', '!=', '&&', '||', '.?', '??', '<=', '>='].includes(two) ? two : ch;
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    }
  }
  return tokens;
}

function lastIsValue(tokens: Token[]): boolean {
  const last = tokens[tokens.length - 1];
  return last !== undefined && (last.kind !== 'op' || last.text === ')' || last.text === ']');
}

function evalExpr(text: string, scope: Scope): Val {
  const parser = new ExprParser(tokenize(text), scope, text);
  const val = parser.ternary();
  parser.expectEnd();
  return val;
}

class ExprParser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly scope: Scope,
    private readonly source: string,
  ) {}

  expectEnd() {
    if (this.pos !== this.tokens.length) throw new Error(`unexpected "${this.tokens[this.pos].text}" in: ${this.source}`);
  }

  private peek(text: string): boolean {
    const token = this.tokens[this.pos];
    return token !== undefined && token.kind === 'op' && token.text === text;
  }

  private take(text: string) {
    if (!this.peek(text)) throw new Error(`expected "${text}" in: ${this.source}`);
    this.pos++;
  }

  ternary(): Val {
    const condition = this.binary(0);
    if (!this.peek('?')) return condition;
    this.pos++;
    const whenTrue = this.ternary();
    this.take(':');
    const whenFalse = this.ternary();
    if (condition.t === 'bool') return condition.v ? whenTrue : whenFalse;
    return unknown(this.source);
  }

  private static readonly LEVELS = [['??'], ['||'], ['&&'], ['==', '!=']];

  private binary(level: number): Val {
    if (level === ExprParser.LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    while (this.tokens[this.pos]?.kind === 'op' && ExprParser.LEVELS[level].includes(this.tokens[this.pos].text)) {
      const op = this.tokens[this.pos++].text;
      const right = this.binary(level + 1);
      left = applyBinary(op, left, right, this.source);
    }
    return left;
  }

  private unary(): Val {
    if (this.peek('!')) {
      this.pos++;
      const operand = this.unary();
      if (operand.t === 'bool') return { t: 'bool', v: !operand.v };
      return unknown(`!${describe(operand)}`);
    }
    return this.postfix(this.primary());
  }

  private primary(): Val {
    const token = this.tokens[this.pos++];
    if (!token) throw new Error(`unexpected end of: ${this.source}`);
    if (token.kind === 'num') return { t: 'num', v: Number(token.text) };
    if (token.kind === 'lit') return evaluate(parseValue(token.text), this.scope);
    if (token.kind === 'op' && token.text === '(') {
      const inner = this.ternary();
      this.take(')');
      return inner;
    }
    if (token.kind === 'ident') {
      if (this.peek('(')) return this.call(token.text);
      return identifier(token.text, this.scope);
    }
    throw new Error(`unexpected "${token.text}" in: ${this.source}`);
  }

  private call(name: string): Val {
    this.take('(');
    const args: Val[] = [];
    while (!this.peek(')')) {
      args.push(this.ternary());
      if (!this.peek(')')) this.take(',');
    }
    this.take(')');
    return callFunction(name, args, this.scope);
  }

  private postfix(val: Val): Val {
    for (;;) {
      if (this.peek('.') || this.peek('.?')) {
        this.pos++;
        const name = this.tokens[this.pos++];
        if (!name || name.kind !== 'ident') throw new Error(`expected a member name in: ${this.source}`);
        val = memberAccess(val, name.text, this.scope);
      } else if (this.peek('[')) {
        this.pos++;
        const index = this.ternary();
        this.take(']');
        val =
          val.t === 'arr' && index.t === 'num' && index.v < val.items.length
            ? force(val.items[index.v])
            : unknown(`${val.t === 'unknown' ? val.text : describe(val)}[${describe(index)}]`);
      } else {
        return val;
      }
    }
  }
}

function applyBinary(op: string, left: Val, right: Val, source: string): Val {
  const primitive = (v: Val) => v.t === 'str' || v.t === 'num' || v.t === 'bool' || v.t === 'null';
  if (op === '==' || op === '!=') {
    if (!primitive(left) || !primitive(right)) return unknown(source);
    const same = left.t === right.t && ('v' in left ? left.v : null) === ('v' in right ? right.v : null);
    return { t: 'bool', v: op === '==' ? same : !same };
  }
  if (op === '??') return left.t === 'null' ? right : left.t === 'unknown' ? unknown(source) : left;
  if (left.t === 'bool' && right.t === 'bool') return { t: 'bool', v: op === '&&' ? left.v && right.v : left.v || right.v };
  // Short-circuit on a known operand even when the other is unknown.
  if (op === '&&' && ((left.t === 'bool' && !left.v) || (right.t === 'bool' && !right.v))) return { t: 'bool', v: false };
  if (op === '||' && ((left.t === 'bool' && left.v) || (right.t === 'bool' && right.v))) return { t: 'bool', v: true };
  return unknown(source);
}

function identifier(name: string, scope: Scope): Val {
  if (name === 'true' || name === 'false') return { t: 'bool', v: name === 'true' };
  if (name === 'null') return { t: 'null' };
  const { file } = scope;
  const variable = file.vars.get(name);
  if (variable) {
    // A variable only known at deployment time is shown by its name, which says more than its formula.
    const val = evaluate(variable.value, scope);
    return val.t === 'unknown' ? unknown(name) : val;
  }
  const param = file.params.get(name);
  if (param) {
    const arg = scope.args?.get(name);
    if (arg) return evaluate(arg.value, arg.scope);
    if (!scope.args && name in scope.scenario) return scope.scenario[name];
    if (param.defaultValue) return evaluate(param.defaultValue, scope);
    return deploymentValue(scope, `param ${name}`);
  }
  if (file.resources.has(name)) return { t: 'resource', symbol: name, scope };
  if (file.modules.has(name)) return { t: 'module', symbol: name, scope };
  return unknown(name); // a Bicep namespace or function result (az, sys, tenant()...)
}

function memberAccess(val: Val, name: string, scope: Scope): Val {
  if (val.t === 'resource') {
    const decl = val.scope.file.resources.get(val.symbol)!;
    if (name === 'name') {
      const nameValue = at(decl.body, 'name');
      return nameValue ? evaluate(nameValue, val.scope) : unknown(`${val.symbol}.name`);
    }
    return deploymentValue(val.scope, `${val.symbol}.${name}`);
  }
  if (val.t === 'module') {
    return name === 'outputs' ? { t: 'outputs', symbol: val.symbol, scope: val.scope } : unknown(`${val.symbol}.${name}`);
  }
  if (val.t === 'outputs') return moduleOutput(val.symbol, name, val.scope);
  if (val.t === 'obj') return member(val, name) ?? { t: 'null' };
  return deploymentValue(scope, `${val.t === 'unknown' ? val.text : describe(val)}.${name}`);
}

/** A local module's output evaluated with the module's arguments; registry modules' outputs stay unknown. */
function moduleOutput(symbol: string, output: string, scope: Scope): Val {
  const decl = scope.file.modules.get(symbol)!;
  if (isRegistryModule(decl.source)) return deploymentValue(scope, `${symbol}.outputs.${output}`);
  const child = moduleScope(scope, symbol);
  const out = child.file.outputs.get(output);
  if (!out) throw new Error(`${child.file.file} has no output "${output}" (used as ${symbol}.outputs.${output})`);
  return evaluate(out.value, child);
}

function callFunction(name: string, args: Val[], scope: Scope): Val {
  switch (name) {
    case 'empty': {
      const [v] = args;
      if (v.t === 'str') return { t: 'bool', v: v.v.length === 0 };
      if (v.t === 'null') return { t: 'bool', v: true };
      if (v.t === 'arr') return { t: 'bool', v: v.items.length === 0 };
      if (v.t === 'obj') return { t: 'bool', v: v.entries.size === 0 };
      return unknown(`empty(${describe(v)})`);
    }
    case 'union': {
      if (!args.every((a) => a.t === 'obj')) return unknown(`union(${args.map(describe).join(', ')})`);
      const entries = new Map<string, Lazy | Val>();
      for (const a of args) for (const [k, v] of (a as Extract<Val, { t: 'obj' }>).entries) entries.set(k, v);
      return { t: 'obj', entries };
    }
    case 'loadJsonContent': {
      const [file] = args;
      if (file.t !== 'str') return unknown('loadJsonContent(?)');
      return fromJson(JSON.parse(fs.readFileSync(path.resolve(path.dirname(scope.file.file), file.v), 'utf8')));
    }
    case 'replace': {
      const [text, from, to] = args;
      if (text.t === 'str' && from.t === 'str' && to.t === 'str') return str(text.v.split(from.v).join(to.v));
      return unknown(`replace(${args.map(describe).join(', ')})`);
    }
    case 'split': {
      const [text, separator] = args;
      if (text.t === 'str' && separator.t === 'str') return { t: 'arr', items: text.v.split(separator.v).map(str) };
      return unknown(`split(${args.map(describe).join(', ')})`);
    }
    default:
      return unknown(`${name}(${args.map(describe).join(', ')})`);
  }
}

function fromJson(json: unknown): Val {
  if (typeof json === 'string') return str(json);
  if (typeof json === 'number') return { t: 'num', v: json };
  if (typeof json === 'boolean') return { t: 'bool', v: json };
  if (json === null) return { t: 'null' };
  if (Array.isArray(json)) return { t: 'arr', items: json.map(fromJson) };
  return { t: 'obj', entries: new Map(Object.entries(json as Record<string, unknown>).map(([k, v]) => [k, fromJson(v)])) };
}
