export * from './request';
export * from './validation';
export * from './instanceId';
export * from './requestIds';
export * from './outcome';
export * from './failure';
export * from './orderId';
export * from './rejection';
