// Effects recorded by the queue self-test (`uis-moysklad selftest`): one row per job whose handler
// committed, so "every job done exactly once" is a query, across any number of worker processes.
import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const selftestEffects = pgTable(
  'selftest_effects',
  {
    runId: text('run_id').notNull(),
    seq: integer('seq').notNull(),
    pid: integer('pid').notNull(),
    /** How many deliveries found the effect already done (redeliveries after a crash). */
    redeliveries: integer('redeliveries').notNull().default(0),
    doneAt: timestamp('done_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.seq] })],
);
