// The gate's arithmetic: lane headroom and sliding-window safety of the GCRA parameters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RescheduleError } from '../../src/queue/index.ts';
import { GateBusyError, findGateBusy, rethrowAsReschedule, resolveLimits, takeParams } from '../../src/moysklad/rate-gate/index.ts';

/** Greedy sender in one lane at 1 ms resolution; returns send times. Mirrors the SQL decision. */
function simulate(limits: ReturnType<typeof resolveLimits>, weight: number, lane: 'live' | 'backfill', ms: number): number[] {
  const p = takeParams(limits, 'json', lane, weight);
  let tat = 0;
  const sent: number[] = [];
  for (let now = 0; now < ms; now++) {
    while (Math.max(tat, now) + p.incrementMs - now <= p.maxAheadMs) {
      tat = Math.max(tat, now) + p.incrementMs;
      sent.push(now);
    }
  }
  return sent;
}

test('no lane ever exceeds the window budget, for any weight', () => {
  const limits = resolveLimits({ apis: { json: { units: 45, windowMs: 3000, safetyMs: 0 } } });
  for (const weight of [1, 2, 4, 5]) {
    for (const lane of ['live', 'backfill'] as const) {
      const sent = simulate(limits, weight, lane, 9000);
      let worst = 0;
      for (let i = 0, j = 0; j < sent.length; j++) {
        while ((sent[j] ?? 0) - (sent[i] ?? 0) >= 3000) i++;
        worst = Math.max(worst, j - i + 1);
      }
      const allowed = Math.floor(45 / weight);
      assert.ok(worst <= allowed, `weight ${weight} ${lane}: ${worst} > ${allowed} in a window`);
      if (weight === 1) assert.ok(sent.length / 3 >= 0.9 * 45, `weight 1 ${lane} uses ≥ 90 %: ${sent.length} in 9 s`);
    }
  }
});

test('lanes: backfill leaves more headroom than log, log more than live', () => {
  const limits = resolveLimits();
  const [live, log, backfill] = (['live', 'log', 'backfill'] as const).map((l) => takeParams(limits, 'json', l, 1));
  assert.ok(live!.maxAheadMs > log!.maxAheadMs && log!.maxAheadMs > backfill!.maxAheadMs);
  // Under a saturating backfill TAT sits at most maxAhead(backfill) ahead; live still fits at once.
  assert.ok(backfill!.maxAheadMs + live!.incrementMs <= live!.maxAheadMs);
  assert.deepEqual([live!.inFlightBelow, log!.inFlightBelow, backfill!.inFlightBelow], [5, 4, 3]);
  assert.equal(takeParams(limits, 'phone', 'live', 1).inFlightBelow, 5);
  assert.throws(() => resolveLimits({ apis: { json: { units: 0 } } }), RangeError);
});

test('GateBusyError becomes RescheduleError; other errors pass through', () => {
  const busy = new GateBusyError({ retryAt: new Date(Date.now() + 500), reason: 'rate', principal: 'p', api: 'json', lane: 'log' });
  const wrapped = new Error('job step failed', { cause: busy });
  assert.equal(findGateBusy(wrapped), busy);
  assert.throws(() => rethrowAsReschedule(wrapped), (e: unknown) => e instanceof RescheduleError && e.retryAt === busy.retryAt);
  const other = new Error('boom');
  assert.throws(() => rethrowAsReschedule(other), (e: unknown) => e === other);
});
