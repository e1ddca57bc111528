// The call store for a database only this process writes (embedded PGlite, `serve`). The lease and
// the pushed state live in memory and reach the database in one batched statement every FLUSH_MS,
// so a reconcile pass on the pop-up path runs no statement at all. (The shared store, for
// PostgreSQL and several workers, spends up to four statements per step on leases and markers, and
// on PGlite's single connection each of them waits behind whatever transaction is running.)
//
// Crash safety without writing before each send: every flushed row carries this process's epoch.
// State read back from a row written by an earlier process (it may have crashed between a request
// and its flush) is distrusted: a call never confirmed is probed by externalId before any create,
// a created call is read back before the next update (recordUrl appends), and the card sequence
// jumps ahead past anything that process could have handed out. Calls first seen by this process
// start from a known empty state. A reconciled version lost with the last batch only makes the
// sweeper reconcile that call once more.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/index.ts';
import type { CallSession } from '../call-session/index.ts';
import { CallStore, LeaseLostError, rowsOf, type AppliedEvent, type ClaimOptions, type Claimed } from './call-store.ts';
import { emptyPushed, readPushed, type PushedState } from './pushed-state.ts';
import { sessionKey } from './session-hints.ts';

const FLUSH_MS = 100;
/** Reconciled calls untouched this long leave memory (they are read back if anything arrives). */
const IDLE_EVICT_MS = 5 * 60_000;
const MAX_ENTRIES = 20_000;
/** More card events than an earlier process could have sent for one call between two flushes. */
const SEQUENCE_MARGIN = 1000;

interface PushEntry {
  integrationId: string;
  callSessionId: string;
  msCallId: string | null;
  createPending: boolean;
  pushed: PushedState;
  lastSequence: number;
  reconciledVersion: number;
  parked: boolean;
  lastError: string | null;
  lease: string | null;
  dirty: boolean;
  touchedAt: number;
}

type PushRow = {
  account_id: string;
  state: CallSession | string;
  version: number;
  ms_call_id: string | null;
  create_pending: boolean | null;
  pushed: unknown;
  last_sequence: number | null;
  reconciled_version: number | null;
  parked: boolean | null;
  last_error: string | null;
};

export class ExclusiveCallStore extends CallStore {
  private readonly entries = new Map<string, PushEntry>();
  private leaseSeq = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private lastEvict = Date.now();
  /** Marks the rows this process wrote (see the header). */
  private readonly epoch = randomUUID();

  constructor(db: Db, private readonly onFlushError: (err: unknown) => void = () => {}) {
    super(db);
  }

  /** A session this process just created had nothing pushed: its push state starts known and empty. */
  override remember(ids: { accountId: string; integrationId: string }, applied: AppliedEvent): void {
    super.remember(ids, applied);
    const key = sessionKey(ids.integrationId, applied.state.callSessionId);
    if (applied.inserted && !this.entries.has(key)) this.entries.set(key, this.emptyEntry(ids.integrationId, applied.state.callSessionId));
  }

  override async claim(integrationId: string, callSessionId: string, opts: ClaimOptions = {}): Promise<Claimed | undefined> {
    const key = sessionKey(integrationId, callSessionId);
    let entry = this.entries.get(key);
    if (entry?.lease) return undefined;
    let session = opts.fresh ? undefined : this.hints.get(integrationId, callSessionId);
    if (!entry || !session) {
      const row = await this.load(integrationId, callSessionId);
      if (!row) return undefined;
      session = { accountId: row.account_id, state: parseJson(row.state) as CallSession, version: Number(row.version) };
      this.hints.remember(integrationId, session);
      // Memory is newer than the database for any entry it holds (writes are batched).
      entry = this.entries.get(key) ?? this.entryFrom(integrationId, callSessionId, row);
      if (entry.lease) return undefined; // claimed by someone else while we read
      this.entries.set(key, entry);
    }
    entry.lease = String(++this.leaseSeq);
    entry.touchedAt = Date.now();
    return {
      token: entry.lease,
      accountId: session.accountId,
      session: session.state,
      version: session.version,
      msCallId: entry.msCallId,
      createPending: entry.createPending,
      pushed: entry.pushed,
      lastSequence: entry.lastSequence,
      reconciledVersion: entry.reconciledVersion,
    };
  }

  override async reload(c: Claimed, integrationId: string): Promise<boolean> {
    const hint = this.hints.get(integrationId, c.session.callSessionId);
    if (hint && hint.version > c.version) {
      c.session = hint.state;
      c.version = hint.version;
      return true;
    }
    return super.reload(c, integrationId);
  }

  override async beforeSend(integrationId: string, c: Claimed, next: { lastSequence: number; createPending: boolean }): Promise<void> {
    const e = this.held(integrationId, c);
    e.lastSequence = c.lastSequence = next.lastSequence;
    e.createPending = c.createPending = next.createPending;
    this.changed(e);
  }

  override async afterSend(
    integrationId: string,
    c: Claimed,
    next: { msCallId: string | null; createPending: boolean; pushed: PushedState; lastError?: string | null },
  ): Promise<void> {
    const e = this.held(integrationId, c);
    e.msCallId = c.msCallId = next.msCallId;
    e.createPending = c.createPending = next.createPending;
    e.pushed = c.pushed = next.pushed;
    e.lastError = next.lastError ?? null;
    this.changed(e);
  }

  override async release(integrationId: string, c: Claimed, opts: { parked?: boolean; lastError?: string | null } = {}): Promise<boolean> {
    const e = this.held(integrationId, c);
    const hint = this.hints.get(integrationId, c.session.callSessionId);
    if (!opts.parked && hint && hint.version > c.version) return false;
    e.reconciledVersion = c.version;
    e.parked = opts.parked ?? false;
    e.lastError = opts.lastError ?? null;
    e.lease = null;
    this.changed(e);
    // takeParked reads the database: a parked call must be there before anyone looks.
    if (e.parked) await this.flush();
    return true;
  }

  override async abandon(integrationId: string, c: Claimed, lastError: string): Promise<void> {
    const e = this.entries.get(sessionKey(integrationId, c.session.callSessionId));
    if (!e || e.lease !== c.token) return;
    e.lease = null;
    e.lastError = lastError;
    this.changed(e);
  }

  override async behind(quietMs: number, limit?: number) {
    await this.flush();
    const rows = await super.behind(quietMs, limit);
    return rows.filter((r) => !this.entries.get(sessionKey(r.integrationId, r.callSessionId))?.lease);
  }

  override async takeParked(integrationId: string, limit?: number): Promise<string[]> {
    await this.flush();
    const ids = await super.takeParked(integrationId, limit);
    for (const id of ids) {
      const e = this.entries.get(sessionKey(integrationId, id));
      if (e) e.parked = false;
    }
    return ids;
  }

  override async pushesOf(integrationId: string) {
    await this.flush();
    return super.pushesOf(integrationId);
  }

  /** Writes every changed entry in one statement; concurrent callers share the write in progress. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const run = this.flushing.then(() => this.writeDirty());
    this.flushing = run.catch(() => {});
    return run;
  }

  private async writeDirty(): Promise<void> {
    const batch = [...this.entries.values()].filter((e) => e.dirty);
    if (batch.length === 0) return this.evict();
    for (const e of batch) e.dirty = false;
    const records = batch.map((e) => ({
      integration_id: e.integrationId,
      call_session_id: e.callSessionId,
      ms_call_id: e.msCallId,
      create_pending: e.createPending,
      pushed: { ...e.pushed, writer: this.epoch },
      last_sequence: e.lastSequence,
      reconciled_version: e.reconciledVersion,
      parked: e.parked,
      last_error: e.lastError,
    }));
    try {
      // Calls of an integration deleted meanwhile are skipped (its rows went with it).
      await this.db.execute(sql`
        insert into call_pushes (integration_id, call_session_id, ms_call_id, create_pending, pushed, last_sequence, reconciled_version, parked, last_error, updated_at)
        select r.integration_id, r.call_session_id, r.ms_call_id, r.create_pending, r.pushed, r.last_sequence, r.reconciled_version, r.parked, r.last_error, now()
        from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(integration_id uuid, call_session_id text, ms_call_id text,
          create_pending boolean, pushed jsonb, last_sequence integer, reconciled_version integer, parked boolean, last_error text)
        where exists (select 1 from integrations i where i.id = r.integration_id)
        on conflict (integration_id, call_session_id) do update set
          ms_call_id = excluded.ms_call_id, create_pending = excluded.create_pending, pushed = excluded.pushed,
          last_sequence = excluded.last_sequence, reconciled_version = excluded.reconciled_version, parked = excluded.parked,
          last_error = excluded.last_error, lease_token = null, lease_until = null, updated_at = now()`);
    } catch (err) {
      for (const e of batch) e.dirty = true;
      this.schedule(1000);
      this.onFlushError(err);
      throw err;
    }
    this.evict();
  }

  private changed(e: PushEntry): void {
    e.dirty = true;
    e.touchedAt = Date.now();
    this.schedule(FLUSH_MS);
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => {}); // reported through onFlushError, retried by schedule
    }, ms);
    this.timer.unref();
  }

  private evict(): void {
    const now = Date.now();
    if (now - this.lastEvict < 10_000 && this.entries.size <= MAX_ENTRIES) return;
    this.lastEvict = now;
    for (const [key, e] of this.entries) {
      const idle = now - e.touchedAt > IDLE_EVICT_MS || this.entries.size > MAX_ENTRIES;
      if (idle && !e.lease && !e.dirty) this.entries.delete(key);
    }
  }

  private held(integrationId: string, c: Claimed): PushEntry {
    const e = this.entries.get(sessionKey(integrationId, c.session.callSessionId));
    if (!e || e.lease !== c.token) throw new LeaseLostError();
    return e;
  }

  private emptyEntry(integrationId: string, callSessionId: string): PushEntry {
    return {
      integrationId,
      callSessionId,
      msCallId: null,
      createPending: false,
      pushed: emptyPushed(),
      lastSequence: 0,
      reconciledVersion: 0,
      parked: false,
      lastError: null,
      lease: null,
      dirty: false,
      touchedAt: Date.now(),
    };
  }

  private entryFrom(integrationId: string, callSessionId: string, row: PushRow): PushEntry {
    const { writer, ...pushed } = readPushed(parseJson(row.pushed)) as PushedState & { writer?: string };
    const e: PushEntry = {
      ...this.emptyEntry(integrationId, callSessionId),
      msCallId: row.ms_call_id,
      createPending: row.create_pending ?? false,
      pushed,
      lastSequence: Number(row.last_sequence ?? 0),
      reconciledVersion: Number(row.reconciled_version ?? 0),
      parked: row.parked ?? false,
      lastError: row.last_error,
    };
    if (writer !== this.epoch) {
      // Possibly behind what an earlier process sent (see the header): verify before acting.
      if (e.msCallId) e.pushed = { ...e.pushed, uncertain: true };
      else e.createPending = true;
      e.lastSequence += SEQUENCE_MARGIN;
    }
    return e;
  }

  private async load(integrationId: string, callSessionId: string): Promise<PushRow | undefined> {
    const rows = await rowsOf<PushRow>(this.db, sql`
      select s.account_id, s.state, s.version, p.ms_call_id, p.create_pending, p.pushed, p.last_sequence,
        p.reconciled_version, p.parked, p.last_error
      from call_sessions s
      left join call_pushes p on p.integration_id = s.integration_id and p.call_session_id = s.call_session_id
      where s.integration_id = ${integrationId} and s.call_session_id = ${callSessionId}`);
    return rows[0];
  }
}

function parseJson(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}
