export * from './users';
export * from './documents';
export * from './webhooks';
export * from './logs';
export * from './email';
export * from './jobs';
export * from './rate-limits';
export * from './alerts';
