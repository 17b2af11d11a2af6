import { createHash } from 'node:crypto';

/**
 * The Durable extension's entity wire format for the legacy (Azure Storage, out-of-proc) entity protocol:
 * entity ids, the RequestMessage an operation travels in, the ResponseMessage a call is answered with, and the
 * deterministic request ids orchestrations use (extension EntityScheduler/*.cs, GuidManager.cs; reference
 * shared/reference/durable-entities-protocol.md §2).
 */

/** EntityMessageEventNames.RequestMessageEventName: every operation message to an entity is an EventRaised "op". */
export const requestEventName = 'op';

/** EntityId.GetSchedulerId: the name is lowercased (EntityId's constructor), the key kept as it is. */
export const entityInstanceId = (name: string, key: string): string => `@${name.toLowerCase()}@${key}`;

/** EntityId.GetEntityIdFromSchedulerId: split at the second '@' (so keys may contain '@'). */
export function parseEntityInstanceId(instanceId: string): { name: string; key: string } | undefined {
  if (!instanceId.startsWith('@')) return undefined;
  const at = instanceId.indexOf('@', 1);
  if (at < 0) return undefined;
  return { name: instanceId.slice(1, at).toLowerCase(), key: instanceId.slice(at + 1) };
}

/** DurableClient.IsInvalidCharacter: / \ ? # and control characters are refused in entity keys. */
// eslint-disable-next-line no-control-regex
export const hasInvalidKeyCharacter = (key: string): boolean => /[/\\?#\u0000-\u001f\u007f-\u009f]/.test(key);

/**
 * A .NET DateTime as ticks-precise time: `ms` since the epoch plus `ticks` (0-9999, 100 ns each) and whether its
 * Kind is Utc (DateTime values built from ticks alone are Unspecified, and serialize without "Z").
 */
export interface DotNetTime {
  ms: number;
  ticks: number;
  utc: boolean;
}

export const minDateTime: DotNetTime = { ms: Number.NEGATIVE_INFINITY, ticks: 0, utc: false };

export const compareTimes = (a: DotNetTime, b: DotNetTime): number => (a.ms === b.ms ? a.ticks - b.ticks : a.ms < b.ms ? -1 : 1);

export const nextTick = (t: DotNetTime): DotNetTime => (t.ticks < 9999 ? { ms: t.ms, ticks: t.ticks + 1, utc: false } : { ms: t.ms + 1, ticks: 0, utc: false });

/** Newtonsoft's default DateTime format ("yyyy-MM-ddTHH:mm:ss.FFFFFFFK": trailing zeros of the fraction dropped). */
export function newtonsoftDateTime(t: DotNetTime): string {
  if (t.ms === Number.NEGATIVE_INFINITY) return '0001-01-01T00:00:00';
  const iso = new Date(t.ms).toISOString();
  const fraction = `${iso.slice(20, 23)}${String(t.ticks).padStart(4, '0')}`.replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ''}${t.utc ? 'Z' : ''}`;
}

/** DateTime.ToString("o") of a UTC time: seven fraction digits and "Z". */
export const roundTripFormat = (ms: number): string => `${new Date(ms).toISOString().slice(0, 23)}0000Z`;

/** GuidManager.UrlNamespaceValue, the namespace of DurableOrchestrationContext.NewGuid. */
const urlNamespace = '9e952959-5e33-4daf-827f-2fa12937b875';

/**
 * GuidManager.CreateDeterministicGuid (V5): SHA-1 over the namespace's RFC 4122 bytes and the UTF-8 name, version 5,
 * RFC variant; its byte swaps make the result the standard UUIDv5 text.
 */
export function deterministicGuid(name: string, namespace = urlNamespace): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(Buffer.from(name, 'utf8')).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface RequestMessage {
  op: string;
  signal?: boolean;
  /** JSON text of the input. */
  input?: string;
  id: string;
  parent?: string;
  parentExecution?: string;
  Timestamp: DotNetTime;
  Predecessor: DotNetTime;
}

/**
 * RequestMessage serialized as the extension does (Newtonsoft, property declaration order; `signal`, `input`,
 * `parent`, `parentExecution` omitted when default; Timestamp/Predecessor always written).
 */
export function requestMessageJson(request: RequestMessage): string {
  const json: Record<string, unknown> = { op: request.op };
  if (request.signal) json.signal = true;
  if (request.input !== undefined && request.input !== null) json.input = request.input;
  json.id = request.id;
  if (request.parent) json.parent = request.parent;
  if (request.parentExecution) json.parentExecution = request.parentExecution;
  json.Timestamp = newtonsoftDateTime(request.Timestamp);
  json.Predecessor = newtonsoftDateTime(request.Predecessor);
  return JSON.stringify(json);
}

/** The fields of a stored request message the runtime needs (unknown properties are ignored, as Newtonsoft does). */
export interface ParsedRequest {
  op: string;
  isSignal: boolean;
  input: string | null;
  id: string;
  parent?: string;
  parentExecution?: string;
}

export function parseRequestMessage(text: string | undefined): ParsedRequest | undefined {
  try {
    const json = JSON.parse(text ?? '') as Record<string, unknown>;
    if (typeof json.id !== 'string') return undefined;
    return {
      op: typeof json.op === 'string' ? json.op : '',
      isSignal: json.signal === true,
      input: typeof json.input === 'string' ? json.input : null,
      id: json.id,
      parent: typeof json.parent === 'string' ? json.parent : undefined,
      parentExecution: typeof json.parentExecution === 'string' ? json.parentExecution : undefined,
    };
  } catch {
    return undefined;
  }
}

/**
 * ResponseMessage (ResponseMessage.cs): `result` always written (null when the operation returned nothing),
 * `exceptionType` only on failure, always "Error" for out-of-proc entities (TaskEntityShim.ExecuteOutOfProcBatch).
 */
export function responseMessageJson(result: string | undefined | null, isError: boolean): string {
  return JSON.stringify(isError ? { result: result ?? null, exceptionType: 'Error' } : { result: result ?? null });
}

/** Whether a stored response reports a failure the way the SDK reads it (a string exceptionType). */
export function isErrorResponse(text: string | undefined): boolean {
  try {
    return typeof (JSON.parse(text ?? '') as { exceptionType?: unknown }).exceptionType === 'string';
  } catch {
    return false;
  }
}

/** DurableTaskExtension.GetInvalidEntityFunctionMessage, including its check of the orchestrator count. */
export function unknownEntityMessage(name: string, knownEntities: string[], orchestratorCount: number): string {
  const known = orchestratorCount > 0 ? `The following are the known entity functions: '${knownEntities.join("', '")}'.` : 'No entity functions are currently registered!';
  return `The function '${name}' doesn't exist, is disabled, or is not an entity function. Additional info: ${known}`;
}
