// Public API of the UIS module: plain re-exports only.
export * from './notifications/index.ts';
export * from './call-api/index.ts';
export * from './data-api/index.ts';
