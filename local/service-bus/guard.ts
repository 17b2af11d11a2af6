/** Wraps an rhea event handler so an exception closes only the link it concerns (amqp:internal-error), never the broker. */
import type { EventContext } from 'rhea';
import { internalError } from './amqpErrors';

export type BrokerLogger = (line: string) => void;

export function guarded(log: BrokerLogger, what: string, handler: (context: EventContext) => void): (context: EventContext) => void {
  return (context) => {
    try {
      handler(context);
    } catch (error) {
      log(`error while handling ${what}: ${(error as Error).stack ?? String(error)}`);
      (context.sender ?? context.receiver)?.close(internalError(error));
    }
  };
}
