// Every request to MoySklad goes through a RequestGate. The real gate (implemented over the
// database elsewhere) enforces the per-principal rate budget, the in-flight cap and back-off; the
// clients here only describe each request and report rate-limit answers.
//
// Protocol between a client and the gate:
// - the client calls `gate.run(key, send)`; the gate decides when to call `send()` (maybe never:
//   it may throw its own "no token now, reschedule" error, which the client propagates unchanged);
// - `send()` performs exactly one HTTP exchange. When MoySklad answers 429, `send()` throws a
//   `RateLimitedError` (from ./errors.ts) carrying `retryAfterMs`; the gate catches it, pushes the
//   principal's next allowed time to now + retryAfterMs, and rethrows (or retries, its choice);
// - on success `send()` resolves to the answer, whose headers (`X-RateLimit-Remaining`,
//   `X-Lognex-Reset`, …) the gate may read; the body is already buffered, so reading headers is free.
import type { HttpAnswer, HttpHeaders } from '../net/index.ts';

export type MoyskladApi = 'json' | 'phone' | 'vendor';

/** Priority lane: live call cards first, then call-log updates, then bulk imports. */
export type GateLane = 'live' | 'log' | 'backfill';

export interface GateKey {
  /** Who is charged: account + credential identity (never the secret itself). */
  principal: string;
  api: MoyskladApi;
  lane: GateLane;
  /** Rate units this request consumes (JSON API weights: 1 solution token … 4 user credentials). */
  weight: number;
}

export interface RequestGate {
  run(key: GateKey, send: () => Promise<HttpAnswer>): Promise<HttpAnswer>;
}

/** No limiting at all: for tests and one-off tools. */
export const passThroughGate: RequestGate = {
  run: (_key, send) => send(),
};

/** A pass-through gate that records what went through it (tests assert on the keys). */
export function recordingGate(): RequestGate & { keys: GateKey[]; rateLimited: number[] } {
  const keys: GateKey[] = [];
  const rateLimited: number[] = [];
  return {
    keys,
    rateLimited,
    async run(key, send) {
      keys.push(key);
      try {
        return await send();
      } catch (err) {
        if (err instanceof Error && 'retryAfterMs' in err && typeof err.retryAfterMs === 'number') {
          rateLimited.push(err.retryAfterMs);
        }
        throw err;
      }
    },
  };
}

/** Rate-limit state MoySklad reports on normal responses (JSON API); any field may be absent. */
export interface RateLimitHeaders {
  /** `X-RateLimit-Limit`: requests allowed per interval (don't assume 45: weights change it). */
  limit: number | undefined;
  /** `X-RateLimit-Remaining`. */
  remaining: number | undefined;
  /** `X-Lognex-Retry-TimeInterval`, ms. */
  intervalMs: number | undefined;
  /** `X-Lognex-Reset`, ms until the window resets (0 = not limited). */
  resetMs: number | undefined;
  /** `X-Lognex-Retry-After`, ms. */
  retryAfterMs: number | undefined;
}

/** For gate implementations: read MoySklad's rate headers off an answer passed through `run`. */
export function readRateLimitHeaders(headers: HttpHeaders): RateLimitHeaders {
  const num = (name: string): number | undefined => {
    const v = headers.get(name);
    if (v === null || v.trim() === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  return {
    limit: num('x-ratelimit-limit'),
    remaining: num('x-ratelimit-remaining'),
    intervalMs: num('x-lognex-retry-timeinterval'),
    resetMs: num('x-lognex-reset'),
    retryAfterMs: num('x-lognex-retry-after'),
  };
}
