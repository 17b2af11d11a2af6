// Reads settings one by one and collects every problem instead of stopping at the first, so one start-up error can
// list them all. Each problem names the setting and what was expected; secret values are never echoed.

import { parseIsoDurationMs } from './isoDuration';
import { SecretValue } from './secretValue';
import { settingDefinition } from './settings';

export type Env = Readonly<Record<string, string | undefined>>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export const isLoopbackHost = (hostname: string) => LOOPBACK.test(hostname);

function shown(value: string): string {
  const short = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(short);
}

export class SettingReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** Trimmed value; empty counts as unset (local.settings.json often carries "" for unused settings). */
  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  isSet(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  problem(name: string, text: string): undefined {
    this.problems.push(`${name} ${text}`);
    return undefined;
  }

  /** Records "<NAME> must be <expected> (got "...")", hiding the value of a secret setting. */
  invalid(name: string, got: string, expected = settingDefinition(name).expected): undefined {
    const secret = settingDefinition(name).secret;
    return this.problem(name, `must be ${expected}${secret ? '' : ` (got ${shown(got)})`}`);
  }

  missing(name: string, why?: string): undefined {
    return this.problem(name, `is required${why ? ` ${why}` : ''}: expected ${settingDefinition(name).expected}`);
  }

  /** The raw value, or the setting's default; undefined (with no problem) for an optional setting without default. */
  private valueOrDefault(name: string): string | undefined {
    return this.raw(name) ?? settingDefinition(name).default;
  }

  required(name: string): string | undefined {
    return this.raw(name) ?? this.missing(name);
  }

  guid(name: string): string | undefined {
    const value = this.required(name);
    if (value === undefined) return undefined;
    return GUID.test(value) ? value.toLowerCase() : this.invalid(name, value);
  }

  matching(name: string, pattern: RegExp): string | undefined {
    const value = this.valueOrDefault(name);
    if (value === undefined) return undefined;
    return pattern.test(value) ? value : this.invalid(name, value);
  }

  /** An absolute URL; `allowPath` false means origin only. http is accepted only when `httpOnLoopback` and loopback. */
  url(name: string, rules: { httpOnLoopback: boolean; allowPath: boolean }): string | undefined {
    const value = this.valueOrDefault(name);
    if (value === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return this.invalid(name, value);
    }
    const httpsOk = url.protocol === 'https:';
    const httpOk = rules.httpOnLoopback && url.protocol === 'http:' && isLoopbackHost(url.hostname);
    if (!httpsOk && !httpOk) return this.invalid(name, value);
    if (url.username || url.password || url.search || url.hash) return this.invalid(name, value);
    if (!rules.allowPath && url.pathname !== '/') return this.invalid(name, value);
    return rules.allowPath ? url.href.replace(/\/+$/, '') : url.origin;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const value = this.valueOrDefault(name);
    if (value === undefined) return undefined;
    const n = /^-?\d+$/.test(value) ? Number(value) : NaN;
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : this.invalid(name, value);
  }

  durationMs(name: string, minMs: number, maxMs: number): number | undefined {
    const value = this.valueOrDefault(name);
    if (value === undefined) return undefined;
    const ms = parseIsoDurationMs(value);
    return ms !== undefined && ms >= minMs && ms <= maxMs ? ms : this.invalid(name, value);
  }

  secret(name: string): SecretValue | undefined {
    const value = this.raw(name);
    return value === undefined ? undefined : new SecretValue(value);
  }
}
