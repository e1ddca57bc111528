export { ThreadedPGlite, asLiveDatabaseWork, type PGliteTransaction, type QueryOptions, type Results } from './client.ts';
