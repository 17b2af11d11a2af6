export * from './models';
export * from './errors';
export * from './client';
export * from './tokenProvider';
export { parseCartErrorCode, parseOrderStatus, parseBillingCycle, PartnerCenterResponseShapeError } from './parse';
