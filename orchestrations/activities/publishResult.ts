// Publishes the milestone or the outcome. A failure is thrown so the Durable retry policy retries it; the derived
// message id makes a retry that follows a lost acknowledgement a duplicate the topic drops.

import type { PublishResultInput, PublishResultOutput } from './contracts';
import type { OrderActivityDeps } from './deps';

export function publishResultActivity(deps: OrderActivityDeps) {
  return async function publishResult(message: PublishResultInput): Promise<PublishResultOutput> {
    return deps.publisher.publish(message);
  };
}
