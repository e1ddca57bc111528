// Raw SQL results look the same on PGlite and node-postgres: `{ rows }`.
import type { SQL } from 'drizzle-orm';
import type { Db } from '../db/index.ts';

export async function run(db: Db, query: SQL): Promise<{ rows: Record<string, unknown>[] }> {
  return (await db.execute(query)) as { rows: Record<string, unknown>[] };
}
