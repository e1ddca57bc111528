// Storage of call sessions and of what was pushed for them. The reconciler works on one call
// under a lease (call_pushes.lease_token) instead of a row lock held across HTTP, so it never keeps
// a transaction open while MoySklad answers (on PGlite that would stall every other writer).
import { randomUUID } from 'node:crypto';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { tables, type Db, type DbOrTx } from '../../db/index.ts';
import { applyEvent, type CallSession } from '../call-session/index.ts';
import type { UisCallEvent } from '../../uis/index.ts';
import { readPushed, type PushedState } from './pushed-state.ts';
import { insertNew, RULES_DUE_DELAY, updateGuarded, type GuardedUpdate, type NewSession } from './session-batch-sql.ts';
import { SessionHints, sessionKey } from './session-hints.ts';

const LEASE_MS = 60_000;

export interface Claimed {
  token: string;
  accountId: string;
  session: CallSession;
  version: number;
  msCallId: string | null;
  createPending: boolean;
  pushed: PushedState;
  lastSequence: number;
  reconciledVersion: number;
}

export interface AppliedEvent {
  /** The derived session changed (MoySklad may be behind now). */
  changed: boolean;
  /** A new event was stored (remember it after commit). */
  wrote: boolean;
  /** This event created the session row (nothing was ever pushed for it). */
  inserted?: boolean;
  version: number;
  finished: boolean;
  state: CallSession;
}

export interface ClaimOptions {
  /** Read the session from the database even when this process has a hint (queued jobs: the hint may lag). */
  fresh?: boolean;
}

export class CallStore {
  protected readonly hints = new SessionHints();

  constructor(protected readonly db: Db) {}

  /**
   * Merges one event into its session. With a hint of the committed state (the usual case: this
   * process wrote the call's previous event) that is one guarded update and no read; a duplicate
   * costs no statement at all. Without one, or when the guard finds the hint stale, the row is
   * read under lock. The caller passes `remember(result)` to `rememberAfterCommit`.
   */
  async applyEvent(tx: DbOrTx, ids: { accountId: string; integrationId: string }, event: UisCallEvent): Promise<AppliedEvent> {
    const t = tables.callSessions;
    const where = and(eq(t.integrationId, ids.integrationId), eq(t.callSessionId, event.callSessionId));
    const hint = this.hints.get(ids.integrationId, event.callSessionId);
    if (hint && hint.accountId === ids.accountId) {
      const r = applyEvent(hint.state, event);
      // A duplicate of the hint is a duplicate of any newer state too (events are only ever added).
      if (!r.recorded) return { changed: false, wrote: false, version: hint.version, finished: hint.state.finished, state: hint.state };
      const version = r.changed ? hint.version + 1 : hint.version;
      // Every write adds exactly one event, so (version, event count) identifies the state the hint saw.
      const updated = await tx
        .update(t)
        .set({ state: r.state, version, finished: r.state.finished, updatedAt: new Date(), ...rulesDue(r.changed, r.state) })
        .where(and(where, eq(t.version, hint.version), sql`jsonb_array_length(${t.state}->'events') = ${hint.state.events.length}`))
        .returning({ version: t.version });
      if (updated[0]) return { changed: r.changed, wrote: true, version, finished: r.state.finished, state: r.state };
    }
    const lockCurrent = async () => (await tx.select({ state: t.state, version: t.version }).from(t).where(where).for('update'))[0];
    if (!hint) {
      // Most likely the call's first event (no session yet): try the insert first; an existing
      // session (written by another process) costs the locked read after it.
      const first = applyEvent(undefined, event);
      const inserted = await tx
        .insert(t)
        .values({ ...ids, callSessionId: event.callSessionId, state: first.state, finished: first.state.finished, ...(first.state.finished && { rulesDueAt: sql`now() + ${RULES_DUE_DELAY}` }) })
        .onConflictDoNothing()
        .returning({ version: t.version });
      if (inserted[0]) return { changed: true, wrote: true, inserted: true, version: inserted[0].version, finished: first.state.finished, state: first.state };
    }
    const current = await lockCurrent();
    if (!current) throw new Error('call session vanished while applying an event');
    const state = current.state as CallSession;
    const r = applyEvent(state, event);
    if (!r.recorded) {
      // Nothing to write, so nothing is remembered after commit: remember what was read instead,
      // or every later duplicate would read the row again (a hint is only ever a guarded guess).
      this.hints.remember(ids.integrationId, { accountId: ids.accountId, state, version: current.version });
      return { changed: false, wrote: false, version: current.version, finished: state.finished, state };
    }
    const version = r.changed ? current.version + 1 : current.version;
    await tx.update(t).set({ state: r.state, version, finished: r.state.finished, updatedAt: new Date(), ...rulesDue(r.changed, r.state) }).where(where);
    return { changed: r.changed, wrote: true, version, finished: r.state.finished, state: r.state };
  }

  /**
   * `applyEvent` for all events of one intake transaction with at most two statements: each
   * session's events are folded onto its hint (or start a new session) in memory, then every
   * changed session is written by one guarded update and new ones by one insert. A session whose
   * guard or insert does not take (another process wrote it, the hint is stale) is redone event by
   * event through `applyEvent`. Results are in the order of `entries`, as if applied one by one.
   */
  async applyEvents(tx: DbOrTx, entries: Array<{ ids: { accountId: string; integrationId: string }; event: UisCallEvent }>): Promise<AppliedEvent[]> {
    type Folded = {
      ids: { accountId: string; integrationId: string };
      callSessionId: string;
      /** What the stored row must still be; undefined: no row is known (insert). */
      expect: { version: number; events: number } | undefined;
      state: CallSession | undefined;
      version: number;
      wrote: boolean;
      /** Some event changed the derived session (with the final state finished: rules are due). */
      changed: boolean;
      /** Indexes into `entries`; `slow`: every one of them goes through applyEvent. */
      at: number[];
      slow: boolean;
    };
    const results: AppliedEvent[] = new Array(entries.length);
    const sessions = new Map<string, Folded>();
    for (const [i, { ids, event }] of entries.entries()) {
      const key = sessionKey(ids.integrationId, event.callSessionId);
      let f = sessions.get(key);
      if (!f) {
        const hint = this.hints.get(ids.integrationId, event.callSessionId);
        f = hint
          ? { ids, callSessionId: event.callSessionId, expect: { version: hint.version, events: hint.state.events.length }, state: hint.state, version: hint.version, wrote: false, changed: false, at: [], slow: hint.accountId !== ids.accountId }
          : { ids, callSessionId: event.callSessionId, expect: undefined, state: undefined, version: 0, wrote: false, changed: false, at: [], slow: false };
        sessions.set(key, f);
      }
      f.at.push(i);
      if (f.slow || f.ids.accountId !== ids.accountId) {
        f.slow = true;
        continue;
      }
      const r = applyEvent(f.state, event);
      if (!r.recorded) {
        results[i] = { changed: false, wrote: false, version: f.version, finished: f.state!.finished, state: f.state! };
        continue;
      }
      const inserted = f.state === undefined;
      // A new row starts at version 1 (the column's default), as in applyEvent.
      const version = inserted ? 1 : r.changed ? f.version + 1 : f.version;
      f.state = r.state;
      f.version = version;
      f.wrote = true;
      f.changed ||= r.changed;
      results[i] = { changed: r.changed, wrote: true, ...(inserted && { inserted: true }), version, finished: r.state.finished, state: r.state };
    }
    const written = [...sessions.values()].filter((f) => !f.slow && f.wrote);
    const updates: GuardedUpdate[] = [];
    const inserts: NewSession[] = [];
    for (const f of written) {
      const row = {
        integration_id: f.ids.integrationId,
        call_session_id: f.callSessionId,
        state: f.state!,
        version: f.version,
        finished: f.state!.finished,
        rules_due: f.changed && f.state!.finished,
      };
      if (f.expect) updates.push({ ...row, expected_version: f.expect.version, expected_events: f.expect.events });
      else inserts.push({ ...row, account_id: f.ids.accountId });
    }
    // Sent together: on the embedded database both wait in its thread's queue, one round trip.
    const [updated, insertedRows] = await Promise.all([updates.length > 0 ? updateGuarded(tx, updates) : [], inserts.length > 0 ? insertNew(tx, inserts) : []]);
    const took = new Set<string>();
    for (const r of [...updated, ...insertedRows]) took.add(sessionKey(r.integration_id, r.call_session_id));
    for (const [key, f] of sessions) {
      if (!f.slow && (!f.wrote || took.has(key))) continue;
      // Not written: read the row under lock and merge this session's events one by one.
      this.hints.forget(f.ids.integrationId, f.callSessionId);
      for (const i of f.at) results[i] = await this.applyEvent(tx, entries[i]!.ids, entries[i]!.event);
    }
    return results;
  }

  /** Records a committed session write as this process's hint (call once its transaction committed). */
  remember(ids: { accountId: string; integrationId: string }, applied: AppliedEvent): void {
    this.hints.remember(ids.integrationId, { accountId: ids.accountId, state: applied.state, version: applied.version });
  }

  /** Takes the call's lease; undefined when another reconciler holds it or there is no session. */
  async claim(integrationId: string, callSessionId: string, _opts: ClaimOptions = {}): Promise<Claimed | undefined> {
    const token = randomUUID();
    const until = new Date(Date.now() + LEASE_MS);
    const rows = await rowsOf<{
      account_id: string;
      state: CallSession;
      version: number;
      ms_call_id: string | null;
      create_pending: boolean;
      pushed: unknown;
      last_sequence: number;
      reconciled_version: number;
    }>(this.db, sql`
      with s as (
        select account_id, state, version from call_sessions
        where integration_id = ${integrationId} and call_session_id = ${callSessionId}
      ), p as (
        insert into call_pushes (integration_id, call_session_id, lease_token, lease_until)
        select ${integrationId}, ${callSessionId}, ${token}, ${until.toISOString()}::timestamptz from s
        on conflict (integration_id, call_session_id) do update
          set lease_token = excluded.lease_token, lease_until = excluded.lease_until, updated_at = now()
          where call_pushes.lease_token is null or call_pushes.lease_until < now()
        returning ms_call_id, create_pending, pushed, last_sequence, reconciled_version
      )
      select s.account_id, s.state, s.version, p.* from s, p`);
    const row = rows[0];
    if (!row) return undefined;
    return {
      token,
      accountId: row.account_id,
      session: (typeof row.state === 'string' ? JSON.parse(row.state) : row.state) as CallSession,
      version: Number(row.version),
      msCallId: row.ms_call_id,
      createPending: row.create_pending,
      pushed: readPushed(typeof row.pushed === 'string' ? JSON.parse(row.pushed) : row.pushed),
      lastSequence: Number(row.last_sequence),
      reconciledVersion: Number(row.reconciled_version),
    };
  }

  /**
   * Calls whose MoySklad side is behind (session version ahead of the reconciled one), not parked,
   * not leased, and quiet for `quietMs` (so an in-process reconcile that is about to run is not
   * duplicated). Only sessions touched in the last day are looked at.
   */
  async behind(quietMs: number, limit = 500): Promise<Array<{ integrationId: string; callSessionId: string }>> {
    const rows = await rowsOf<{ integration_id: string; call_session_id: string }>(this.db, sql`
      select s.integration_id, s.call_session_id from call_sessions s
      left join call_pushes p on p.integration_id = s.integration_id and p.call_session_id = s.call_session_id
      where s.updated_at > now() - interval '1 day'
        and s.updated_at < now() - make_interval(secs => ${quietMs / 1000})
        and s.version > coalesce(p.reconciled_version, 0)
        and coalesce(p.parked, false) = false
        and (p.lease_token is null or p.lease_until < now())
      limit ${limit}`);
    return rows.map((r) => ({ integrationId: r.integration_id, callSessionId: r.call_session_id }));
  }

  /** Re-reads the session under a held lease (another event arrived meanwhile). */
  async reload(c: Claimed, integrationId: string): Promise<boolean> {
    const t = tables.callSessions;
    const [row] = await this.db
      .select({ state: t.state, version: t.version })
      .from(t)
      .where(and(eq(t.integrationId, integrationId), eq(t.callSessionId, c.session.callSessionId)));
    if (!row) return false;
    c.session = row.state as CallSession;
    c.version = row.version;
    return true;
  }

  private leased(integrationId: string, c: Claimed) {
    const p = tables.callPushes;
    return and(eq(p.integrationId, integrationId), eq(p.callSessionId, c.session.callSessionId), eq(p.leaseToken, c.token));
  }

  /** Stored before sending: the sequence numbers handed out, and "a create is in flight". */
  async beforeSend(integrationId: string, c: Claimed, next: { lastSequence: number; createPending: boolean }): Promise<void> {
    // Nothing to hand out or mark (an update without card events): an unknown outcome is handled
    // by the reconciler marking the state uncertain after the fact.
    if (next.lastSequence === c.lastSequence && next.createPending === c.createPending) return;
    const rows = await this.db
      .update(tables.callPushes)
      .set({ lastSequence: next.lastSequence, createPending: next.createPending, updatedAt: new Date() })
      .where(this.leased(integrationId, c))
      .returning({ x: tables.callPushes.lastSequence });
    if (!rows[0]) throw new LeaseLostError();
    c.lastSequence = next.lastSequence;
    c.createPending = next.createPending;
  }

  /** Stored after MoySklad confirmed (or after an outcome became unknown). */
  async afterSend(
    integrationId: string,
    c: Claimed,
    next: { msCallId: string | null; createPending: boolean; pushed: PushedState; lastError?: string | null },
  ): Promise<void> {
    const rows = await this.db
      .update(tables.callPushes)
      .set({ msCallId: next.msCallId, createPending: next.createPending, pushed: next.pushed, lastError: next.lastError ?? null, updatedAt: new Date() })
      .where(this.leased(integrationId, c))
      .returning({ x: tables.callPushes.lastSequence });
    if (!rows[0]) throw new LeaseLostError();
    c.msCallId = next.msCallId;
    c.createPending = next.createPending;
    c.pushed = next.pushed;
  }

  /**
   * Releases the lease if the session is still at `c.version`; false when a newer event arrived
   * meanwhile (the caller reloads and goes on, since that event's job may have found us busy).
   */
  async release(integrationId: string, c: Claimed, opts: { parked?: boolean; lastError?: string | null } = {}): Promise<boolean> {
    const rows = await rowsOf<{ call_session_id: string }>(this.db, sql`
      update call_pushes p set lease_token = null, lease_until = null, reconciled_version = ${c.version},
        parked = ${opts.parked ?? false}, last_error = ${opts.lastError ?? null}, updated_at = now()
      where p.integration_id = ${integrationId} and p.call_session_id = ${c.session.callSessionId} and p.lease_token = ${c.token}
        and (${opts.parked ?? false} or not exists (
          select 1 from call_sessions s where s.integration_id = p.integration_id
            and s.call_session_id = p.call_session_id and s.version <> ${c.version}))
      returning p.call_session_id`);
    return rows.length > 0;
  }

  /** Drops the lease whatever the session version (errors: a retry job follows). */
  async abandon(integrationId: string, c: Claimed, lastError: string): Promise<void> {
    await this.db
      .update(tables.callPushes)
      .set({ leaseToken: null, leaseUntil: null, lastError, updatedAt: new Date() })
      .where(this.leased(integrationId, c));
  }

  /** Sessions waiting for their integration; unparked as they are handed back. */
  async takeParked(integrationId: string, limit = 500): Promise<string[]> {
    const p = tables.callPushes;
    const rows = await this.db
      .update(p)
      .set({ parked: false, updatedAt: new Date() })
      .where(
        and(
          eq(p.integrationId, integrationId),
          eq(p.parked, true),
          sql`${p.callSessionId} in (select call_session_id from call_pushes where integration_id = ${integrationId} and parked limit ${limit})`,
        ),
      )
      .returning({ id: p.callSessionId });
    return rows.map((r) => r.id);
  }

  async pushesOf(integrationId: string) {
    return this.db.select().from(tables.callPushes).where(eq(tables.callPushes.integrationId, integrationId));
  }
}

/**
 * The rules' outbox column for a session write (see RULES_DUE_DELAY): rules act on what a call came
 * to (outcome, talk time, recordings), so nothing is due before it ends, and again after each change.
 */
function rulesDue(changed: boolean, state: CallSession): { rulesDueAt?: SQL } {
  return changed && state.finished ? { rulesDueAt: sql`coalesce(${tables.callSessions.rulesDueAt}, now() + ${RULES_DUE_DELAY})` } : {};
}

/** Raw SQL rows; both drivers (node-postgres, PGlite) answer with `{ rows }`. */
export async function rowsOf<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const res = (await db.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

export class LeaseLostError extends Error {
  constructor() {
    super('call lease lost (another reconciler took over after expiry)');
  }
}
