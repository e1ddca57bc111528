// The gate's arithmetic: lane headroom, sliding-window safety and the share of the ceiling a
// saturating backfill gets, checked by simulating the GCRA decision (the same inequality as the
// SQL and the in-memory store) against MoySklad's sliding-log count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RescheduleError } from '../../src/queue/index.ts';
import { GateBusyError, findGateBusy, pace, rethrowAsReschedule, resolveLimits, takeParams, type RateGateLimits } from '../../src/moysklad/rate-gate/index.ts';
import type { GateLane, MoyskladApi } from '../../src/moysklad/index.ts';

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

type Sent = { at: number; lane: GateLane };

/**
 * Simulates one principal at 1 ms resolution: a backfill that always has a request waiting (it
 * wakes at its ready time, up to `lateMs` late), and live (and log) requests arriving at random,
 * each going at once or waking at its ready time (up to `lateMs` late). Returns what was sent
 * and how long each live request waited.
 */
function simulate(
  limits: RateGateLimits,
  o: { api?: MoyskladApi; weight: number; ms: number; backfill?: boolean; liveEveryMs?: number; liveMinGapMs?: number; logEveryMs?: number; lateMs?: number; seed?: number },
): { sent: Sent[]; liveWaits: number[] } {
  const api = o.api ?? 'json';
  const random = rng(o.seed ?? 7);
  const p = (lane: GateLane) => takeParams(limits, api, lane, o.weight);
  const params = { live: p('live'), log: p('log'), backfill: p('backfill') };
  let tat = 0;
  const sent: Sent[] = [];
  const liveWaits: number[] = [];
  const late = () => Math.floor(random() * ((o.lateMs ?? 0) + 1));
  // Waiters: lane, when it asked, when it next tries.
  const waiting: Array<{ lane: GateLane; asked: number; tryAt: number }> = [];
  if (o.backfill !== false) waiting.push({ lane: 'backfill', asked: 0, tryAt: 0 });
  const nextArrival = (every: number | undefined, now: number, minGap = 1) => (every ? now + minGap + Math.floor(random() * 2 * every) : Infinity);
  let liveAt = nextArrival(o.liveEveryMs, 0);
  let logAt = nextArrival(o.logEveryMs, 0);
  for (let now = 0; now < o.ms; now++) {
    if (now >= liveAt) {
      waiting.push({ lane: 'live', asked: now, tryAt: now });
      liveAt = nextArrival(o.liveEveryMs, now, o.liveMinGapMs);
    }
    if (now >= logAt) {
      waiting.push({ lane: 'log', asked: now, tryAt: now });
      logAt = nextArrival(o.logEveryMs, now);
    }
    // Whoever's timer fires first tries first (live before log before backfill on a tie).
    const order: GateLane[] = ['live', 'log', 'backfill'];
    waiting.sort((a, b) => a.tryAt - b.tryAt || order.indexOf(a.lane) - order.indexOf(b.lane));
    for (const w of [...waiting]) {
      if (w.tryAt > now) continue;
      const q = params[w.lane];
      if (Math.max(tat, now) + q.incrementMs - now <= q.maxAheadMs) {
        tat = Math.max(tat, now) + q.incrementMs;
        sent.push({ at: now, lane: w.lane });
        if (w.lane === 'live') liveWaits.push(now - w.asked);
        if (w.lane === 'backfill') {
          w.asked = now;
          w.tryAt = now; // the next page is already waiting
        } else waiting.splice(waiting.indexOf(w), 1);
      } else {
        w.tryAt = Math.ceil(tat + q.incrementMs - q.maxAheadMs) + late();
      }
    }
  }
  return { sent, liveWaits };
}

/** Most requests MoySklad counts in any window of `windowMs`, arrivals = sends + jitter. */
function worstWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < t.length; j++) {
    while (t[j]! - t[i]! >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

test('no window ever holds more than n, for any weight and mix of lanes, with late wake-ups', () => {
  const exact = resolveLimits({ apis: { json: { safetyMs: 0 }, phone: { safetyMs: 0 } } });
  for (const api of ['json', 'phone'] as const) {
    const units = api === 'json' ? 45 : 100;
    const windowMs = api === 'json' ? 3000 : 5000;
    for (const weight of [1, 2, 3, 4, 5, 9]) {
      const n = Math.floor(units / weight);
      for (const mix of [
        { liveEveryMs: undefined, logEveryMs: undefined },
        { liveEveryMs: 400, logEveryMs: undefined },
        { liveEveryMs: 150, logEveryMs: 300 },
      ]) {
        const { sent } = simulate(exact, { api, weight, ms: 4 * windowMs, lateMs: 40, seed: weight * 31 + (mix.liveEveryMs ?? 0), ...mix });
        const worst = worstWindow(sent.map((s) => s.at), windowMs);
        assert.ok(worst <= n, `${api} weight ${weight} ${JSON.stringify(mix)}: ${worst} > ${n} in one window`);
      }
    }
  }
});

test('jitter up to safetyMs between our decision and the server’s count draws no 429', () => {
  const limits = resolveLimits(); // 2 % of the window: 60 ms on the JSON API
  const random = rng(99);
  for (const weight of [1, 4]) {
    const { sent } = simulate(limits, { weight, ms: 15_000, liveEveryMs: 500, lateMs: 30, seed: weight });
    const arrivals = sent.map((s) => s.at + random() * 60);
    assert.ok(worstWindow(arrivals, 3000) <= Math.floor(45 / weight), `weight ${weight}`);
  }
});

test('a saturating backfill gets ≥ 95 % of the ceiling (JSON API, weights 1–4), the first request at once', () => {
  const limits = resolveLimits();
  for (const weight of [1, 2, 3, 4, 5]) {
    const ms = 30_000;
    const { sent } = simulate(limits, { weight, ms, lateMs: 0 });
    assert.equal(sent[0]?.at, 0, 'the first request goes right away');
    const ceiling = (Math.floor(45 / weight) * ms) / 3000;
    const share = sent.length / ceiling;
    // Weight 5 (stock reports) would need more than the live lane allows: ≈ 0.93.
    assert.ok(share >= (weight <= 4 ? 0.95 : 0.92), `weight ${weight}: ${sent.length} of ${ceiling} (${share.toFixed(3)})`);
    // The arithmetic agrees with the simulation.
    const p = pace(limits, 'json', weight);
    assert.ok(Math.abs(3000 / (p.perWindow * p.intervalMs) - share) < 0.01, `weight ${weight}: pace says ${(3000 / (p.perWindow * p.intervalMs)).toFixed(3)}`);
  }
  // Waking late by up to slackMs costs nothing.
  const late = simulate(limits, { weight: 4, ms: 30_000, lateMs: limits.slackMs });
  assert.ok(late.sent.length / 110 >= 0.95, `late wake-ups: ${late.sent.length} of 110`);
});

test('live lane is not starved: under a saturating backfill (and log traffic) it waits ≤ liveMaxWaitMs', () => {
  const limits = resolveLimits();
  for (const api of ['json', 'phone'] as const) {
    for (const weight of [1, 2, 3, 4, 5]) {
      const [live, log, backfill] = (['live', 'log', 'backfill'] as const).map((l) => takeParams(limits, api, l, weight));
      // Right after a backfill take TAT sits maxAhead(backfill) ahead; live goes once it is within reach.
      const worst = backfill!.maxAheadMs + live!.incrementMs - live!.maxAheadMs;
      assert.ok(worst <= limits.liveMaxWaitMs - limits.slackMs, `${api} weight ${weight}: live may wait ${worst.toFixed(0)} ms`);
      // Lanes keep their order, and the backfill can continue its chain after a late wake-up.
      assert.ok(live!.maxAheadMs > log!.maxAheadMs && log!.maxAheadMs > backfill!.maxAheadMs, `${api} weight ${weight}: lane order`);
      assert.ok(backfill!.maxAheadMs - backfill!.incrementMs >= limits.slackMs - 1e-9, `${api} weight ${weight}: backfill slack`);
      // One live request at a time (a pop-up lookup, not a live burst: those queue behind each other).
      const { liveWaits, sent } = simulate(limits, { api, weight, ms: 20_000, liveEveryMs: 500, liveMinGapMs: 2 * live!.incrementMs, logEveryMs: 1500, lateMs: 5, seed: weight });
      assert.ok(liveWaits.length > 10, 'live requests were served');
      const seen = Math.max(...liveWaits);
      assert.ok(seen <= limits.liveMaxWaitMs, `${api} weight ${weight}: a live request waited ${seen} ms`);
      assert.ok(sent.some((s) => s.lane === 'log'), `${api} weight ${weight}: log requests got through`);
    }
  }
});

test('the Phone API keeps a burst of 3 for pop-up cards; in-flight reserves per lane', () => {
  const limits = resolveLimits();
  const phone = takeParams(limits, 'phone', 'live', 1);
  assert.ok(phone.liveMaxAheadMs >= 3 * phone.incrementMs - 1e-9, 'three cards at once from a quiet row');
  const [live, log, backfill] = (['live', 'log', 'backfill'] as const).map((l) => takeParams(limits, 'json', l, 1));
  assert.deepEqual([live!.inFlightBelow, log!.inFlightBelow, backfill!.inFlightBelow], [5, 4, 4]);
  assert.equal(takeParams(limits, 'phone', 'live', 1).inFlightBelow, 5);
  assert.throws(() => resolveLimits({ apis: { json: { units: 0 } } }), RangeError);
  assert.throws(() => resolveLimits({ apis: { json: { liveBurst: 0.5 } } }), RangeError);
});

test('GateBusyError becomes RescheduleError; other errors pass through', () => {
  const busy = new GateBusyError({ retryAt: new Date(Date.now() + 500), reason: 'rate', principal: 'p', api: 'json', lane: 'log' });
  const wrapped = new Error('job step failed', { cause: busy });
  assert.equal(findGateBusy(wrapped), busy);
  assert.throws(() => rethrowAsReschedule(wrapped), (e: unknown) => e instanceof RescheduleError && e.retryAt === busy.retryAt);
  const other = new Error('boom');
  assert.throws(() => rethrowAsReschedule(other), (e: unknown) => e === other);
});
