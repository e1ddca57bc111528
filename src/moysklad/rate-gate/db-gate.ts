// The RequestGate over the database (DESIGN.md §2.3, §8 "Per-account gate"): per (principal, API)
// one GCRA row plus in-flight leases; lanes keep headroom for pop-up cards; a 429 makes every
// process back off. Lower lanes never wait here: they get a GateBusyError with the time to retry.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { DbOrTx } from '../../db/index.ts';
import { RateLimitedError } from '../errors.ts';
import { readRateLimitHeaders, type GateKey, type RequestGate } from '../gate.ts';
import { GateBusyError, type GateBusyReason } from './errors.ts';
import { backoffOffsetMs, rateReadyAt, resolveLimits, takeParams, type RateGateLimits, type RateGateLimitsInput, type TakeParams } from './limits.ts';
import { RateGateStore, type GateRow } from './store.ts';

export interface DbRateGateOptions {
  limits?: RateGateLimitsInput;
  /**
   * When a successful response reports `X-RateLimit-Remaining: 0`, hold everyone back until
   * `X-Lognex-Reset` (someone else spends this principal's budget, or our clock drifted).
   */
  followRemaining?: boolean;
  log?: Pick<Logger, 'warn' | 'debug'>;
}

export class DbRateGate implements RequestGate {
  readonly limits: RateGateLimits;
  readonly store: RateGateStore;
  private readonly followRemaining: boolean;

  constructor(
    db: DbOrTx,
    private readonly opts: DbRateGateOptions = {},
  ) {
    this.limits = resolveLimits(opts.limits);
    this.store = new RateGateStore(db);
    this.followRemaining = opts.followRemaining ?? true;
  }

  async run(key: GateKey, send: () => Promise<Response>): Promise<Response> {
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
      const { nowMs } = await this.store.backoff(row, err.retryAfterMs, backoffOffsetMs(p));
      this.opts.log?.warn({ principal: key.principal, api: key.api, lane: key.lane, retryAfterMs: err.retryAfterMs }, 'MoySklad 429: gate backs off');
      throw this.busy(key, 'rate-limited', localTime(nowMs, nowMs + err.retryAfterMs), err);
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
      const r = await this.store.take(row, { ...p, leaseId, leaseMs: l.leaseMs });
      if (r.ok) return leaseId;
      const rateWait = Math.max(0, rateReadyAt(r.tatMs, p) - r.nowMs);
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
      throw this.busy(key, reason, localTime(r.nowMs, r.nowMs + wait));
    }
  }

  private async followHeaders(row: GateRow, p: TakeParams, res: Response): Promise<void> {
    const h = readRateLimitHeaders(res.headers);
    if (h.remaining === 0 && h.resetMs !== undefined && h.resetMs > 0) {
      await this.store.backoff(row, h.resetMs, backoffOffsetMs(p));
    }
  }

  private busy(key: GateKey, reason: GateBusyReason, retryAt: Date, cause?: unknown): GateBusyError {
    return new GateBusyError(
      { retryAt, reason, principal: key.principal, api: key.api, lane: key.lane },
      cause === undefined ? undefined : { cause },
    );
  }
}

// Decisions are made on the database clock; callers schedule on their own clock.
function localTime(dbNowMs: number, dbAtMs: number): Date {
  return new Date(Date.now() + Math.max(0, dbAtMs - dbNowMs));
}
