/**
 * Reads the official Service Bus emulator's Config.json format (UserConfig.Namespaces[].Queues/Topics/Subscriptions)
 * into a BrokerConfig, once, with every problem reported by its JSON path so a bad file is easy to fix.
 */
import { readFileSync } from 'node:fs';
import type {
  BrokerConfig,
  CorrelationFilterDefinition,
  DuplicateDetection,
  QueueDefinition,
  ReceivableSettings,
  RuleDefinition,
  SubscriptionDefinition,
  TopicDefinition,
} from './configTypes';
import { parseIsoDurationMs } from '../../shared/config/isoDuration';

/** Defaults of the emulator / Service Bus when a property is left out. */
const DEFAULTS = {
  LockDuration: 'PT1M',
  MaxDeliveryCount: 10,
  DefaultMessageTimeToLive: 'PT1H',
  DuplicateDetectionHistoryTimeWindow: 'PT20S',
};

type Json = Record<string, unknown>;

/** The official emulator's schema limits (Config-schema.json); outside them the file would not load there. */
const EMULATOR_LIMITS: Record<string, [number, number, string]> = {
  LockDuration: [5_000, 300_000, 'PT5S to PT5M'],
  DefaultMessageTimeToLive: [300_000, 3_600_000, 'PT5M to PT1H'],
  DuplicateDetectionHistoryTimeWindow: [5_000, 300_000, 'PT5S to PT5M'],
  MaxDeliveryCount: [1, 10, '1 to 10'],
};

class Problems {
  readonly list: string[] = [];
  readonly warnings: string[] = [];
  checkEmulatorLimit(path: string, key: string, value: number): void {
    const limit = EMULATOR_LIMITS[key];
    if (limit && (value < limit[0] || value > limit[1])) {
      this.warnings.push(`${path}.${key} is outside the official emulator's range ${limit[2]}; this broker accepts it, the emulator would not`);
    }
  }
  add(path: string, expected: string, got: unknown): void {
    this.list.push(`${path}: expected ${expected}, got ${JSON.stringify(got)}`);
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(parent: Json, key: string, path: string, problems: Problems, required = false): Json {
  const value = parent[key];
  if (value === undefined && !required) return {};
  if (!isObject(value)) {
    problems.add(`${path}.${key}`, 'an object', value);
    return {};
  }
  return value;
}

function arrayAt(parent: Json, key: string, path: string, problems: Problems): unknown[] {
  const value = parent[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.add(`${path}.${key}`, 'an array', value);
    return [];
  }
  return value;
}

function nameAt(item: Json, path: string, problems: Problems): string {
  const name = item.Name;
  if (typeof name !== 'string' || name.trim() === '' || name.includes('$')) {
    problems.add(`${path}.Name`, 'a non-empty entity name without "$"', name);
    return `<invalid ${path}>`;
  }
  return name;
}

function durationAt(props: Json, key: keyof typeof DEFAULTS, path: string, problems: Problems): number {
  const value = props[key] ?? DEFAULTS[key];
  const ms = typeof value === 'string' ? parseIsoDurationMs(value) : undefined;
  if (ms === undefined || ms <= 0) {
    problems.add(`${path}.${key}`, 'a positive ISO 8601 duration such as "PT1M" or "PT5S"', value);
    return 1;
  }
  problems.checkEmulatorLimit(path, key, ms);
  return ms;
}

function booleanAt(props: Json, key: string, path: string, problems: Problems): boolean {
  const value = props[key] ?? false;
  if (typeof value !== 'boolean') {
    problems.add(`${path}.${key}`, 'true or false', value);
    return false;
  }
  return value;
}

/** Features this broker does not implement are refused here, at load, instead of misbehaving later. */
function refuseUnsupported(props: Json, path: string, problems: Problems): void {
  if (props.RequiresSession === true) problems.add(`${path}.RequiresSession`, 'false (sessions are not supported by this broker)', true);
  for (const key of ['ForwardTo', 'ForwardDeadLetteredMessagesTo']) {
    const value = props[key];
    if (value !== undefined && value !== '' && value !== null) problems.add(`${path}.${key}`, `"" (${key} is not supported by this broker)`, value);
  }
}

function receivableSettings(props: Json, path: string, problems: Problems): ReceivableSettings {
  refuseUnsupported(props, path, problems);
  const maxDeliveryCount = props.MaxDeliveryCount ?? DEFAULTS.MaxDeliveryCount;
  if (typeof maxDeliveryCount !== 'number' || !Number.isInteger(maxDeliveryCount) || maxDeliveryCount < 1) {
    problems.add(`${path}.MaxDeliveryCount`, 'an integer of at least 1', maxDeliveryCount);
  } else {
    problems.checkEmulatorLimit(path, 'MaxDeliveryCount', maxDeliveryCount);
  }
  return {
    lockDurationMs: durationAt(props, 'LockDuration', path, problems),
    maxDeliveryCount: typeof maxDeliveryCount === 'number' ? maxDeliveryCount : DEFAULTS.MaxDeliveryCount,
    defaultTtlMs: durationAt(props, 'DefaultMessageTimeToLive', path, problems),
    deadLetterOnExpiration: booleanAt(props, 'DeadLetteringOnMessageExpiration', path, problems),
  };
}

function duplicateDetection(props: Json, path: string, problems: Problems): DuplicateDetection | undefined {
  if (!booleanAt(props, 'RequiresDuplicateDetection', path, problems)) return undefined;
  return { windowMs: durationAt(props, 'DuplicateDetectionHistoryTimeWindow', path, problems) };
}

const CORRELATION_KEYS: Record<string, keyof CorrelationFilterDefinition> = {
  ContentType: 'contentType',
  CorrelationId: 'correlationId',
  Label: 'subject',
  MessageId: 'messageId',
  ReplyTo: 'replyTo',
  ReplyToSessionId: 'replyToSessionId',
  SessionId: 'sessionId',
  To: 'to',
};

function correlationFilter(raw: Json, path: string, problems: Problems): CorrelationFilterDefinition {
  const filter: CorrelationFilterDefinition = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'Properties') {
      if (!isObject(value)) problems.add(`${path}.Properties`, 'an object of application properties', value);
      else filter.applicationProperties = value;
    } else if (CORRELATION_KEYS[key] !== undefined) {
      if (typeof value !== 'string') problems.add(`${path}.${key}`, 'a string', value);
      else (filter as Record<string, unknown>)[CORRELATION_KEYS[key]] = value;
    } else {
      problems.add(`${path}.${key}`, `one of ${[...Object.keys(CORRELATION_KEYS), 'Properties'].join(', ')}`, key);
    }
  }
  return filter;
}

function rule(raw: unknown, path: string, problems: Problems): RuleDefinition | undefined {
  if (!isObject(raw)) {
    problems.add(path, 'a rule object', raw);
    return undefined;
  }
  const name = nameAt(raw, path, problems);
  const props = objectAt(raw, 'Properties', path, problems, true);
  const filterType = props.FilterType;
  if (filterType === 'Correlation') {
    const correlation = correlationFilter(objectAt(props, 'CorrelationFilter', `${path}.Properties`, problems, true), `${path}.Properties.CorrelationFilter`, problems);
    return { name, filter: { kind: 'correlation', correlation } };
  }
  if (filterType === 'Sql') {
    const sql = objectAt(props, 'SqlFilter', `${path}.Properties`, problems, true).SqlExpression;
    const normalised = typeof sql === 'string' ? sql.replace(/\s+/g, '') : sql;
    if (normalised === '1=1' || normalised === '1=0') return { name, filter: { kind: 'constant', matches: normalised === '1=1' } };
    problems.add(`${path}.Properties.SqlFilter.SqlExpression`, '"1=1" or "1=0" (SQL filters are not supported by this broker; use a Correlation filter)', sql);
    return undefined;
  }
  problems.add(`${path}.Properties.FilterType`, '"Correlation" or "Sql"', filterType);
  return undefined;
}

function subscription(raw: unknown, path: string, problems: Problems): SubscriptionDefinition {
  const item = isObject(raw) ? raw : (problems.add(path, 'a subscription object', raw), {});
  const rules = arrayAt(item, 'Rules', path, problems)
    .map((r, i) => rule(r, `${path}.Rules[${i}]`, problems))
    .filter((r): r is RuleDefinition => r !== undefined);
  return { name: nameAt(item, path, problems), settings: receivableSettings(objectAt(item, 'Properties', path, problems), `${path}.Properties`, problems), rules };
}

function queue(raw: unknown, path: string, problems: Problems): QueueDefinition {
  const item = isObject(raw) ? raw : (problems.add(path, 'a queue object', raw), {});
  const props = objectAt(item, 'Properties', path, problems);
  return {
    name: nameAt(item, path, problems),
    settings: receivableSettings(props, `${path}.Properties`, problems),
    duplicateDetection: duplicateDetection(props, `${path}.Properties`, problems),
  };
}

function topic(raw: unknown, path: string, problems: Problems): TopicDefinition {
  const item = isObject(raw) ? raw : (problems.add(path, 'a topic object', raw), {});
  const props = objectAt(item, 'Properties', path, problems);
  const subscriptions = arrayAt(item, 'Subscriptions', path, problems).map((s, i) => subscription(s, `${path}.Subscriptions[${i}]`, problems));
  return {
    name: nameAt(item, path, problems),
    defaultTtlMs: durationAt(props, 'DefaultMessageTimeToLive', `${path}.Properties`, problems),
    duplicateDetection: duplicateDetection(props, `${path}.Properties`, problems),
    subscriptions,
  };
}

function refuseDuplicateNames(names: string[], what: string, problems: Problems): void {
  const seen = new Set<string>();
  for (const name of names) {
    const key = name.toLowerCase();
    if (seen.has(key)) problems.list.push(`${what}: the name "${name}" is declared twice (names are case-insensitive)`);
    seen.add(key);
  }
}

/** Validates an emulator Config.json document; throws one Error listing every problem. */
export function parseBrokerConfig(document: unknown, source = 'config'): BrokerConfig {
  const problems = new Problems();
  const root = isObject(document) ? document : (problems.add('(root)', 'an object with "UserConfig"', document), {});
  const userConfig = objectAt(root, 'UserConfig', '', problems, true);
  const namespaces = arrayAt(userConfig, 'Namespaces', 'UserConfig', problems);
  if (namespaces.length !== 1) problems.add('UserConfig.Namespaces', 'exactly one namespace', `${namespaces.length} namespaces`);
  const rawNamespace = isObject(namespaces[0]) ? namespaces[0] : {};
  const path = 'UserConfig.Namespaces[0]';
  const config: BrokerConfig = {
    namespace: namespaces.length > 0 ? nameAt(rawNamespace, path, problems) : 'sbemulatorns',
    queues: arrayAt(rawNamespace, 'Queues', path, problems).map((q, i) => queue(q, `${path}.Queues[${i}]`, problems)),
    topics: arrayAt(rawNamespace, 'Topics', path, problems).map((t, i) => topic(t, `${path}.Topics[${i}]`, problems)),
    emulatorWarnings: problems.warnings,
  };
  if (config.queues.length + config.topics.length > 50) problems.warnings.push(`${path} declares more than the emulator's 50 queues and topics`);
  refuseDuplicateNames([...config.queues.map((q) => q.name), ...config.topics.map((t) => t.name)], `${path} queues and topics`, problems);
  config.topics.forEach((t, i) => refuseDuplicateNames(t.subscriptions.map((s) => s.name), `${path}.Topics[${i}].Subscriptions`, problems));
  if (problems.list.length > 0) {
    throw new Error(`Invalid Service Bus broker configuration (${source}):\n  - ${problems.list.join('\n  - ')}`);
  }
  return config;
}

/** Reads and validates a Config.json file. */
export function loadBrokerConfigFile(path: string): BrokerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the Service Bus broker configuration file ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Error(`The Service Bus broker configuration file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseBrokerConfig(document, path);
}
