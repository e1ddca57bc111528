import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GateBusyError, gateWaitRetryDelayMs, rescheduleAfterGateWait } from '../../src/moysklad/index.ts';

test('a job waiting on a spent MoySklad budget retries later the longer it waits, up to 30 s, spread ±25 %', () => {
  const mid = (n: number) => gateWaitRetryDelayMs(n, 0.5);
  assert.equal(mid(1), 2000);
  assert.equal(mid(2), 3000);
  assert.equal(mid(3), 4500);
  for (let n = 2; n < 12; n++) assert.ok(mid(n) >= mid(n - 1), `non-decreasing at ${n}`);
  assert.equal(mid(20), 30_000);
  assert.equal(gateWaitRetryDelayMs(20, 0), 22_500);
  assert.equal(gateWaitRetryDelayMs(20, 0.999999) < 37_500, true);
  assert.equal(gateWaitRetryDelayMs(1, 0), 1500);
});

test('a busy gate reschedules a job with its data: the wait is counted on, and it is never before the gate has room', () => {
  const busy = new GateBusyError({ retryAt: new Date(Date.now() + 60_000), reason: 'rate', principal: 'p', api: 'phone', lane: 'live' });
  const data = { callSessionId: '7', gateWaits: 3 };
  const late = rescheduleAfterGateWait(busy, data);
  assert.equal(late.retryAt.getTime(), busy.retryAt.getTime(), 'the gate is further away than the back-off');
  assert.deepEqual(late.data, { callSessionId: '7', gateWaits: 4 });
  const soon = new GateBusyError({ retryAt: new Date(Date.now() + 10), reason: 'rate', principal: 'p', api: 'phone', lane: 'live' });
  const t0 = Date.now();
  const waitedLong = { callSessionId: '7', gateWaits: 9 };
  const r = rescheduleAfterGateWait(soon, waitedLong);
  assert.ok(r.retryAt.getTime() - t0 >= 0.75 * 30_000 - 5, `backed off: ${r.retryAt.getTime() - t0} ms`);
  assert.equal(rescheduleAfterGateWait(soon).retryAt, soon.retryAt, 'without data: at the gate\'s time, nothing counted');
  assert.equal(rescheduleAfterGateWait(soon).data, undefined);
});
