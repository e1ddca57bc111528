// The RequestGate over the database (DESIGN.md §2.3, §8 "Per-account gate"): per (principal, API)
// one GCRA row plus in-flight leases; lanes keep headroom for pop-up cards; a 429 makes every
// process back off. Lower lanes never wait here: they get a GateBusyError with the time to retry.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { DbOrTx } from '../../db/index.ts';
import type { HttpAnswer } from '../../net/index.ts';
import { RateLimitedError } from '../errors.ts';
import { readRateLimitHeaders, type GateKey, type RequestGate } from '../gate.ts';
import { GateBusyError, type GateBusyReason } from './errors.ts';
import { modeParams, rateReadyAt, resolveLimits, takeParams, type RateGateLimits, type RateGateLimitsInput, type TakeParams } from './limits.ts';
import { RateGateStore, type GateRow, type GateStore, type TakeResult } from './store.ts';

export interface DbRateGateOptions {
  limits?: RateGateLimitsInput;
  /**
   * When a successful response reports `X-RateLimit-Remaining: 0`, hold everyone back until
   * `X-Lognex-Reset` (someone else spends this principal's budget, or our clock drifted).
   */
  followRemaining?: boolean;
  log?: Pick<Logger, 'warn' | 'debug'>;
  /** Where the state lives; default the database (shared by every process on it). */
  store?: GateStore;
}

export class DbRateGate implements RequestGate {
  readonly limits: RateGateLimits;
  readonly store: GateStore;
  /** How often `X-RateLimit-Remaining: 0` made this instance hold back (diagnostics). */
  remainingBackoffs = 0;
  private readonly followRemaining: boolean;
  /** Per row: the latest TAT and reserve this process has seen, and the database clock's offset from ours. */
  private readonly seen = new Map<string, Seen>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    db: DbOrTx,
    private readonly opts: DbRateGateOptions = {},
  ) {
    this.limits = resolveLimits(opts.limits);
    this.store = opts.store ?? new RateGateStore(db);
    this.followRemaining = opts.followRemaining ?? true;
  }

  async run(key: GateKey, send: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
    const row: GateRow = { principal: key.principal, api: key.api };
    const p = takeParams(this.limits, key.api, key.lane, key.weight);
    const leaseId = await this.acquire(key, row, p);
    const { leaseMs } = this.limits;
    const renewal = setInterval(() => {
      this.store.renew(row, leaseId, leaseMs).catch((err: unknown) => this.opts.log?.warn({ err }, 'rate gate: lease renewal failed'));
    }, Math.max(10, Math.floor(leaseMs / 3)));
    renewal.unref();
    try {
      const res = await send();
      if (this.followRemaining) await this.followHeaders(row, p, res);
      return res;
    } catch (err) {
      if (!(err instanceof RateLimitedError)) throw err;
      const t0 = Date.now();
      const { nowMs, tatMs } = await this.store.backoff(row, err.retryAfterMs, p);
      const offsetMs = clockOffset(nowMs, t0);
      this.remember(rowId(row), { tatMs, offsetMs });
      this.opts.log?.warn({ principal: key.principal, api: key.api, lane: key.lane, retryAfterMs: err.retryAfterMs }, 'MoySklad 429: gate backs off');
      throw this.busy(key, 'rate-limited', new Date(nowMs + err.retryAfterMs - offsetMs), err);
    } finally {
      clearInterval(renewal);
      await this.store.release(row, leaseId).catch((err: unknown) => this.opts.log?.warn({ err }, 'rate gate: lease release failed'));
    }
  }

  /** Takes a token and a lease; only the live lane waits, and only up to `liveMaxWaitMs`. */
  private async acquire(key: GateKey, row: GateRow, p: TakeParams): Promise<string> {
    const l = this.limits;
    const deadline = Date.now() + (key.lane === 'live' ? l.liveMaxWaitMs : 0);
    for (;;) {
      const leaseId = randomUUID();
      const r = await this.decide(row, p, leaseId);
      if (r.ok) return leaseId;
      const local = (dbMs: number) => new Date(dbMs - r.offsetMs);
      const rateWait = Math.max(0, rateReadyAt(r.tatMs, modeParams(p, r.reserveUntilMs, r.nowMs)) - r.nowMs);
      const slotsFull = r.inFlight >= p.inFlightBelow;
      const reason: GateBusyReason = rateWait > 0 ? 'rate' : 'in-flight';
      if (key.lane === 'live') {
        const wait = Math.max(1, rateWait, slotsFull ? l.inFlightPollMs : 0);
        if (Date.now() + wait <= deadline) {
          await sleep(wait);
          continue;
        }
      }
      const wait = Math.max(rateWait, slotsFull ? l.inFlightRetryMs : 0);
      throw this.busy(key, reason, local(r.nowMs + wait));
    }
  }

  /**
   * One take, serialised per row within this process. TAT never moves back, so a refusal on rate
   * that the last TAT seen here already implies is decided locally: a crowd of local workers
   * woken at the same retryAt costs the database one statement, not one each. A live or log take
   * that would switch the row to reserved always reaches the database, so the switch happens and
   * the backfill yields at once.
   */
  private decide(row: GateRow, p: TakeParams, leaseId: string): Promise<TakeResult & { offsetMs: number }> {
    const id = rowId(row);
    return this.serial(id, async () => {
      const seen = this.seen.get(id);
      if (seen) {
        const nowMs = Date.now() + seen.offsetMs;
        const known = !p.claimsReserve || seen.reserveUntilMs > nowMs;
        // Another process may have switched the row since: refuse only if both modes would.
        const readyAt = Math.min(rateReadyAt(seen.tatMs, p.alone), rateReadyAt(seen.tatMs, p.reserved));
        if (known && readyAt > nowMs) return { ok: false, nowMs, tatMs: seen.tatMs, reserveUntilMs: seen.reserveUntilMs, inFlight: 0, offsetMs: seen.offsetMs };
      }
      const t0 = Date.now();
      const r = await this.store.take(row, { ...p, leaseId, leaseMs: this.limits.leaseMs });
      const offsetMs = clockOffset(r.nowMs, t0);
      this.remember(id, { tatMs: r.tatMs, reserveUntilMs: r.reserveUntilMs, offsetMs });
      return { ...r, offsetMs };
    });
  }

  private remember(id: string, next: { tatMs: number; reserveUntilMs?: number; offsetMs: number }): void {
    const prev = this.seen.get(id);
    this.seen.set(id, {
      tatMs: Math.max(next.tatMs, prev?.tatMs ?? -Infinity),
      reserveUntilMs: Math.max(next.reserveUntilMs ?? 0, prev?.reserveUntilMs ?? 0),
      offsetMs: next.offsetMs,
    });
  }

  private async serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(id) ?? Promise.resolve();
    let done!: () => void;
    const tail = prev.then(() => new Promise<void>((r) => (done = r)));
    this.chains.set(id, tail);
    await prev;
    try {
      return await fn();
    } finally {
      done();
      if (this.chains.get(id) === tail) this.chains.delete(id);
    }
  }

  private async followHeaders(row: GateRow, p: TakeParams, res: HttpAnswer): Promise<void> {
    const h = readRateLimitHeaders(res.headers);
    if (h.remaining === 0 && h.resetMs !== undefined && h.resetMs > 0) {
      this.remainingBackoffs++;
      const t0 = Date.now();
      const { nowMs, tatMs } = await this.store.backoff(row, h.resetMs, p);
      this.remember(rowId(row), { tatMs, offsetMs: clockOffset(nowMs, t0) });
    }
  }

  private busy(key: GateKey, reason: GateBusyReason, retryAt: Date, cause?: unknown): GateBusyError {
    return new GateBusyError(
      { retryAt, reason, principal: key.principal, api: key.api, lane: key.lane },
      cause === undefined ? undefined : { cause },
    );
  }
}

type Seen = { tatMs: number; reserveUntilMs: number; offsetMs: number };

const rowId = (row: GateRow): string => `${row.api}\u0000${row.principal}`;

// Decisions are made on the database clock; callers schedule on their own. The database read its
// clock somewhere between our send (t0) and the answer; assuming t0 (the largest offset) errs
// towards waking early and asking again, never towards sleeping through a free token.
function clockOffset(dbNowMs: number, t0: number): number {
  return dbNowMs - t0;
}
