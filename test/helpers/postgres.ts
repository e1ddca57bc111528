// Throwaway PostgreSQL databases for tests. Uses DATABASE_URL_TEST (a server URL) or
// postgres://postgres@127.0.0.1:5432/postgres. Without a reachable server the PostgreSQL half of
// the suite is skipped loudly — unless REQUIRE_POSTGRES=1 (set by .ci/run), which makes it fail.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/index.ts';

const serverUrl = process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let available: Promise<string | null> | undefined;

/**
 * Resolves to null when PostgreSQL is reachable, else to the reason it is not. A few tries with a
 * generous timeout: with a 2-s timeout the probe once reported "timeout expired" in a full local
 * run while the server was up (it answered at once right after), failing a whole file. Test files
 * run two at a time and start the embedded database, whose WebAssembly start-up keeps the CPU busy.
 */
export function postgresUnavailable(): Promise<string | null> {
  available ??= (async () => {
    let reason = '';
    for (let attempt = 0; attempt < 3; attempt++) {
      const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
      try {
        await client.connect();
        await client.query('select 1');
        return null;
      } catch (err) {
        reason = `PostgreSQL not reachable at ${serverUrl.replace(/:[^:@/]*@/, ':***@')}: ${(err as Error).message}`;
      } finally {
        await client.end().catch(() => {});
      }
    }
    return reason;
  })();
  return available;
}

/** Skip option for node:test: skips (with a loud notice) or fails when PostgreSQL is required. */
export async function postgresSkip(): Promise<string | false> {
  const reason = await postgresUnavailable();
  if (!reason) return false;
  if (process.env.REQUIRE_POSTGRES === '1') throw new Error(`REQUIRE_POSTGRES=1 but ${reason}`);
  process.stderr.write(`\n!!! SKIPPING PostgreSQL tests: ${reason}\n\n`);
  return reason;
}

export async function createThrowawayDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `usm_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** An empty database of either kind (embedded in memory, or a throwaway PostgreSQL one); `close` drops it. */
export async function openEmptyDatabase(kind: 'pglite' | 'postgres'): Promise<{ database: Database; close(): Promise<void> }> {
  if (kind === 'pglite') {
    const database = await openDatabase({ dataDir: 'memory://' });
    return { database, close: () => database.close() };
  }
  const throwaway = await createThrowawayDatabase();
  const database = await openDatabase({ databaseUrl: throwaway.url, dataDir: 'memory://' });
  return {
    database,
    async close() {
      await database.close();
      await throwaway.drop();
    },
  };
}
