// Call sessions (the model built from UIS notifications) and what MoySklad already has of each
// (the reconciler's record). DESIGN.md §8 "Call reconciler": desired vs pushed.
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts.ts';
import { integrations } from './integrations.ts';

export const callSessions = pgTable(
  'call_sessions',
  {
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    callSessionId: text('call_session_id').notNull(),
    /** The CallSession (src/telephony/call-session), events included. */
    state: jsonb('state').notNull(),
    /** Bumped whenever the derived session changes; the reconciler records the version it pushed. */
    version: integer('version').notNull().default(1),
    finished: boolean('finished').notNull().default(false),
    /**
     * The rules' outbox: set (if not already) by the write that changes a finished call, cleared
     * when its rules evaluation is queued (src/telephony/calls/rules-outbox.ts).
     */
    rulesDueAt: timestamp('rules_due_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('call_sessions_integration_session_uq').on(t.integrationId, t.callSessionId),
    index('call_sessions_rules_due_idx').on(t.rulesDueAt).where(sql`${t.rulesDueAt} is not null`),
    index('call_sessions_account_updated_idx').on(t.accountId, t.updatedAt),
    // The sweeper scans recently changed sessions across accounts.
    index('call_sessions_updated_idx').on(t.updatedAt),
  ],
);

export const callPushes = pgTable(
  'call_pushes',
  {
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    callSessionId: text('call_session_id').notNull(),
    /** MoySklad call id once a create succeeded (or a probe found it). */
    msCallId: text('ms_call_id'),
    /** A POST /call was sent and its outcome is unknown: probe before creating again. */
    createPending: boolean('create_pending').notNull().default(false),
    /** Fields MoySklad confirmed (see PushedState in src/telephony/calls). */
    pushed: jsonb('pushed').notNull().default({}),
    /** Last card-event sequence handed out for this call; stored before sending. */
    lastSequence: integer('last_sequence').notNull().default(0),
    /** Session version the pushed state corresponds to. */
    reconciledVersion: integer('reconciled_version').notNull().default(0),
    /** Waiting for the integration (inactive or credentials rejected); replayed when it is fixed. */
    parked: boolean('parked').notNull().default(false),
    /** One reconciler at a time per call: who holds it and until when. */
    leaseToken: text('lease_token'),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    lastError: text('last_error'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('call_pushes_integration_session_uq').on(t.integrationId, t.callSessionId),
    index('call_pushes_parked_idx').on(t.integrationId, t.parked),
  ],
);
