// A row-count hint for statements that take their rows as one JSON parameter.
//
// PostgreSQL cannot see into the parameter, so it estimates every `jsonb_to_recordset(...)` at 100
// rows. Joined with a table of a few hundred rows that picks a hash join over a sequential scan of
// the table, evaluating the join's conditions for every row in it: measured on the batched
// call-session update with 600 sessions, 10 ms for 4 input rows where an index lookup per row takes
// well under 1 ms. Prepared statements keep such a plan (see db/pglite-thread/prepared-statements.ts).
// A `LIMIT` at or above the real count drops nothing and sets the estimate; rounding it up to a
// power of two keeps the number of distinct statement texts (and prepared plans) small.
import { sql, type SQL } from 'drizzle-orm';

export function recordsetLimit(rows: number): SQL {
  let limit = 1;
  while (limit < rows) limit *= 2;
  return sql.raw(`limit ${limit}`);
}
