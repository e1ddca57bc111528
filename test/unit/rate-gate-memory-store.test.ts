// The in-memory gate store (embedded mode) must make the same decisions as the SQL one: GCRA on the
// theoretical arrival time, an in-flight cap with expiring leases, and back-off that never pulls TAT back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryRateGateStore } from '../../src/moysklad/index.ts';

const row = { principal: 'acc:json:cred', api: 'json' as const };
const params = (leaseId: string) => ({ incrementMs: 100, maxAheadMs: 250, inFlightBelow: 2, leaseId, leaseMs: 1000 });

test('GCRA: a burst up to the allowance, then one token per increment', async () => {
  let now = 10_000;
  const store = new MemoryRateGateStore(() => now);
  const taken: boolean[] = [];
  for (const id of ['a', 'b', 'c']) {
    const r = await store.take(row, { ...params(id), inFlightBelow: 10 });
    taken.push(r.ok);
  }
  assert.deepEqual(taken, [true, true, false], 'TAT may run at most maxAheadMs ahead of now');
  now += 100;
  assert.equal((await store.take(row, { ...params('d'), inFlightBelow: 10 })).ok, true);
});

test('in-flight cap: leases count until released or expired', async () => {
  let now = 0;
  const store = new MemoryRateGateStore(() => now);
  const slow = { ...params('x'), incrementMs: 1, maxAheadMs: 1000 };
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
  const b = await store.backoff(row, 2000, 250);
  assert.equal(b.tatMs, 2250);
  assert.equal((await store.backoff(row, 10, 0)).tatMs, 2250);
  assert.equal((await store.take(row, params('a'))).ok, false);
  assert.equal((await store.take({ ...row, principal: 'other' }, params('a'))).ok, true);
  now = 2100;
  assert.equal((await store.take(row, params('b'))).ok, true);
});
