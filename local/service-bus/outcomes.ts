/** Delivery states the broker settles with (rhea builds them at runtime; its typings do not declare the builders). */
import { message as rheaMessage, type AmqpError } from 'rhea';

interface OutcomeBuilders {
  accepted(): { described(): unknown };
  rejected(fields: { error: AmqpError }): { described(): unknown };
}

const builders = rheaMessage as unknown as OutcomeBuilders;

export function acceptedState(): unknown {
  return builders.accepted().described();
}

export function rejectedState(error: AmqpError): unknown {
  return builders.rejected({ error }).described();
}
