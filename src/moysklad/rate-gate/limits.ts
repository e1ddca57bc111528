// The gate's arithmetic, free of I/O so it can be reasoned about (and unit-tested) on its own.
//
// Model: GCRA. A request advances the principal's theoretical arrival time (TAT) by one emission
// interval of its weight; it may go when the advanced TAT is at most `maxAheadMs(lane)` past now.
// The bucket is (1 + backfill reserve) requests deep; lower lanes must leave `reserve` requests of
// depth unused, so a saturating backfill keeps the bucket exactly that full and a pop-up card finds
// its token at once.
//
// MoySklad may count its window as a sliding log (our sandbox does), in which any burst is paid for
// within the same window. So the emission interval is chosen such that burst + steady pace never
// exceed the window's requests (n = ⌊units / weight⌋) in any `windowMs` (+ `safetyMs` for jitter
// between our decision and the server's count): interval = (windowMs + safetyMs) / (n − depth + 1).
// With weight 1 and depth 3 that is 43 of 45 per 3 s, ~94 % of the ceiling after the safety margin.
import type { GateLane, MoyskladApi } from '../gate.ts';

export interface LaneReserve {
  /** Requests of rate depth this lane must leave unused (may be fractional). */
  rate: number;
  /** In-flight slots this lane must leave unused. */
  inFlight: number;
}

export interface ApiLimits {
  /** Rate units allowed per window (JSON API: 45, Phone API: 100). */
  units: number;
  windowMs: number;
  /** Extra window length we assume, absorbing jitter; default 2 % of the window. */
  safetyMs?: number;
  /** Requests in flight per principal (MoySklad: 5). */
  maxInFlight: number;
}

export interface RateGateLimits {
  apis: Record<MoyskladApi, ApiLimits>;
  lanes: Record<GateLane, LaneReserve>;
  /** How long a lease lives without renewal; renewed every third of this while the request runs. */
  leaseMs: number;
  /** The live lane may wait in-process this long for a token; other lanes never wait. */
  liveMaxWaitMs: number;
  /** Poll step while waiting only for an in-flight slot (no completion signal crosses processes). */
  inFlightPollMs: number;
  /** Lower lanes come back after this when only the in-flight cap stopped them. */
  inFlightRetryMs: number;
}

export const DEFAULT_RATE_GATE_LIMITS: RateGateLimits = {
  apis: {
    json: { units: 45, windowMs: 3000, maxInFlight: 5 },
    phone: { units: 100, windowMs: 5000, maxInFlight: 5 },
    // The Vendor API publishes no limits; treat it like the JSON API it is served beside.
    vendor: { units: 45, windowMs: 3000, maxInFlight: 5 },
  },
  lanes: {
    live: { rate: 0, inFlight: 0 },
    // Fractional on purpose: a lane may take up to half an interval before TAT, so a job woken at
    // its retryAt a little late still continues the TAT chain instead of losing the lateness.
    // Under a saturating backfill TAT stays ≤ now + 1.5 intervals: log and live both go at once.
    log: { rate: 0.5, inFlight: 1 },
    backfill: { rate: 1.5, inFlight: 2 },
  },
  leaseMs: 60_000,
  liveMaxWaitMs: 250,
  inFlightPollMs: 20,
  inFlightRetryMs: 250,
};

export type RateGateLimitsInput = {
  apis?: Partial<Record<MoyskladApi, Partial<ApiLimits>>>;
  lanes?: Partial<Record<GateLane, Partial<LaneReserve>>>;
} & Partial<Omit<RateGateLimits, 'apis' | 'lanes'>>;

export function resolveLimits(input: RateGateLimitsInput = {}): RateGateLimits {
  const d = DEFAULT_RATE_GATE_LIMITS;
  const api = (k: MoyskladApi): ApiLimits => ({ ...d.apis[k], ...input.apis?.[k] });
  const lane = (k: GateLane): LaneReserve => ({ ...d.lanes[k], ...input.lanes?.[k] });
  const { apis: _a, lanes: _l, ...rest } = input;
  const out: RateGateLimits = {
    ...d,
    ...rest,
    apis: { json: api('json'), phone: api('phone'), vendor: api('vendor') },
    lanes: { live: lane('live'), log: lane('log'), backfill: lane('backfill') },
  };
  for (const [name, a] of Object.entries(out.apis)) {
    if (!(a.units > 0 && a.windowMs > 0 && a.maxInFlight >= 1)) throw new RangeError(`bad ${name} limits`);
  }
  return out;
}

/** What one take needs, in the database's time unit (ms). */
export interface TakeParams {
  /** TAT advance of this request. */
  incrementMs: number;
  /** Largest allowed distance of the advanced TAT ahead of now, for this lane. */
  maxAheadMs: number;
  /** The same for the live lane: a 429 back-off moves TAT so even live waits. */
  liveMaxAheadMs: number;
  /** This lane may take a slot only while fewer than this many are in flight. */
  inFlightBelow: number;
}

export function takeParams(limits: RateGateLimits, api: MoyskladApi, lane: GateLane, weight: number): TakeParams {
  const a = limits.apis[api];
  // Requests of this weight the window admits (MoySklad: 45 / weight, rounded down).
  const perWindow = Math.max(1, Math.floor(a.units / Math.max(weight, 1)));
  const deepest = Math.max(...Object.values(limits.lanes).map((l) => l.rate));
  const depth = Math.min(1 + Math.ceil(deepest), perWindow);
  const safety = a.safetyMs ?? Math.round(a.windowMs * 0.02);
  // A full burst of `depth` plus the steady pace must fit one window: depth + (n − 1) ≤ perWindow.
  const intervalMs = (a.windowMs + safety) / (perWindow - depth + 1);
  const reserve = Math.max(0, Math.min(limits.lanes[lane].rate, depth - 1));
  return {
    incrementMs: intervalMs,
    maxAheadMs: (depth - reserve) * intervalMs,
    liveMaxAheadMs: depth * intervalMs,
    inFlightBelow: Math.max(1, a.maxInFlight - limits.lanes[lane].inFlight),
  };
}

/** Earliest time (same clock as `tatMs`) at which a request with these params fits the rate. */
export function rateReadyAt(tatMs: number, p: Pick<TakeParams, 'incrementMs' | 'maxAheadMs'>): number {
  return tatMs + p.incrementMs - p.maxAheadMs;
}

/** How far TAT must sit past a moment for even the live lane to be refused until then (429 back-off). */
export function backoffOffsetMs(p: Pick<TakeParams, 'incrementMs' | 'liveMaxAheadMs'>): number {
  return p.liveMaxAheadMs - p.incrementMs;
}
