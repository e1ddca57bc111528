// The gate's arithmetic, free of I/O so it can be reasoned about (and unit-tested) on its own.
//
// Model: GCRA. A request advances the principal's theoretical arrival time (TAT) by one emission
// interval T of its weight; it may go when the advanced TAT is at most `maxAheadMs(lane)` past now,
// i.e. up to a tolerance τ(lane) = maxAheadMs − T before TAT. The live lane has the largest
// tolerance τ_live; each lower lane leaves `reserve · T` of it to the lanes above.
//
// Window safety. MoySklad may count its window as a sliding log (our sandbox does). A stream that
// conforms to (T, τ_live) puts k + 1 requests at least k·T − τ_live apart, so no window of
// W' = windowMs + safetyMs (the safety absorbs jitter between our decision and the server's count)
// ever holds more than n = ⌊units / weight⌋ requests as long as n·T ≥ W' + τ_live. We take equality:
// T = (W' + τ_live) / n. Every bit of live tolerance is paid for by the steady pace, so τ_live is
// kept as small as its jobs allow (the JSON API gets ≈ 0.95–0.97 of the ceiling, see the tests):
//   - lower lanes need τ ≥ slackMs, so a job woken a little late continues the TAT chain instead of
//     losing the lateness;
//   - under a saturating lower lane TAT sits up to τ(lane) + T ahead of now, and live may go once it
//     is within τ_live: live waits at most T − reserve·T. The reserve is widened (never beyond
//     `maxLiveShare`) until that wait plus slackMs fits liveMaxWaitMs;
//   - `liveBurst` (requests) lets the live lane send that many at once after a quiet spell: the
//     Phone API keeps 3 (pop-up cards of one call come together), the JSON API needs none.
import type { GateLane, MoyskladApi } from '../gate.ts';

export interface LaneReserve {
  /** Share of one emission interval of tolerance this lane leaves to the lanes above it (fractional). */
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
  /** Requests the live lane may send back to back after a quiet spell (≥ 1); default 1. */
  liveBurst?: number;
  /** Per-API override of the lanes' `rate` reserve. */
  laneRate?: Partial<Record<GateLane, number>>;
}

export interface RateGateLimits {
  apis: Record<MoyskladApi, ApiLimits>;
  lanes: Record<GateLane, LaneReserve>;
  /** How long a lease lives without renewal; renewed every third of this while the request runs. */
  leaseMs: number;
  /** The live lane may wait in-process this long for a token; other lanes never wait. */
  liveMaxWaitMs: number;
  /**
   * Timer lateness we plan for: lower lanes may go this much before their turn (a late wake-up keeps
   * the pace), and the live lane's worst wait is kept this far below liveMaxWaitMs.
   */
  slackMs: number;
  /** Largest share of an interval the reserves may grow to for the live lane's sake. */
  maxLiveShare: number;
  /** Poll step while waiting only for an in-flight slot (no completion signal crosses processes). */
  inFlightPollMs: number;
  /** Lower lanes come back after this when only the in-flight cap stopped them. */
  inFlightRetryMs: number;
}

export const DEFAULT_RATE_GATE_LIMITS: RateGateLimits = {
  apis: {
    json: { units: 45, windowMs: 3000, maxInFlight: 5 },
    // Pop-up cards of one call come in bursts and the Phone API has no backfill: a burst of 3 and
    // wide reserves cost it 2 of 100 requests per window.
    phone: { units: 100, windowMs: 5000, maxInFlight: 5, liveBurst: 3, laneRate: { log: 0.5, backfill: 1.5 } },
    // The Vendor API publishes no limits; treat it like the JSON API it is served beside.
    vendor: { units: 45, windowMs: 3000, maxInFlight: 5 },
  },
  lanes: {
    live: { rate: 0, inFlight: 0 },
    log: { rate: 0.1, inFlight: 1 },
    // One slot stays free for live work; the backfill may keep four requests in flight, which at
    // weight 4 (3.6 requests/s) sustains page reads of up to ~1.1 s each.
    backfill: { rate: 0.25, inFlight: 1 },
  },
  leaseMs: 60_000,
  liveMaxWaitMs: 250,
  slackMs: 20,
  maxLiveShare: 0.5,
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
    if (!(a.units > 0 && a.windowMs > 0 && a.maxInFlight >= 1 && (a.liveBurst ?? 1) >= 1)) throw new RangeError(`bad ${name} limits`);
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

/** The pace and tolerances of one (API, weight): the emission interval and each lane's reserve. */
export interface Pace {
  /** Requests of this weight one window admits. */
  perWindow: number;
  intervalMs: number;
  /** τ_live: how far before TAT the live lane may go. */
  liveToleranceMs: number;
  /** Each lane's reserve in intervals (after widening for the live lane). */
  reserve: Record<GateLane, number>;
}

/** The extra window length assumed for jitter between our decision and MoySklad's count. */
export function safetyMs(a: ApiLimits): number {
  return a.safetyMs ?? Math.round(a.windowMs * 0.02);
}

export function pace(limits: RateGateLimits, api: MoyskladApi, weight: number): Pace {
  const a = limits.apis[api];
  const n = Math.max(1, Math.floor(a.units / Math.max(weight, 1)));
  const w = a.windowMs + safetyMs(a);
  const burst = Math.min(a.liveBurst ?? 1, n);
  const rate = (l: GateLane) => Math.max(0, a.laneRate?.[l] ?? limits.lanes[l].rate);
  const configured = { live: 0, log: rate('log'), backfill: rate('backfill') };
  const deepest = Math.max(configured.log, configured.backfill);
  // At least 1 ms: with none, `now + T − now ≤ T` would hang on floating-point rounding.
  const slack = Math.max(1, limits.slackMs);
  const cap = Math.max(deepest, Math.min(limits.maxLiveShare, 1));
  // τ_live(T) = max((burst − 1)·T, r·T + slack) with r = max(deepest, 1 − B/T) capped, and n·T = W' + τ_live.
  // n·T − τ_live(T) grows with T, so T is the largest of the roots of the separate terms.
  const budget = limits.liveMaxWaitMs - slack;
  const candidates = [w / (n - burst + 1), (w + slack) / (n - deepest)];
  if (n > 1) candidates.push(Math.min((w + slack - budget) / (n - 1), (w + slack) / (n - cap)));
  const intervalMs = Math.max(...candidates.filter((t) => Number.isFinite(t) && t > 0));
  const widened = Math.min(cap, Math.max(deepest, 1 - budget / intervalMs));
  const shift = widened - deepest;
  const liveToleranceMs = Math.max((burst - 1) * intervalMs, widened * intervalMs + slack);
  return {
    perWindow: n,
    intervalMs,
    liveToleranceMs,
    reserve: { live: 0, log: configured.log + (configured.log > 0 ? shift : 0), backfill: configured.backfill + (configured.backfill > 0 ? shift : 0) },
  };
}

export function takeParams(limits: RateGateLimits, api: MoyskladApi, lane: GateLane, weight: number): TakeParams {
  const p = pace(limits, api, weight);
  const T = p.intervalMs;
  const liveMaxAheadMs = T + p.liveToleranceMs;
  return {
    incrementMs: T,
    // Never below T: a lane must be able to go the moment TAT is reached, or it would leave gaps.
    maxAheadMs: Math.max(T, liveMaxAheadMs - p.reserve[lane] * T),
    liveMaxAheadMs,
    inFlightBelow: Math.max(1, limits.apis[api].maxInFlight - limits.lanes[lane].inFlight),
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
