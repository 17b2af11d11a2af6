// A setting value that must never be printed: it survives JSON.stringify, template strings and util.inspect as
// "[redacted]", so logging the whole config (or an error carrying it) cannot leak it.

import { inspect } from 'node:util';

const REDACTED = '[redacted]';

export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The actual value, for the one place that needs it (the credential, the Service Bus client). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
