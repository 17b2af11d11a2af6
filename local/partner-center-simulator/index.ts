// Public surface of the Partner Center simulator (tests, local runs, demos). Production code must not import it.
export { startPartnerCenterSimulator, type PartnerCenterSimulator, type PartnerCenterSimulatorOptions } from './server';
export type { SimulatorControls, RequestLogEntry, CatalogItemOption } from './runtime';
export type { SimulatorKnobs } from './knobs';
export { BUILT_IN_CUSTOMERS, DEFAULT_KNOBS, SimulatorConfigError } from './knobs';
export type { AuthOptions } from './auth';
export { PARTNER_CENTER_AUDIENCE, DEFAULT_PARTNER_TENANT } from './auth';
export type { CatalogItem, ItemBehaviour, OrderOutcome, CheckoutFailure } from './catalog';
export { ACCESS_LTSC_2021, EXCEL_LTSC_2021, RESERVED_VM_1Y } from './catalog';
export type { FaultRule, FaultKind } from './faults';
export type { ThrottleReport, TenantThrottleReport, AdmittedRefused, ThrottleScope } from './throttle';
