export * from './resultMessage';
export * from './publisher';
