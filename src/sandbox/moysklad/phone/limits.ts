// Phone API limits [DOC]: ≤ 100 requests per 5-second window and ≤ 5 concurrent requests per user
// (key), ≤ 100 concurrent per IP. Over a limit → 429. The Phone API shares the JSON API error body;
// we use the JSON API codes (1049 rate, 1073 parallel) and headers (X-Lognex-Retry-After in ms).

export interface PhoneLimitOptions {
  perWindow?: number;
  windowMs?: number;
  parallelPerKey?: number;
  parallelPerIp?: number;
  now?: () => number;
}

export type Acquired =
  | { ok: true; release: () => void; remaining: number; resetMs: number }
  | { ok: false; kind: 'rate'; retryAfterMs: number }
  | { ok: false; kind: 'parallel' };

export class PhoneLimiter {
  readonly perWindow: number;
  readonly windowMs: number;
  private readonly parallelPerKey: number;
  private readonly parallelPerIp: number;
  private readonly now: () => number;
  private readonly hits = new Map<string, number[]>();
  private readonly inFlightKey = new Map<string, number>();
  private readonly inFlightIp = new Map<string, number>();

  constructor(o: PhoneLimitOptions = {}) {
    this.perWindow = o.perWindow ?? 100;
    this.windowMs = o.windowMs ?? 5000;
    this.parallelPerKey = o.parallelPerKey ?? 5;
    this.parallelPerIp = o.parallelPerIp ?? 100;
    this.now = o.now ?? (() => performance.now());
  }

  acquire(key: string, ip: string): Acquired {
    const now = this.now();
    const log = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    this.hits.set(key, log);
    if (log.length >= this.perWindow) {
      return { ok: false, kind: 'rate', retryAfterMs: Math.max(1, Math.ceil(log[0]! + this.windowMs - now)) };
    }
    const k = this.inFlightKey.get(key) ?? 0;
    const i = this.inFlightIp.get(ip) ?? 0;
    if (k >= this.parallelPerKey || i >= this.parallelPerIp) return { ok: false, kind: 'parallel' };
    log.push(now);
    this.inFlightKey.set(key, k + 1);
    this.inFlightIp.set(ip, i + 1);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.inFlightKey.set(key, (this.inFlightKey.get(key) ?? 1) - 1);
      this.inFlightIp.set(ip, (this.inFlightIp.get(ip) ?? 1) - 1);
    };
    return { ok: true, release, remaining: this.perWindow - log.length, resetMs: Math.ceil(log[0]! + this.windowMs - now) };
  }
}
