// Starts the Partner Center simulator on a free loopback port and builds the real activities over the real client.
// The publisher is not used by these activities; publishResult is tested against the broker (test/integration/publisher).
import { startPartnerCenterSimulator, type PartnerCenterSimulator, type PartnerCenterSimulatorOptions } from '../../../local/partner-center-simulator';
import { createOrderActivities, type OrderActivities } from '../../../orchestrations/activities';
import { createPartnerCenterClient, staticTokenProvider, type PartnerCenterClient } from '../../../shared/partner-center';
import type { ResultPublisher } from '../../../shared/results';

export interface ActivityHarness {
  simulator: PartnerCenterSimulator;
  client: PartnerCenterClient;
  activities: OrderActivities;
}

const unusedPublisher: ResultPublisher = {
  publish: () => Promise.reject(new Error('the Partner Center activity tests do not publish')),
  close: () => Promise.resolve(),
};

export async function startActivityHarness(options: PartnerCenterSimulatorOptions = {}): Promise<ActivityHarness> {
  const simulator = await startPartnerCenterSimulator({ port: 0, ...options });
  // No quick retries inside the client: a transient failure must surface as the activity's result.
  const client = createPartnerCenterClient({
    baseUrl: simulator.url,
    tokenProvider: staticTokenProvider('test-token'),
    maxTransientRetries: 0,
    timeoutMs: 5_000,
  });
  // Failures are logged by the activities; the tests assert the results, so the log is kept quiet.
  return { simulator, client, activities: createOrderActivities({ partnerCenter: client, publisher: unusedPublisher, log: () => undefined }) };
}
