import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { MoyskladSandbox } from '../../src/sandbox/moysklad/index.ts';
import { BASIC, SOLUTION, USER_TOKEN, gunzipJson, ms, rawGet, startSmall } from './helpers-moysklad-json.ts';

describe('MoySklad JSON API sandbox: protocol (gzip, auth, limits, errors, faults)', () => {
  let sb: MoyskladSandbox;
  before(async () => {
    sb = await startSmall({
      accounts: [
        { name: 'sandbox', seed: { orders: 300, seed: 7 } },
        { name: 'second', seed: { orders: 50, seed: 8 } },
      ],
    });
  });
  after(async () => sb.close());
  beforeEach(() => sb.reset());

  test('no Accept-Encoding: gzip → 415 with an empty body; identity or deflate alone is refused too', async () => {
    for (const ae of [undefined, 'identity', 'deflate, br']) {
      const headers: Record<string, string> = { Authorization: BASIC };
      if (ae) headers['Accept-Encoding'] = ae;
      const r = await rawGet(`${sb.baseJsonUrl}/entity/counterparty`, headers);
      assert.equal(r.status, 415, `accept-encoding ${ae}`);
      assert.equal(r.body.length, 0);
    }
    // 415 comes before auth: even without credentials
    const noAuth = await rawGet(`${sb.baseJsonUrl}/entity/counterparty`, {});
    assert.equal(noAuth.status, 415);
  });

  test('responses are gzip-compressed on the wire', async () => {
    const r = await rawGet(`${sb.baseJsonUrl}/entity/customerorder?limit=5`, { Authorization: BASIC, 'Accept-Encoding': 'gzip, deflate' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], 'gzip');
    const body = gunzipJson(r.body);
    assert.equal(body.rows.length, 5);
    // error bodies are compressed as well
    const e = await rawGet(`${sb.baseJsonUrl}/entity/nosuchthing`, { Authorization: BASIC, 'Accept-Encoding': 'gzip' });
    assert.equal(e.headers['content-encoding'], 'gzip');
    assert.equal(gunzipJson(e.body).errors[0].code, 1005);
  });

  test('bad or missing credentials → 401 with code 1056', async () => {
    const wrongPassword = 'Basic ' + Buffer.from('admin@sandbox:nope').toString('base64');
    for (const auth of [wrongPassword, 'Bearer not-a-token', 'Token abc']) {
      const r = await ms(sb, '/entity/counterparty?limit=1', { auth });
      assert.equal(r.status, 401, auth);
      assert.equal(r.body.errors[0].code, 1056);
      assert.match(r.body.errors[0].error, /^Ошибка аутентификации/);
      assert.equal(r.body.errors[0].moreInfo, 'https://dev.moysklad.ru/doc/api/remap/1.2/#error_1056');
    }
    const none = await fetch(`${sb.baseJsonUrl}/entity/counterparty`, { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(none.status, 401);
  });

  test('login/password (weight 4): 11 requests in the window, the 12th → 429/1049 with retry headers', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 12; i++) {
      last = await ms(sb, '/entity/store', { auth: BASIC });
      statuses.push(last.status);
      if (i === 0) {
        assert.equal(last.headers.get('x-ratelimit-limit'), '11');
        assert.equal(last.headers.get('x-ratelimit-remaining'), '10');
        assert.equal(last.headers.get('x-lognex-retry-timeinterval'), '3000');
      }
    }
    assert.deepEqual(statuses, [...Array(11).fill(200), 429]);
    assert.ok(last);
    assert.equal(last.body.errors[0].code, 1049);
    const retryAfter = Number(last.headers.get('x-lognex-retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 3000, `retry-after ${retryAfter}`);
    assert.equal(last.headers.get('x-ratelimit-remaining'), '0');
    assert.equal(last.headers.get('x-ratelimit-limit'), '11');
    // the user token of the same user shares the budget (per user, not per credential)
    const viaToken = await ms(sb, '/entity/store', { auth: USER_TOKEN });
    assert.equal(viaToken.status, 429);
    // a solution token is a different principal with weight 1
    const solution = await ms(sb, '/entity/store', { auth: SOLUTION });
    assert.equal(solution.status, 200);
    assert.equal(solution.headers.get('x-ratelimit-limit'), '45');
    // after the advertised back-off the user may call again
    await new Promise((r) => setTimeout(r, retryAfter + 20));
    assert.equal((await ms(sb, '/entity/store', { auth: BASIC })).status, 200);
  });

  test('solution token (weight 1): 45 requests per 3 s, then 429', async () => {
    const results = [];
    for (let i = 0; i < 46; i++) results.push((await ms(sb, '/entity/project', { auth: SOLUTION })).status);
    assert.equal(results.filter((s) => s === 200).length, 45);
    assert.equal(results[45], 429);
  });

  test('rate budgets are per tenant: one tenant exhausting its budget does not touch another', async () => {
    const second = 'Bearer second-solution-token';
    for (let i = 0; i < 45; i++) await ms(sb, '/entity/store', { auth: SOLUTION });
    assert.equal((await ms(sb, '/entity/store', { auth: SOLUTION })).status, 429);
    const r = await ms(sb, '/entity/customerorder?limit=1', { auth: second });
    assert.equal(r.status, 200);
    assert.equal(r.body.meta.size, 50);
  });

  test('6 parallel requests of one principal → one 429 with code 1073 (no Retry-After)', async () => {
    sb.control.latency.set({ path: '/api/remap/1.2/entity/customerorder', ms: 300 });
    const rs = await Promise.all(Array.from({ length: 6 }, () => ms(sb, '/entity/customerorder?limit=1', { auth: SOLUTION })));
    const rejected = rs.filter((r) => r.status === 429);
    assert.equal(rs.filter((r) => r.status === 200).length, 5);
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0]?.body.errors[0].code, 1073);
    assert.equal(rejected[0]?.headers.get('x-lognex-auth'), '429005');
    assert.equal(rejected[0]?.headers.get('x-lognex-retry-after'), null);
    // slots free up again once the slow requests finished
    assert.equal((await ms(sb, '/entity/customerorder?limit=1', { auth: SOLUTION })).status, 200);
  });

  test('POST /security/token issues a token and revokes earlier user tokens', async () => {
    assert.equal((await ms(sb, '/entity/store', { auth: USER_TOKEN })).status, 200);
    const r = await ms(sb, '/security/token', { auth: BASIC, method: 'POST' });
    assert.equal(r.status, 200);
    assert.match(r.body.access_token, /^[0-9a-f]{40}$/);
    assert.equal((await ms(sb, '/entity/store', { auth: `Bearer ${r.body.access_token}` })).status, 200);
    assert.equal((await ms(sb, '/entity/store', { auth: USER_TOKEN })).status, 401);
  });

  test('documented error codes: unknown type 404/1005, unknown path 404/1002, bad filter 412, missing object 404/1021', async () => {
    const t = await ms(sb, '/entity/spaceship');
    assert.equal(t.status, 404);
    assert.equal(t.body.errors[0].code, 1005);
    const p = await ms(sb, '/nothing/here');
    assert.equal(p.status, 404);
    assert.equal(p.body.errors[0].code, 1002);
    const f = await ms(sb, '/entity/customerorder?filter=' + encodeURIComponent('nosuchfield=1'));
    assert.equal(f.status, 412);
    assert.equal(f.body.errors[0].code, 1034);
    const d = await ms(sb, '/entity/customerorder?filter=' + encodeURIComponent('updated>=yesterday'));
    assert.equal(d.status, 412);
    assert.equal(d.body.errors[0].code, 1035);
    const o = await ms(sb, '/entity/customerorder/00000000-0000-4000-8000-000000000000');
    assert.equal(o.status, 404);
    assert.equal(o.body.errors[0].code, 1021);
    const lim = await ms(sb, '/entity/customerorder?limit=1001');
    assert.equal(lim.status, 400);
    const badJson = await fetch(`${sb.baseJsonUrl}/entity/counterparty`, {
      method: 'POST', headers: { 'Accept-Encoding': 'gzip', Authorization: SOLUTION, 'Content-Type': 'application/json' }, body: '{"name":',
    });
    assert.equal(badJson.status, 400);
    assert.equal(((await badJson.json()) as any).errors[0].code, 2001);
    const noName = await ms(sb, '/entity/counterparty', { method: 'POST', body: { description: 'x' } });
    assert.equal(noName.status, 412);
    assert.equal(noName.body.errors[0].code, 3000);
  });

  test('fault injection: 5xx once, a 429 storm for one tenant, 401, timeouts; counters per endpoint', async () => {
    sb.control.counters.reset();
    sb.control.faults.add({ path: '/api/remap/1.2/entity/customerorder', method: 'GET', fault: { kind: 'status', status: 503 }, times: 1 });
    const first = await ms(sb, '/entity/customerorder?limit=1');
    assert.equal(first.status, 503);
    assert.ok(Array.isArray(first.body.errors));
    assert.equal((await ms(sb, '/entity/customerorder?limit=1')).status, 200);

    const storm = sb.control.faults.add({ account: 'second', fault: { kind: 'rate-limit', retryAfterMs: 1500 } });
    const s = await ms(sb, '/entity/store', { auth: 'Bearer second-solution-token' });
    assert.equal(s.status, 429);
    assert.equal(s.body.errors[0].code, 1049);
    assert.equal(s.headers.get('x-lognex-retry-after'), '1500');
    assert.equal((await ms(sb, '/entity/store', { auth: SOLUTION })).status, 200, 'other tenant unaffected');
    sb.control.faults.remove(storm);

    sb.control.faults.add({ path: '/api/remap/1.2/entity/task', fault: { kind: 'timeout', ms: 400 } });
    const t0 = Date.now();
    const slow = await ms(sb, '/entity/task');
    assert.equal(slow.status, 504);
    assert.ok(Date.now() - t0 >= 380);
    sb.control.faults.clear();

    const counters = sb.control.counters.get();
    const orders = counters['GET /api/remap/1.2/entity/customerorder'];
    assert.equal(orders?.count, 2);
    assert.deepEqual(orders?.statuses, { 200: 1, 503: 1 });
    assert.equal(sb.control.counters.get('second')['GET /api/remap/1.2/entity/store']?.statuses[429], 1);

    // same controls over HTTP
    const res = await fetch(`${sb.url}/__sandbox/counters`);
    const http = (await res.json()) as Record<string, { count: number }>;
    assert.equal(http['GET /api/remap/1.2/entity/customerorder']?.count, 2);
  });

  test('key rotation: old credentials answer 401/1056, new ones work', async () => {
    const info = sb.control.accounts.rotate('sandbox', { password: 'new-secret', solutionToken: true });
    assert.equal((await ms(sb, '/entity/store', { auth: BASIC })).status, 401);
    assert.equal((await ms(sb, '/entity/store', { auth: SOLUTION })).status, 401);
    const basic = 'Basic ' + Buffer.from(`admin@sandbox:new-secret`).toString('base64');
    assert.equal((await ms(sb, '/entity/store', { auth: basic })).status, 200);
    assert.equal((await ms(sb, '/entity/store', { auth: `Bearer ${info.solutionToken}` })).status, 200);
  });

  test('timestamps are Moscow time without offset; money in kopecks', async () => {
    const before = Date.now();
    const cp = await ms(sb, '/entity/counterparty', { method: 'POST', body: { name: 'Время' } });
    assert.equal(cp.status, 200);
    assert.match(cp.body.updated, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
    const asUtc = Date.parse(cp.body.updated.replace(' ', 'T') + 'Z') - 3 * 3600_000;
    assert.ok(Math.abs(asUtc - before) < 5000, `updated ${cp.body.updated} is MSK`);
    const agent = { meta: cp.body.meta };
    const orgs = await ms(sb, '/entity/organization');
    const order = await ms(sb, '/entity/customerorder', {
      method: 'POST',
      body: { agent, organization: { meta: orgs.body.rows[0].meta }, positions: [{ quantity: 2, price: 150050, discount: 0, vat: 0, assortment: { meta: { href: 'https://api.moysklad.ru/api/remap/1.2/entity/product/5f0c3a8e-0000-4000-8000-000000000001', type: 'product', mediaType: 'application/json' } } }] },
    });
    assert.equal(order.status, 200);
    assert.equal(order.body.sum, 300100, '2 × 1500.50 ₽ = 300100 kopecks');
    assert.match(order.body.name, /^\d{5}$/);
  });
});
