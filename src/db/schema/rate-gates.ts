// The MoySklad request gate's shared state (DESIGN.md §8 "Per-account gate"): one row per
// (principal, API). Every worker process takes tokens from the same row with one UPDATE, so the
// budget holds across processes; separate rows keep one tenant's traffic from locking another's.
import { doublePrecision, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const moyskladRateGates = pgTable(
  'moysklad_rate_gates',
  {
    /** Who MoySklad charges (account + credential identity, never a secret). */
    principal: text('principal').notNull(),
    /** 'json' | 'phone' | 'vendor'. */
    api: text('api').notNull(),
    /** GCRA theoretical arrival time, epoch ms on the database clock. */
    tatMs: doublePrecision('tat_ms').notNull().default(0),
    /** Lane reserves are kept until then (epoch ms): set by live and log requests, see limits.ts. */
    reserveUntilMs: doublePrecision('reserve_until_ms').notNull().default(0),
    /** In-flight requests: lease id → expiry (epoch ms); expired leases are ignored and pruned. */
    leases: jsonb('leases').$type<Record<string, number>>().notNull().default({}),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.principal, t.api] })],
);
