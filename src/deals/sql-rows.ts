// Raw SQL results look the same on PGlite and node-postgres: `{ rows }`.
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/index.ts';

export async function run(db: DbOrTx, query: SQL): Promise<{ rows: Record<string, unknown>[] }> {
  return (await db.execute(query)) as { rows: Record<string, unknown>[] };
}

/**
 * A batch of rows as one jsonb parameter, read back as a table with `jsonb_to_recordset`.
 * One parameter instead of one per value: a 1 000-row upsert is a single short statement whatever
 * the column count, so no parameter limit applies and building/binding the query costs little
 * (on PGlite that work runs on the event loop's thread).
 */
export function recordset(rows: readonly object[], columns: ReadonlyArray<readonly [name: string, type: string]>): SQL {
  const defs = sql.raw(columns.map(([name, type]) => `${name} ${type}`).join(', '));
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(${defs})`;
}
