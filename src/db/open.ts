// Opens the database: embedded PGlite in DATA_DIR when DATABASE_URL is unset, PostgreSQL otherwise.
// Everything above this file sees the same drizzle `Db` and the same SQL.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { ThreadedPGlite } from './pglite-thread/index.ts';

/**
 * Without drizzle's relational query API (`db.query.*`, unused here): given the schema, drizzle
 * builds a query builder for every table in every transaction it opens — ~10 KB of garbage per
 * transaction, a tenth of what taking in one UIS notification allocated on the main thread.
 */
export type Db = PgDatabase<PgQueryResultHKT>;
/** A transaction handle; repositories accept `Db | Tx` so callers decide the unit of work. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export type Database =
  | { kind: 'pglite'; db: Db; pglite: ThreadedPGlite; close(): Promise<void> }
  | { kind: 'postgres'; db: Db; pool: pg.Pool; connectionString: string; close(): Promise<void> };

export type OpenOptions = { databaseUrl?: string | undefined; dataDir: string; poolSize?: number };

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // An idle connection dropped by the server (restart, failover) must not crash the process:
    // the pool discards it and the next query opens a new one.
    pool.on('error', () => {});
    // Fail fast with a clear message instead of on the first request.
    const client = await pool.connect().catch(async (err: Error) => {
      await pool.end().catch(() => {});
      throw new Error(`Cannot connect to DATABASE_URL: ${err.message}`);
    });
    client.release();
    const db = drizzlePg(pool) as unknown as Db;
    return { kind: 'postgres', db, pool, connectionString: opts.databaseUrl, close: () => pool.end() };
  }
  const dir = opts.dataDir === 'memory://' ? 'memory://' : join(opts.dataDir, 'pglite');
  if (dir !== 'memory://') mkdirSync(dir, { recursive: true });
  // PGlite runs on a thread of its own (see pglite-thread/client.ts); drizzle's PGlite driver only
  // uses the part of the interface the thread client offers.
  const pglite = await ThreadedPGlite.open(dir);
  const db = drizzlePglite(pglite as unknown as PGlite) as unknown as Db;
  return { kind: 'pglite', db, pglite, close: () => pglite.close() };
}
