import type { RpcLogLevel } from './coreApiTypes';

export interface LogFields {
  functionName?: string;
  invocationId?: string;
  instanceId?: string;
  category?: string;
}

export interface LogRecord extends LogFields {
  time: string;
  level: RpcLogLevel;
  message: string;
}

export type LogSink = (record: LogRecord) => void;

export interface RuntimeLogger {
  log(level: RpcLogLevel, message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const levelOrder: Record<RpcLogLevel, number> = { trace: 0, debug: 1, information: 2, warning: 3, error: 4, critical: 5, none: 6 };

export function createLogger(sink: LogSink, minimumLevel: RpcLogLevel = 'information', now: () => Date = () => new Date()): RuntimeLogger {
  const log = (level: RpcLogLevel, message: string, fields: LogFields = {}) => {
    if (levelOrder[level] < levelOrder[minimumLevel] || level === 'none') return;
    sink({ time: now().toISOString(), level, message, ...fields });
  };
  return {
    log,
    info: (message, fields) => log('information', message, fields),
    warn: (message, fields) => log('warning', message, fields),
    error: (message, fields) => log('error', message, fields),
  };
}

/** One line per record, the fields that identify the work first (function, invocation, instance). */
export function formatLogRecord(record: LogRecord): string {
  const parts = [record.time, record.level.toUpperCase()];
  if (record.functionName) parts.push(`function=${record.functionName}`);
  if (record.invocationId) parts.push(`invocation=${record.invocationId}`);
  if (record.instanceId) parts.push(`instance=${record.instanceId}`);
  return `${parts.join(' ')} ${record.message}`;
}

export const consoleSink: LogSink = (record) => {
  const line = formatLogRecord(record);
  if (record.level === 'error' || record.level === 'critical') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
};
