// The gate's arithmetic: lane headroom, the two modes, and sliding-window safety of the GCRA
// parameters, including every switch between the modes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RescheduleError } from '../../src/queue/index.ts';
import { GateBusyError, decideRate, findGateBusy, rethrowAsReschedule, resolveLimits, takeParams, type RateState } from '../../src/moysklad/rate-gate/index.ts';

type Lane = 'live' | 'log' | 'backfill';

/** Most sends inside any window of `windowMs`. */
function maxInWindow(sent: number[], windowMs: number): number {
  let worst = 0;
  for (let i = 0, j = 0; j < sent.length; j++) {
    while (sent[j]! - sent[i]! >= windowMs) i++;
    worst = Math.max(worst, j - i + 1);
  }
  return worst;
}

/** Greedy sender in one lane at 1 ms resolution; returns send times. Mirrors the SQL decision. */
function simulate(limits: ReturnType<typeof resolveLimits>, weight: number, lane: Lane, ms: number): number[] {
  const p = takeParams(limits, 'json', lane, weight);
  let s: RateState = { tatMs: 0, reserveUntilMs: 0 };
  const sent: number[] = [];
  for (let now = 0; now < ms; now++) {
    for (;;) {
      const d = decideRate(s, now, p);
      if (!d.fits) {
        s = d.refused;
        break;
      }
      s = d.granted;
      sent.push(now);
    }
  }
  return sent;
}

/** Deterministic pseudo-random numbers in [0, 1). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

test('no lane ever exceeds the window budget, for any weight; alone, a backfill uses ≥ 93 % at weight 4', () => {
  const limits = resolveLimits({ apis: { json: { units: 45, windowMs: 3000, safetyMs: 0 } } });
  for (const weight of [1, 2, 4, 5]) {
    for (const lane of ['live', 'backfill'] as const) {
      const sent = simulate(limits, weight, lane, 9000);
      const allowed = Math.floor(45 / weight);
      assert.ok(maxInWindow(sent, 3000) <= allowed, `weight ${weight} ${lane}: ${maxInWindow(sent, 3000)} > ${allowed} in a window`);
      if (weight === 1) assert.ok(sent.length / 3 >= 0.9 * 45, `weight 1 ${lane} uses ≥ 90 %: ${sent.length} in 9 s`);
    }
  }
  // Steady pace after the first window: alone (depth 1.5) 10.5 of 11, reserved (depth 3) 9 of 11.
  const steady = (lane: Lane) => simulate(limits, 4, lane, 33_000).filter((t) => t >= 3000).length / 30 / (11 / 3);
  assert.ok(steady('backfill') >= 0.95, `backfill alone: ${steady('backfill').toFixed(3)} of the ceiling`);
  assert.ok(steady('live') < 0.83, `a live lane always keeps the reserve: ${steady('live').toFixed(3)}`);
});

test('lanes: backfill leaves more headroom than log, log more than live (reserved mode)', () => {
  const limits = resolveLimits();
  const [live, log, backfill] = (['live', 'log', 'backfill'] as const).map((l) => takeParams(limits, 'json', l, 1).reserved);
  assert.ok(live!.maxAheadMs > log!.maxAheadMs && log!.maxAheadMs > backfill!.maxAheadMs);
  // Under a saturating backfill TAT sits at most maxAhead(backfill) ahead; live still fits at once.
  assert.ok(backfill!.maxAheadMs + live!.incrementMs <= live!.maxAheadMs);
  assert.deepEqual((['live', 'log', 'backfill'] as const).map((l) => takeParams(limits, 'json', l, 1).inFlightBelow), [5, 4, 3]);
  assert.deepEqual((['live', 'log', 'backfill'] as const).map((l) => takeParams(limits, 'json', l, 1).claimsReserve), [true, true, false]);
  assert.equal(takeParams(limits, 'phone', 'live', 1).inFlightBelow, 5);
  assert.throws(() => resolveLimits({ apis: { json: { units: 0 } } }), RangeError);
  assert.throws(() => resolveLimits({ aloneDepth: 0.5 }), /aloneDepth/);
});

test('a refused live take still switches the row to reserved; the reserve lapses after the hold', () => {
  const limits = resolveLimits({ apis: { json: { units: 45, windowMs: 3000, safetyMs: 0 } }, reserveHoldMs: 1000 });
  const backfill = takeParams(limits, 'json', 'backfill', 4);
  const live = takeParams(limits, 'json', 'live', 4);
  let s: RateState = { tatMs: 0, reserveUntilMs: 0 };
  let now = 0;
  // A backfill alone, granted as soon as it fits.
  for (; now < 3000; now++) {
    const d = decideRate(s, now, backfill);
    s = d.fits ? d.granted : d.refused;
  }
  assert.equal(s.reserveUntilMs, 0, 'no reserve without live or log traffic');
  const d = decideRate(s, now, live);
  assert.equal(d.reserved, true);
  const switched = d.fits ? d.granted : d.refused;
  assert.equal(switched.reserveUntilMs, now + 1000);
  assert.ok(switched.tatMs > s.tatMs, 'entering reserved mode moves TAT (the deeper bucket starts empty)');
  assert.equal(decideRate(switched, now, backfill).reserved, true, 'the backfill now runs in reserved mode');
  assert.equal(decideRate(switched, now + 1001, backfill).reserved, false, 'and alone again once the hold has passed');
});

test('an idle row enters reserved mode with its full burst', () => {
  const limits = resolveLimits({ apis: { json: { units: 45, windowMs: 3000, safetyMs: 0 } } });
  const live = takeParams(limits, 'json', 'live', 4);
  let s: RateState = { tatMs: 1000, reserveUntilMs: 0 }; // last request long ago
  const fits: boolean[] = [];
  for (let i = 0; i < 4; i++) {
    const d = decideRate(s, 60_000 + i, live);
    fits.push(d.fits);
    s = d.fits ? d.granted : d.refused;
  }
  assert.deepEqual(fits, [true, true, true, false], 'depth 3 at once, then the pace');
});

test('random traffic in all lanes with mode switches never exceeds the window; live waits a bounded time', () => {
  for (const weight of [1, 4, 5]) {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
      const rnd = lcg(seed * 7919 + weight);
      const limits = resolveLimits({ apis: { json: { units: 45, windowMs: 3000, safetyMs: 0 } }, reserveHoldMs: 1500 + Math.floor(rnd() * 2500) });
      const params = { live: takeParams(limits, 'json', 'live', weight), log: takeParams(limits, 'json', 'log', weight), backfill: takeParams(limits, 'json', 'backfill', weight) };
      let s: RateState = { tatMs: 0, reserveUntilMs: 0 };
      const sent: number[] = [];
      // `isolated`: nothing else of live or log waiting or sent lately (else it queues behind them).
      const waiting: { lane: Lane; since: number; reservedAtArrival: boolean; isolated: boolean }[] = [];
      let lastPriority = -Infinity;
      const liveWaits: { wait: number; isolated: boolean; reservedAtArrival: boolean }[] = [];
      const recent = 2 * params.live.reserved.incrementMs;
      // The backfill is late by 0–40 ms after each refusal (a woken job), or greedy; it pauses at times.
      let backfillNext = 0;
      for (let now = 0; now < 240_000; now++) {
        if (rnd() < 1 / 1200) {
          const isolated = waiting.length === 0 && now - lastPriority > recent;
          waiting.push({ lane: rnd() < 0.5 ? 'live' : 'log', since: now, reservedAtArrival: s.reserveUntilMs > now, isolated });
        }
        const order = [...waiting];
        if (now >= backfillNext) order.splice(Math.floor(rnd() * (order.length + 1)), 0, { lane: 'backfill', since: now, reservedAtArrival: false, isolated: false });
        for (const w of order) {
          const d = decideRate(s, now, params[w.lane]);
          s = d.fits ? d.granted : d.refused;
          if (w.lane === 'backfill') {
            if (d.fits) sent.push(now);
            else backfillNext = now + (rnd() < 0.5 ? 0 : Math.floor(rnd() * 40));
            // Now and then the backfill pauses (a page being written, a finished import).
            if (d.fits && rnd() < 0.01) backfillNext = now + Math.floor(rnd() * 5000);
            continue;
          }
          if (!d.fits) continue;
          sent.push(now);
          waiting.splice(waiting.indexOf(w), 1);
          if (w.lane === 'live') liveWaits.push({ wait: now - w.since, isolated: w.isolated && waiting.every((o) => o.since > w.since), reservedAtArrival: w.reservedAtArrival });
          lastPriority = now;
        }
      }
      const allowed = Math.floor(45 / weight);
      assert.ok(maxInWindow(sent, 3000) <= allowed, `weight ${weight} seed ${seed}: ${maxInWindow(sent, 3000)} > ${allowed} in a window`);
      // Alone, a saturating backfill keeps TAT within 1.5 alone intervals: live waits at most one.
      // Right after the reserve lapsed TAT may still sit 1.5 reserved intervals ahead (the backfill's
      // reserved allowance) and live waits until it is 0.5 alone intervals ahead.
      const { alone, reserved } = params.backfill;
      const bound = Math.max(alone.incrementMs, reserved.maxAheadMs - (alone.maxAheadMs - alone.incrementMs));
      const isolated = liveWaits.filter((w) => w.isolated);
      assert.ok(isolated.filter((w) => w.reservedAtArrival).length >= 3 && isolated.filter((w) => !w.reservedAtArrival).length >= 3, `both modes were met: ${isolated.filter((w) => w.reservedAtArrival).length} reserved, ${isolated.filter((w) => !w.reservedAtArrival).length} alone`);
      for (const { wait, reservedAtArrival } of isolated) {
        if (reservedAtArrival) assert.equal(wait, 0, `weight ${weight} seed ${seed}: with the reserve in place live goes at once`);
        else assert.ok(wait <= bound + 1, `weight ${weight} seed ${seed}: live waited ${wait} ms > ${bound.toFixed(0)}`);
      }
    }
  }
});

test('GateBusyError becomes RescheduleError; other errors pass through', () => {
  const busy = new GateBusyError({ retryAt: new Date(Date.now() + 500), reason: 'rate', principal: 'p', api: 'json', lane: 'log' });
  const wrapped = new Error('job step failed', { cause: busy });
  assert.equal(findGateBusy(wrapped), busy);
  assert.throws(() => rethrowAsReschedule(wrapped), (e: unknown) => e instanceof RescheduleError && e.retryAt === busy.retryAt);
  const other = new Error('boom');
  assert.throws(() => rethrowAsReschedule(other), (e: unknown) => e === other);
});
