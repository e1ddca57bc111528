export { ThreadedPGlite, asLiveDatabaseWork } from './client.ts';
