export { openDatabase, type Database, type Db, type Tx, type DbOrTx, type OpenOptions } from './open.ts';
export { runMigrations, ping } from './migrate.ts';
export * as tables from './schema/index.ts';
export { ThreadedPGlite, asLiveDatabaseWork } from './pglite-thread/index.ts';
export { recordsetLimit } from './recordset-limit.ts';
