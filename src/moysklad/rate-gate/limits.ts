// The gate's arithmetic, free of I/O so it can be reasoned about (and unit-tested) on its own.
//
// Model: GCRA. A request advances the principal's theoretical arrival time (TAT) by one emission
// interval of its weight; it may go when the advanced TAT is at most `maxAheadMs(lane)` past now.
//
// MoySklad may count its window as a sliding log (our sandbox does), in which any burst is paid for
// within the same window. So the emission interval is chosen such that burst + steady pace never
// exceed the window's requests (n = ⌊units / weight⌋) in any `windowMs` (+ `safetyMs` for jitter
// between our decision and the server's count): interval = (windowMs + safetyMs) / (n − depth + 1).
// Every request of burst depth therefore costs steady pace, and at weight 4 (n = 11) a lot of it.
//
// Two modes per principal, so the depth is paid for only when someone needs it:
// - reserved (a live or log request was seen in the last `reserveHoldMs`): the bucket is
//   (1 + backfill reserve) requests deep and lower lanes leave `reserve` requests of it unused, so a
//   saturating backfill keeps the bucket exactly that full and a live request finds its token at
//   once. Weight 1, depth 3: 43 of 45 per 3 s; weight 4: 9 of 11 (0.80 of the ceiling after margin).
// - alone (only backfill traffic): depth `aloneDepth` (1.5: half an interval absorbs a late
//   wake-up without losing the pace), i.e. 10.5 of 11 at weight 4, 0.93 of the ceiling.
// The first live or log request switches the row to reserved at once (even when refused), moving
// TAT so the first reserved request goes no earlier than the alone pace allowed: the window's count
// stays within n across the switch (checked by simulation in test/unit/rate-gate-limits.test.ts).
// It waits at most one alone interval (or 1.5 reserved intervals less half an alone one right
// after a reserve lapsed, while TAT still sits where the reserved backfill left it); from then on
// the reserve is there. Back to alone keeps TAT as it is; the same simulation covers that switch.
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
  /** Lane reserves, kept while the principal is in reserved mode. */
  lanes: Record<GateLane, LaneReserve>;
  /** Bucket depth in requests while only the backfill lane uses a principal (≥ 1, may be fractional). */
  aloneDepth: number;
  /** How long after a live or log request the lane reserves are kept. */
  reserveHoldMs: number;
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
  aloneDepth: 1.5,
  reserveHoldMs: 60_000,
  leaseMs: 60_000,
  // Covers the first live request after a backfill had the principal alone (≤ 291 ms at weight 4,
  // ≤ 365 ms right after a reserve lapsed; see the header) plus the database round trip.
  liveMaxWaitMs: 400,
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
  if (!(out.aloneDepth >= 1)) throw new RangeError('bad aloneDepth: must be ≥ 1');
  return out;
}

/** GCRA parameters of one take in one mode, in the database's time unit (ms). */
export interface RateParams {
  /** TAT advance of this request. */
  incrementMs: number;
  /** Largest allowed distance of the advanced TAT ahead of now, for this lane. */
  maxAheadMs: number;
  /** The same for the live lane: a 429 back-off moves TAT so even live waits. */
  liveMaxAheadMs: number;
}

/** What one take needs. */
export interface TakeParams {
  reserved: RateParams;
  alone: RateParams;
  /** A live or log take: it keeps (or puts) the principal in reserved mode for `reserveHoldMs`. */
  claimsReserve: boolean;
  reserveHoldMs: number;
  /** TAT shift on entering reserved mode (see the header comment). */
  enterReservedShiftMs: number;
  /** This lane may take a slot only while fewer than this many are in flight. */
  inFlightBelow: number;
}

export function takeParams(limits: RateGateLimits, api: MoyskladApi, lane: GateLane, weight: number): TakeParams {
  const a = limits.apis[api];
  // Requests of this weight the window admits (MoySklad: 45 / weight, rounded down).
  const perWindow = Math.max(1, Math.floor(a.units / Math.max(weight, 1)));
  const windowMs = a.windowMs + (a.safetyMs ?? Math.round(a.windowMs * 0.02));
  // A full burst of `depth` plus the steady pace must fit one window: depth + (n − 1) ≤ perWindow.
  const mode = (depth: number, reserve: number): RateParams => {
    const incrementMs = windowMs / (perWindow - depth + 1);
    return { incrementMs, maxAheadMs: (depth - reserve) * incrementMs, liveMaxAheadMs: depth * incrementMs };
  };
  const deepest = Math.max(...Object.values(limits.lanes).map((l) => l.rate));
  const reservedDepth = Math.min(1 + Math.ceil(deepest), perWindow);
  const reserved = mode(reservedDepth, Math.max(0, Math.min(limits.lanes[lane].rate, reservedDepth - 1)));
  const aloneDepth = Math.min(limits.aloneDepth, perWindow);
  const alone = mode(aloneDepth, 0);
  return {
    reserved,
    alone,
    claimsReserve: lane !== 'backfill',
    reserveHoldMs: limits.reserveHoldMs,
    enterReservedShiftMs: reserved.liveMaxAheadMs - reserved.incrementMs - (alone.liveMaxAheadMs - alone.incrementMs),
    inFlightBelow: Math.max(1, a.maxInFlight - limits.lanes[lane].inFlight),
  };
}

/** A principal's rate state: TAT and until when its lane reserves are kept (same clock). */
export interface RateState {
  tatMs: number;
  reserveUntilMs: number;
}

/**
 * One rate decision, exactly as RateGateStore's SQL makes it: the mode, the TAT the decision
 * starts from (shifted when this take switches the row to reserved), and whether it fits.
 * Returns the state after the take whether or not it was granted (a refused claim still switches).
 */
export function decideRate(s: RateState, nowMs: number, p: TakeParams): { fits: boolean; reserved: boolean; granted: RateState; refused: RateState } {
  const m = modeParams(p, s.reserveUntilMs, nowMs);
  // Shifting TAT itself (not max(TAT, now)) keeps what an idle row has saved: one idle for long
  // enough enters reserved mode with its full burst.
  const switching = p.claimsReserve && !(s.reserveUntilMs > nowMs);
  const baseTat = switching ? s.tatMs + p.enterReservedShiftMs : s.tatMs;
  const reserveUntilMs = p.claimsReserve ? Math.max(s.reserveUntilMs, nowMs + p.reserveHoldMs) : s.reserveUntilMs;
  return {
    fits: Math.max(baseTat, nowMs) + m.incrementMs - nowMs <= m.maxAheadMs,
    reserved: m === p.reserved,
    granted: { tatMs: Math.max(baseTat, nowMs) + m.incrementMs, reserveUntilMs },
    refused: { tatMs: baseTat, reserveUntilMs },
  };
}

/** The mode a principal is in at `nowMs` for a take with these params. */
export function modeParams(p: TakeParams, reserveUntilMs: number, nowMs: number): RateParams {
  return p.claimsReserve || reserveUntilMs > nowMs ? p.reserved : p.alone;
}

/** Earliest time (same clock as `tatMs`) at which a request with these params fits the rate. */
export function rateReadyAt(tatMs: number, p: Pick<RateParams, 'incrementMs' | 'maxAheadMs'>): number {
  return tatMs + p.incrementMs - p.maxAheadMs;
}

/** How far TAT must sit past a moment for even the live lane to be refused until then (429 back-off). */
export function backoffOffsetMs(p: Pick<RateParams, 'incrementMs' | 'liveMaxAheadMs'>): number {
  return p.liveMaxAheadMs - p.incrementMs;
}
