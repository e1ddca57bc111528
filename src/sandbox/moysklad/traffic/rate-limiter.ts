import { MAX_PARALLEL_PER_ACCOUNT, MAX_PARALLEL_PER_PRINCIPAL, RATE_UNITS, RATE_WINDOW_MS } from '../options.ts';

export interface RateDecision {
  ok: boolean;
  /** headers MoySklad sends on every JSON API response */
  headers: Record<string, string>;
  retryAfterMs: number;
}

/**
 * Sliding-window budget: RATE_UNITS units per RATE_WINDOW_MS per principal, each request costing its
 * weight. Rejected requests cost nothing. X-RateLimit-Limit/Remaining are expressed in requests of
 * this principal's weight (45 for a solution token, 11 for weight 4).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { at: number; w: number }[]>();
  units = RATE_UNITS;
  windowMs = RATE_WINDOW_MS;

  take(key: string, weight: number, now = Date.now()): RateDecision {
    let log = this.windows.get(key);
    if (!log) this.windows.set(key, (log = []));
    while (log.length && (log[0]?.at ?? 0) <= now - this.windowMs) log.shift();
    let used = 0;
    for (const x of log) used += x.w;
    const limit = Math.floor(this.units / weight);
    if (used + weight > this.units) {
      // time until enough old entries leave the window to fit this weight
      let free = this.units - used;
      let retryAfterMs = this.windowMs;
      for (const x of log) {
        free += x.w;
        if (free >= weight) {
          retryAfterMs = Math.max(1, x.at + this.windowMs - now);
          break;
        }
      }
      return {
        ok: false,
        retryAfterMs,
        headers: this.headers(limit, 0, retryAfterMs),
      };
    }
    log.push({ at: now, w: weight });
    used += weight;
    const resetMs = (log[0]?.at ?? now) + this.windowMs - now;
    return { ok: true, retryAfterMs: 0, headers: this.headers(limit, Math.floor((this.units - used) / weight), resetMs) };
  }

  private headers(limit: number, remaining: number, resetMs: number): Record<string, string> {
    return {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(remaining),
      'X-Lognex-Retry-TimeInterval': String(this.windowMs),
      'X-Lognex-Reset': String(Math.max(0, resetMs)),
    };
  }

  reset(): void {
    this.windows.clear();
  }
}

/** Concurrent requests in flight: ≤ 5 per principal and ≤ 20 per account. */
export class ParallelLimiter {
  private readonly byPrincipal = new Map<string, number>();
  private readonly byAccount = new Map<string, number>();
  perPrincipal = MAX_PARALLEL_PER_PRINCIPAL;
  perAccount = MAX_PARALLEL_PER_ACCOUNT;

  /** Returns a release function, or undefined when the limit is reached. */
  acquire(principal: string, account: string): (() => void) | undefined {
    const p = this.byPrincipal.get(principal) ?? 0;
    const a = this.byAccount.get(account) ?? 0;
    if (p >= this.perPrincipal || a >= this.perAccount) return undefined;
    this.byPrincipal.set(principal, p + 1);
    this.byAccount.set(account, a + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.byPrincipal.set(principal, (this.byPrincipal.get(principal) ?? 1) - 1);
      this.byAccount.set(account, (this.byAccount.get(account) ?? 1) - 1);
    };
  }

  inFlight(principal: string): number {
    return this.byPrincipal.get(principal) ?? 0;
  }
}
