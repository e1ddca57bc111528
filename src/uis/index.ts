// Public API of the UIS module: plain re-exports only.
export * from './notifications/index.ts';
