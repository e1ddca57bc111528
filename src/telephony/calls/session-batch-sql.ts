// The two statements of a batched session merge (CallStore.applyEvents): every changed session of
// an intake transaction written at once, each guarded like the single-event path. Rows whose guard
// or insert did not take are left out of the answer; the caller redoes those one by one.
import { sql, type SQL } from 'drizzle-orm';
import { recordsetLimit, type DbOrTx } from '../../db/index.ts';
import type { CallSession } from '../call-session/index.ts';

export type SessionKeyRow = { integration_id: string; call_session_id: string };

/** `rules_due`: the write changes a finished call, so its rules are due (see RULES_DUE_DELAY). */
export type GuardedUpdate = SessionKeyRow & { state: CallSession; version: number; finished: boolean; rules_due: boolean; expected_version: number; expected_events: number };
export type NewSession = SessionKeyRow & { account_id: string; state: CallSession; version: number; finished: boolean; rules_due: boolean };

/**
 * When a call's rules evaluation becomes due after a write that changes the finished call: a
 * moment later (events of one call come in bursts, so one evaluation sees the final state), and
 * never later than an earlier such write already asked.
 */
export const RULES_DUE_DELAY_MS = 1000;
export const RULES_DUE_DELAY = sql.raw(`interval '${RULES_DUE_DELAY_MS} milliseconds'`);

/** Updates sessions still at (expected_version, expected_events); returns the ones it updated. */
export function updateGuarded(tx: DbOrTx, rows: GuardedUpdate[]): Promise<SessionKeyRow[]> {
  return keys(tx, sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
        integration_id uuid, call_session_id text, state jsonb, version integer, finished boolean,
        rules_due boolean, expected_version integer, expected_events integer)
      ${recordsetLimit(rows.length)}
    )
    update call_sessions s
    set state = input.state, version = input.version, finished = input.finished, updated_at = now(),
      rules_due_at = case when input.rules_due then coalesce(s.rules_due_at, now() + ${RULES_DUE_DELAY}) else s.rules_due_at end
    from input
    where s.integration_id = input.integration_id and s.call_session_id = input.call_session_id
      and s.version = input.expected_version and jsonb_array_length(s.state->'events') = input.expected_events
    returning s.integration_id::text, s.call_session_id`);
}

/** Inserts sessions that do not exist yet; returns the ones it inserted. */
export function insertNew(tx: DbOrTx, rows: NewSession[]): Promise<SessionKeyRow[]> {
  return keys(tx, sql`
    insert into call_sessions (account_id, integration_id, call_session_id, state, version, finished, rules_due_at)
    select account_id, integration_id, call_session_id, state, version, finished,
      case when rules_due then now() + ${RULES_DUE_DELAY} end
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
      account_id uuid, integration_id uuid, call_session_id text, state jsonb, version integer, finished boolean, rules_due boolean)
    on conflict (integration_id, call_session_id) do nothing
    returning integration_id::text, call_session_id`);
}

async function keys(tx: DbOrTx, query: SQL): Promise<SessionKeyRow[]> {
  return ((await tx.execute(query)) as unknown as { rows: SessionKeyRow[] }).rows;
}
