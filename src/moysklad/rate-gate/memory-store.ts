// The gate's state in process memory, with exactly the decisions of RateGateStore's SQL. Used with
// the embedded database: PGlite serves one process only, so the state needs no sharing, and every
// statement saved on its single connection is latency saved for pop-up cards.
import { backoffOffsetMs, decideRate, type RateState, type TakeParams } from './limits.ts';
import type { GateRow, GateStore, TakeResult } from './store.ts';

type State = RateState & { leases: Map<string, number> };

export class MemoryRateGateStore implements GateStore {
  private readonly rows = new Map<string, State>();

  constructor(private readonly now: () => number = Date.now) {}

  private state(row: GateRow): State {
    const id = `${row.api}\u0000${row.principal}`;
    let s = this.rows.get(id);
    if (!s) this.rows.set(id, (s = { tatMs: 0, reserveUntilMs: 0, leases: new Map() }));
    return s;
  }

  async take(row: GateRow, p: TakeParams & { leaseId: string; leaseMs: number }): Promise<TakeResult> {
    const s = this.state(row);
    const nowMs = this.now();
    for (const [id, until] of s.leases) if (until <= nowMs) s.leases.delete(id);
    const d = decideRate(s, nowMs, p);
    const ok = d.fits && s.leases.size < p.inFlightBelow;
    Object.assign(s, ok ? d.granted : d.refused);
    if (ok) s.leases.set(p.leaseId, nowMs + p.leaseMs);
    return { ok, nowMs, tatMs: s.tatMs, reserveUntilMs: s.reserveUntilMs, inFlight: s.leases.size };
  }

  async release(row: GateRow, leaseId: string): Promise<void> {
    this.state(row).leases.delete(leaseId);
  }

  async renew(row: GateRow, leaseId: string, leaseMs: number): Promise<void> {
    const s = this.state(row);
    if (s.leases.has(leaseId)) s.leases.set(leaseId, this.now() + leaseMs);
  }

  async backoff(row: GateRow, delayMs: number, p: Pick<TakeParams, 'reserved' | 'alone'>): Promise<{ nowMs: number; tatMs: number }> {
    const s = this.state(row);
    const nowMs = this.now();
    const offset = backoffOffsetMs(s.reserveUntilMs > nowMs ? p.reserved : p.alone);
    s.tatMs = Math.max(s.tatMs, nowMs + delayMs + offset);
    return { nowMs, tatMs: s.tatMs };
  }

  async peek(row: GateRow): Promise<{ nowMs: number; tatMs: number; leases: Record<string, number> } | undefined> {
    const s = this.rows.get(`${row.api}\u0000${row.principal}`);
    return s && { nowMs: this.now(), tatMs: s.tatMs, leases: Object.fromEntries(s.leases) };
  }
}
