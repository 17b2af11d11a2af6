import type { WorkflowPolicy } from '../orchestrations';
import type { AppConfig } from '../shared/config';

/** The configured timing, in the units the orchestration input carries. Unset fields keep the workflow defaults. */
export function workflowPolicyFromConfig(workflow: AppConfig['workflow']): Partial<WorkflowPolicy> {
  const seconds = (ms: number) => Math.round(ms / 1000);
  return {
    orderDeadlineSeconds: seconds(workflow.orderPollDeadlineMs),
    pollInitialSeconds: seconds(workflow.orderPollInitialIntervalMs),
    pollMaxSeconds: seconds(workflow.orderPollMaxIntervalMs),
    cartExpiryMarginSeconds: seconds(workflow.cartExpiryMarginMs),
    maxCartAttempts: workflow.cartMaxRecreations + 1,
  };
}
