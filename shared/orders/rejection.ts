// Keeps a message rejection within what the results topic can carry. A rejection answers a message of up to 256 KB
// from anyone; its errors name fields and values from that message, so each is cut short and the list is cut to fit,
// saying how many were left out. Service Bus standard tier refuses messages over 256 KB (body, properties and headers
// together), and a rejection that cannot be sent leaves its message unanswered.

import type { MessageRejection, OutcomeError } from './outcome';
import { leftOutCount, moreErrors } from './validation';

/** Largest rejection body (UTF-8 JSON): a quarter of the topic's 256 KB, leaving room for properties and headers. */
export const MAX_REJECTION_BYTES = 64 * 1024;
/** Longest field path or message text in one error of a rejection. */
export const MAX_ERROR_TEXT = 300;

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

function cut(text: string): string {
  return text.length <= MAX_ERROR_TEXT ? text : `${text.slice(0, MAX_ERROR_TEXT)}… (${text.length - MAX_ERROR_TEXT} more characters)`;
}

function shortened(error: OutcomeError): OutcomeError {
  if (error.source === 'validation') return { ...error, field: cut(error.field), message: cut(error.message) };
  if (error.source === 'workflow') return { ...error, message: cut(error.message) };
  return error;
}

/** The rejection with every error text cut short and, if it is still too large, the last errors left out and counted. */
export function boundRejection(rejection: MessageRejection, maxBytes = MAX_REJECTION_BYTES): MessageRejection {
  const errors = rejection.errors.map(shortened);
  const bounded = { ...rejection, errors };
  if (bytesOf(bounded) <= maxBytes) return bounded;
  // Errors already summarised by the validation's cap are counted with those left out here.
  const last = errors.at(-1);
  let leftOut = last?.source === 'validation' ? leftOutCount(last) : 0;
  if (leftOut > 0) errors.pop();
  const summary = (): OutcomeError => ({ source: 'validation', ...moreErrors(leftOut) });
  while (errors.length > 0 && bytesOf({ ...bounded, errors: [...errors, summary()] }) > maxBytes) {
    errors.pop();
    leftOut++;
  }
  return { ...bounded, errors: [...errors, summary()] };
}
