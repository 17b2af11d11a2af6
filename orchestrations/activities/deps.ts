import type { PartnerCenterClient } from '../../shared/partner-center';
import type { ResultPublisher } from '../../shared/results';

/** What the activities need from the outside world; production wiring is in functions/index.ts, tests pass stand-ins. */
export interface OrderActivityDeps {
  partnerCenter: PartnerCenterClient;
  publisher: ResultPublisher;
  /** MS-RequestId for reads (a GET needs no idempotency, only a fresh id); random by default. */
  newRequestId?: () => string;
  /** Where a failure's full text goes (it may name endpoints); console.warn, which the host captures, by default. */
  log?: (message: string) => void;
}

export const logOf = (deps: OrderActivityDeps) => deps.log ?? ((message: string) => console.warn(message));
