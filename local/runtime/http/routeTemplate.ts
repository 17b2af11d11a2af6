/**
 * ASP.NET-style route templates as Functions HTTP triggers use them: literal segments (case-insensitive),
 * `{name}`, optional `{name?}`, catch-all `{*name}`, and the constraints int, long, alpha, bool, guid, double.
 */
export interface CompiledRoute {
  template: string;
  match(path: string): Record<string, string> | undefined;
  /** Literal segments first: more specific routes win, like the host's route table. */
  specificity: number;
}

const constraints: Record<string, RegExp> = {
  int: /^-?\d+$/,
  long: /^-?\d+$/,
  double: /^-?\d+(\.\d+)?$/,
  alpha: /^[A-Za-z]+$/,
  bool: /^(true|false)$/i,
  guid: /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
};

type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'param'; name: string; optional: boolean; catchAll: boolean; constraint?: RegExp };

export function compileRoute(template: string, where: string): CompiledRoute {
  const trimmed = template.replace(/^\/+|\/+$/g, '');
  const segments: Segment[] = trimmed === '' ? [] : trimmed.split('/').map((part) => parseSegment(part, template, where));
  segments.forEach((segment, index) => {
    if (segment.kind === 'param' && segment.catchAll && index !== segments.length - 1) {
      throw new Error(`${where}: route "${template}" has a catch-all parameter that is not the last segment.`);
    }
  });
  return {
    template: trimmed,
    specificity: segments.filter((s) => s.kind === 'literal').length * 10 - segments.filter((s) => s.kind === 'param' && s.catchAll).length,
    match(path) {
      const parts = path.replace(/^\/+|\/+$/g, '').split('/').filter((p) => p !== '');
      const params: Record<string, string> = {};
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i];
        const part = parts[i];
        if (segment.kind === 'literal') {
          if (part === undefined || part.toLowerCase() !== segment.text.toLowerCase()) return undefined;
          continue;
        }
        if (segment.catchAll) {
          const rest = parts.slice(i).map(safeDecode);
          if (rest.some((p) => p === undefined)) return undefined;
          if (rest.length) params[segment.name] = rest.join('/');
          return params;
        }
        if (part === undefined) {
          if (!segment.optional) return undefined;
          continue;
        }
        const value = safeDecode(part);
        if (value === undefined || (segment.constraint && !segment.constraint.test(value))) return undefined;
        params[segment.name] = value;
      }
      return parts.length <= segments.length ? params : undefined;
    },
  };
}

function parseSegment(part: string, template: string, where: string): Segment {
  const param = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]+)(?:\([^)]*\))?)?(\?)?\}$/.exec(part);
  if (!param) {
    if (/[{}]/.test(part)) throw new Error(`${where}: route "${template}" has a malformed segment "${part}" (expected {name}, {name?}, {name:int} or {*name}).`);
    return { kind: 'literal', text: part };
  }
  const [, star, name, constraintName, optional] = param;
  let constraint: RegExp | undefined;
  if (constraintName) {
    constraint = constraints[constraintName.toLowerCase()];
    if (!constraint) {
      throw new Error(`${where}: route "${template}" uses the constraint "${constraintName}", which the local runtime does not support (${Object.keys(constraints).join(', ')}).`);
    }
  }
  return { kind: 'param', name, optional: optional === '?', catchAll: star === '*', constraint };
}

function safeDecode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}
