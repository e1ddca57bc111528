// pg-boss on the embedded database, with its one-statement queries prepared once.
//
// pg-boss sends a statement without parameters through `exec` (the simple protocol, which can carry
// several statements), and its job fetch is such a statement: the queue's name and options are
// written into the text. PostgreSQL then parses and plans the fetch — a CTE with an UPDATE over the
// job table and its indexes — afresh on every poll: 3–7 ms on the database thread, most of it
// planning, for a poll that usually finds nothing, while a notification's insert that arrives
// meanwhile waits. The same text comes back every polling interval, so a single query statement
// goes through `query` instead, which the thread keeps as a named prepared statement (planned once,
// re-planned by PostgreSQL itself when a table changes). Scripts (several statements, DDL) keep
// going through `exec`.
import type { ThreadedPGlite } from '../db/index.ts';

const QUERY_START = /^\s*(with|select|insert|update|delete)\b/i;

/** One statement: no `;` but a trailing one (pg-boss writes no `;` inside its literals). */
export function isSingleQuery(text: string): boolean {
  return QUERY_START.test(text) && !text.trim().replace(/;$/, '').includes(';');
}

type Results = Awaited<ReturnType<ThreadedPGlite['exec']>>;

/** The PGlite surface pg-boss's `fromPglite` uses, with single queries sent as prepared statements. */
export function withPreparedQueries(pglite: ThreadedPGlite) {
  return {
    query: (text: string, params?: unknown[]) => pglite.query(text, params),
    exec: async (text: string): Promise<Results> => (isSingleQuery(text) ? [await pglite.query(text, [])] : pglite.exec(text)),
    listen: (channel: string, cb: (payload: string) => void) => pglite.listen(channel, cb),
  };
}
