// The gate's SQL. Each decision is one statement on the principal's row, evaluated by the database
// on the row's latest version under its row lock, so concurrent processes see each other's tokens.
// Times are epoch ms on the database clock: processes on different machines share one clock.
import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/index.ts';
import type { MoyskladApi } from '../gate.ts';
import { backoffOffsetMs, type TakeParams } from './limits.ts';

export interface GateRow {
  principal: string;
  api: MoyskladApi;
}

export interface TakeResult {
  ok: boolean;
  /** Database clock at the decision. */
  nowMs: number;
  /** TAT after the statement (unchanged when refused, unless the take switched the row to reserved). */
  tatMs: number;
  /** Until when lane reserves are kept (reserved mode while it is past nowMs). */
  reserveUntilMs: number;
  /** Unexpired leases after the statement (including ours when granted). */
  inFlight: number;
}

/** Where the gate keeps its rows: the database (shared by processes) or memory (one process). */
export interface GateStore {
  take(row: GateRow, p: TakeParams & { leaseId: string; leaseMs: number }): Promise<TakeResult>;
  release(row: GateRow, leaseId: string): Promise<void>;
  renew(row: GateRow, leaseId: string, leaseMs: number): Promise<void>;
  backoff(row: GateRow, delayMs: number, p: Pick<TakeParams, 'reserved' | 'alone'>): Promise<{ nowMs: number; tatMs: number }>;
  peek(row: GateRow): Promise<{ nowMs: number; tatMs: number; leases: Record<string, number> } | undefined>;
}

const NOW = sql`(extract(epoch from clock_timestamp()) * 1000)::float8`;

// Leases still alive at n.now_ms; `g` is the row being updated.
const liveLeases = sql`coalesce((select jsonb_object_agg(e.key, e.value) from jsonb_each(g.leases) e where (e.value)::float8 > n.now_ms), '{}'::jsonb)`;
const liveCount = sql`(select count(*) from jsonb_each(g.leases) e where (e.value)::float8 > n.now_ms)`;

function rowsOf<T>(res: unknown): T[] {
  return (res as { rows: T[] }).rows;
}

export class RateGateStore implements GateStore {
  private readonly known = new Set<string>();

  constructor(private readonly db: DbOrTx) {}

  private async ensure(row: GateRow): Promise<void> {
    await this.db.execute(
      sql`insert into moysklad_rate_gates (principal, api, tat_ms) values (${row.principal}::text, ${row.api}::text, 0) on conflict do nothing`,
    );
    this.known.add(`${row.api}\u0000${row.principal}`);
  }

  private async onRow<T>(row: GateRow, statement: SQL): Promise<T | undefined> {
    if (!this.known.has(`${row.api}\u0000${row.principal}`)) await this.ensure(row);
    let rows = rowsOf<T>(await this.db.execute(statement));
    if (rows.length === 0) {
      // The row vanished (e.g. a cleanup); recreate and decide again.
      await this.ensure(row);
      rows = rowsOf<T>(await this.db.execute(statement));
    }
    return rows[0];
  }

  /**
   * One token + one in-flight lease, or nothing: limits.ts `decideRate` in SQL (the mode, the TAT
   * shift when a live or log take switches the row to reserved, the fit) plus fewer than
   * `inFlightBelow` unexpired leases. Expired leases (crashed holders) are dropped on the way.
   */
  async take(row: GateRow, p: TakeParams & { leaseId: string; leaseMs: number }): Promise<TakeResult> {
    const f = (x: number) => sql`${x}::float8`;
    const wasReserved = sql`(g.reserve_until_ms > n.now_ms)`;
    // SET expressions all see the row as it was, so each one restates the decision.
    const base = p.claimsReserve
      ? sql`(case when ${wasReserved} then g.tat_ms else g.tat_ms + ${f(p.enterReservedShiftMs)} end)`
      : sql`g.tat_ms`;
    const pick = (key: 'incrementMs' | 'maxAheadMs') =>
      p.claimsReserve ? f(p.reserved[key]) : sql`(case when ${wasReserved} then ${f(p.reserved[key])} else ${f(p.alone[key])} end)`;
    const advanced = sql`(greatest(${base}, n.now_ms) + ${pick('incrementMs')})`;
    const ok = sql`(${advanced} - n.now_ms <= ${pick('maxAheadMs')} and ${liveCount} < ${p.inFlightBelow}::int)`;
    const reserveUntil = p.claimsReserve ? sql`greatest(g.reserve_until_ms, n.now_ms + ${f(p.reserveHoldMs)})` : sql`g.reserve_until_ms`;
    const r = await this.onRow<{ ok: boolean; now_ms: number; tat_ms: number; reserve_until_ms: number; in_flight: number }>(
      row,
      sql`update moysklad_rate_gates as g set
            tat_ms = case when ${ok} then ${advanced} else ${base} end,
            reserve_until_ms = ${reserveUntil},
            leases = case when ${ok}
                       then ${liveLeases} || jsonb_build_object(${p.leaseId}::text, n.now_ms + ${p.leaseMs}::float8)
                       else ${liveLeases} end,
            updated_at = now()
          from (select ${NOW} as now_ms) as n
          where g.principal = ${row.principal}::text and g.api = ${row.api}::text
          returning (g.leases -> ${p.leaseId}::text) is not null as ok, n.now_ms, g.tat_ms, g.reserve_until_ms,
                    (select count(*) from jsonb_object_keys(g.leases))::int as in_flight`,
    );
    if (!r) throw new Error('rate gate row missing');
    return { ok: r.ok, nowMs: Number(r.now_ms), tatMs: Number(r.tat_ms), reserveUntilMs: Number(r.reserve_until_ms), inFlight: Number(r.in_flight) };
  }

  async release(row: GateRow, leaseId: string): Promise<void> {
    await this.db.execute(
      sql`update moysklad_rate_gates set leases = leases - ${leaseId}::text
          where principal = ${row.principal}::text and api = ${row.api}::text`,
    );
  }

  /** Extends a running request's lease; a no-op once released. */
  async renew(row: GateRow, leaseId: string, leaseMs: number): Promise<void> {
    await this.db.execute(
      sql`update moysklad_rate_gates
          set leases = jsonb_set(leases, array[${leaseId}::text], to_jsonb(${NOW} + ${leaseMs}::float8))
          where principal = ${row.principal}::text and api = ${row.api}::text and (leases -> ${leaseId}::text) is not null`,
    );
  }

  /**
   * Pushes TAT so that nothing goes for `delayMs`, in whichever mode the row is in (the offset is
   * how far TAT sits ahead of the first allowed moment). Never pulls TAT back. Returns the database
   * clock and the new TAT.
   */
  async backoff(row: GateRow, delayMs: number, p: Pick<TakeParams, 'reserved' | 'alone'>): Promise<{ nowMs: number; tatMs: number }> {
    const offset = sql`(case when g.reserve_until_ms > n.now_ms then ${backoffOffsetMs(p.reserved)}::float8 else ${backoffOffsetMs(p.alone)}::float8 end)`;
    const r = await this.onRow<{ now_ms: number; tat_ms: number }>(
      row,
      sql`update moysklad_rate_gates as g
          set tat_ms = greatest(g.tat_ms, n.now_ms + ${delayMs}::float8 + ${offset}), updated_at = now()
          from (select ${NOW} as now_ms) as n
          where g.principal = ${row.principal}::text and g.api = ${row.api}::text
          returning n.now_ms, g.tat_ms`,
    );
    if (!r) throw new Error('rate gate row missing');
    return { nowMs: Number(r.now_ms), tatMs: Number(r.tat_ms) };
  }

  /** Current state, for diagnostics and tests. */
  async peek(row: GateRow): Promise<{ nowMs: number; tatMs: number; leases: Record<string, number> } | undefined> {
    const [r] = rowsOf<{ now_ms: number; tat_ms: number; leases: Record<string, number> | string }>(
      await this.db.execute(
        sql`select ${NOW} as now_ms, tat_ms, leases from moysklad_rate_gates
            where principal = ${row.principal}::text and api = ${row.api}::text`,
      ),
    );
    if (!r) return undefined;
    const leases = typeof r.leases === 'string' ? (JSON.parse(r.leases) as Record<string, number>) : r.leases;
    return { nowMs: Number(r.now_ms), tatMs: Number(r.tat_ms), leases };
  }
}
