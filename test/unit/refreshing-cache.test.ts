// RefreshingCache: stale answers while one background load refreshes; forgetting wins over loads
// that were under way; failures are not cached.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefreshingCache } from '../../src/integrations/index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('first reads share one load; a stale value answers while one refresh runs; a failed refresh keeps it', async () => {
  const cache = new RefreshingCache<string, number>(() => 20);
  let loads = 0;
  let fail = false;
  const load = async () => {
    loads++;
    await sleep(5);
    if (fail) throw new Error('db down');
    return loads;
  };
  assert.deepEqual(await Promise.all([cache.get('k', load), cache.get('k', load)]), [1, 1]);
  assert.equal(loads, 1);
  await sleep(25);
  fail = true;
  assert.equal(await cache.get('k', load), 1, 'stale, refresh started');
  assert.equal(await cache.get('k', load), 1, 'one refresh at a time');
  await sleep(10);
  assert.equal(loads, 2);
  fail = false;
  assert.equal(await cache.get('k', load), 1, 'the failed refresh left the old value, and a new refresh starts');
  await sleep(10);
  assert.equal(await cache.get('k', load), 3);
});

test('a load under way when something is forgotten is not cached; a failed first load is not cached', async () => {
  const cache = new RefreshingCache<string, string>(() => 60_000);
  let version = 'old';
  const slow = async () => {
    const v = version;
    await sleep(10);
    return v;
  };
  const pending = cache.get('a', slow);
  version = 'new';
  cache.forgetWhere((v) => v === 'nothing matches');
  assert.equal(await pending, 'old', 'its caller still gets what was read');
  assert.equal(await cache.get('a', slow), 'new', 'but the next read loads again');
  cache.forget('a');
  await assert.rejects(cache.get('a', async () => Promise.reject(new Error('boom'))));
  assert.equal(await cache.get('a', async () => 'again'), 'again');
});
