import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gateWaitRetryDelayMs } from '../../src/telephony/calls/index.ts';

test('a call waiting on a spent MoySklad budget retries later the longer it waits, up to 30 s, spread ±25 %', () => {
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
