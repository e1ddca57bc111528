// The in-memory gate store (embedded mode) must make the same decisions as the SQL one: GCRA on the
// theoretical arrival time, an in-flight cap with expiring leases, and back-off that never pulls TAT back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryRateGateStore } from '../../src/moysklad/index.ts';
import { resolveLimits, takeParams, type TakeParams } from '../../src/moysklad/rate-gate/index.ts';

const row = { principal: 'acc:json:cred', api: 'json' as const };
/** One mode's numbers in both modes (the mode logic itself is covered by rate-gate-limits.test.ts). */
function fixed(p: { incrementMs: number; maxAheadMs: number; inFlightBelow: number }): TakeParams {
  const m = { incrementMs: p.incrementMs, maxAheadMs: p.maxAheadMs, liveMaxAheadMs: p.maxAheadMs };
  return { reserved: m, alone: m, claimsReserve: false, reserveHoldMs: 0, enterReservedShiftMs: 0, inFlightBelow: p.inFlightBelow };
}
const params = (leaseId: string, o: Partial<{ incrementMs: number; maxAheadMs: number; inFlightBelow: number }> = {}) => ({
  ...fixed({ incrementMs: 100, maxAheadMs: 250, inFlightBelow: 2, ...o }),
  leaseId,
  leaseMs: 1000,
});

test('GCRA: a burst up to the allowance, then one token per increment', async () => {
  let now = 10_000;
  const store = new MemoryRateGateStore(() => now);
  const taken: boolean[] = [];
  for (const id of ['a', 'b', 'c']) {
    const r = await store.take(row, params(id, { inFlightBelow: 10 }));
    taken.push(r.ok);
  }
  assert.deepEqual(taken, [true, true, false], 'TAT may run at most maxAheadMs ahead of now');
  now += 100;
  assert.equal((await store.take(row, params('d', { inFlightBelow: 10 }))).ok, true);
});

test('in-flight cap: leases count until released or expired', async () => {
  let now = 0;
  const store = new MemoryRateGateStore(() => now);
  const slow = params('x', { incrementMs: 1, maxAheadMs: 1000 });
  assert.equal((await store.take(row, { ...slow, leaseId: 'x' })).ok, true);
  assert.equal((await store.take(row, { ...slow, leaseId: 'y' })).ok, true);
  const third = await store.take(row, { ...slow, leaseId: 'z' });
  assert.equal(third.ok, false);
  assert.equal(third.inFlight, 2);
  await store.release(row, 'x');
  assert.equal((await store.take(row, { ...slow, leaseId: 'z' })).ok, true);
  now += 1001; // y and z expire: a crashed holder cannot keep its slot
  assert.equal((await store.take(row, { ...slow, leaseId: 'w' })).inFlight, 1);
});

test('back-off pushes TAT forward and never back; principals are independent', async () => {
  let now = 0;
  const store = new MemoryRateGateStore(() => now);
  const b = await store.backoff(row, 2000, fixed({ incrementMs: 100, maxAheadMs: 350, inFlightBelow: 2 }));
  assert.equal(b.tatMs, 2250, 'TAT = now + delay + (live allowance − increment)');
  assert.equal((await store.backoff(row, 10, fixed({ incrementMs: 100, maxAheadMs: 100, inFlightBelow: 2 }))).tatMs, 2250);
  assert.equal((await store.take(row, params('a'))).ok, false);
  assert.equal((await store.take({ ...row, principal: 'other' }, params('a'))).ok, true);
  now = 2100;
  assert.equal((await store.take(row, params('b'))).ok, true);
});

test('modes: a live take switches the row to reserved (even when refused), a backfill alone keeps it alone', async () => {
  let now = 0;
  const store = new MemoryRateGateStore(() => now);
  const limits = resolveLimits({ apis: { json: { units: 45, windowMs: 3000, safetyMs: 0 } }, reserveHoldMs: 5000 });
  const backfill = { ...takeParams(limits, 'json', 'backfill', 4), leaseMs: 60_000 };
  const live = { ...takeParams(limits, 'json', 'live', 4), leaseMs: 60_000 };
  let granted = 0;
  for (; now < 6000; now++) {
    const r = await store.take(row, { ...backfill, leaseId: `b${now}` });
    if (r.ok) {
      granted++;
      await store.release(row, `b${now}`);
    }
  }
  // Alone: 1.5 burst then one per 3000 / 10.5 ms → ≈ 21 in 6 s; reserved would give ≈ 18.
  assert.ok(granted >= 20, `alone, the backfill ran at the alone pace: ${granted}`);
  const r = await store.take(row, { ...live, leaseId: 'live' });
  assert.equal(r.reserveUntilMs, now + 5000);
  const tatAfterClaim = r.tatMs;
  const b = await store.take(row, { ...backfill, leaseId: 'b-after' });
  assert.equal(b.ok, false, 'the backfill yields to the live request');
  assert.equal(b.reserveUntilMs, now + 5000, 'a backfill take leaves the reserve as it is');
  assert.ok(tatAfterClaim > 6000, 'the switch moved TAT');
});
