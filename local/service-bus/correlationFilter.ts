/** Subscription rules: a message is copied to a subscription when any of its rules matches (no rules = match all). */
import type { Message } from 'rhea';
import type { CorrelationFilterDefinition, RuleDefinition } from './configTypes';

function idText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return Buffer.isBuffer(value) ? value.toString('hex') : String(value);
}

function matchesCorrelation(filter: CorrelationFilterDefinition, message: Message): boolean {
  const systemProperties: [string | undefined, unknown][] = [
    [filter.contentType, message.content_type],
    [filter.correlationId, idText(message.correlation_id)],
    [filter.subject, message.subject],
    [filter.messageId, idText(message.message_id)],
    [filter.replyTo, message.reply_to],
    [filter.replyToSessionId, message.reply_to_group_id],
    [filter.sessionId, message.group_id],
    [filter.to, message.to],
  ];
  if (systemProperties.some(([expected, actual]) => expected !== undefined && expected !== actual)) return false;
  const applicationProperties = (message.application_properties ?? {}) as Record<string, unknown>;
  return Object.entries(filter.applicationProperties ?? {}).every(([name, expected]) => applicationProperties[name] === expected);
}

export function subscriptionAccepts(rules: RuleDefinition[], message: Message): boolean {
  if (rules.length === 0) return true;
  return rules.some((rule) => (rule.filter.kind === 'constant' ? rule.filter.matches : matchesCorrelation(rule.filter.correlation, message)));
}
