export * from './accounts.ts';
export * from './credentials.ts';
export * from './integrations.ts';
export * from './inbox.ts';
export * from './selftest.ts';
export * from './deals.ts';
export * from './telephony.ts';
export * from './rate-gates.ts';
