// Publishes the milestone or the outcome. A failure is thrown so the host's retry policy (publishRetry) retries it;
// the derived message id makes a retry that follows a lost acknowledgement a duplicate the topic drops.

import type { ResultMessage } from '../../shared/orders';
import { succeeded, type ActivityResult } from './activityResult';
import type { OrderActivityDeps } from './deps';

export function publishResultActivity(deps: OrderActivityDeps) {
  return async (message: ResultMessage): Promise<ActivityResult<{ messageId: string }>> => succeeded(await deps.publisher.publish(message));
}
