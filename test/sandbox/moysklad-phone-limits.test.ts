import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lognexContentMd5 } from '../../src/sandbox/moysklad/phone/index.ts';
import { EMP, KEY_A, KEY_B, accounts, startPhone, type Harness } from './moysklad-phone-helpers.ts';

const harnesses: Harness[] = [];
after(async () => {
  await Promise.all(harnesses.map((h) => h.app.close()));
});

describe('Phone API limits', () => {
  test('the 101st request within 5 s → 429/1049 with X-Lognex-Retry-After; other keys unaffected', async () => {
    const h = await startPhone();
    harnesses.push(h);
    for (let batch = 0; batch < 20; batch++) {
      const rs = await Promise.all(Array.from({ length: 5 }, () => h.api('GET', '/employee')));
      assert.deepEqual(rs.map((r) => r.status), [200, 200, 200, 200, 200]);
    }
    const over = await h.api('GET', '/employee');
    assert.equal(over.status, 429);
    assert.deepEqual(over.json.errors.map((e: { code: number }) => e.code), [1049]);
    const retry = Number(over.headers.get('x-lognex-retry-after'));
    assert.ok(retry > 0 && retry <= 5000, `retry-after ${retry}`);
    const other = await h.api('GET', '/employee', undefined, { 'lognex-phone-auth-token': KEY_B });
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('x-ratelimit-remaining'), '99');
  });

  test('a sliding window: requests are admitted again once old ones leave it', async () => {
    let now = 0;
    const h = await startPhone({ limits: { now: () => now } });
    harnesses.push(h);
    for (let i = 0; i < 100; i++) {
      now = i * 10;
      assert.equal((await h.api('GET', '/employee')).status, 200);
    }
    now = 4999;
    assert.equal((await h.api('GET', '/employee')).status, 429);
    now = 5001; // the first request (t=0) has left the window
    assert.equal((await h.api('GET', '/employee')).status, 200);
    assert.equal((await h.api('GET', '/employee')).status, 429);
  });

  test('a 6th concurrent request from one key → 429/1073; slots free up after responses', async () => {
    const h = await startPhone({ intercept: () => new Promise((r) => setTimeout(() => r(undefined), 300)) });
    harnesses.push(h);
    const rs = await Promise.all(Array.from({ length: 7 }, () => h.api('GET', '/employee')));
    const statuses = rs.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
    const rejected = rs.filter((r) => r.status === 429);
    assert.ok(rejected.every((r) => r.json.errors[0].code === 1073));
    assert.equal((await h.api('GET', '/employee')).status, 200);
  });

  test('intercept can fault a request with any status/body', async () => {
    const h = await startPhone({
      intercept: (ctx) => (ctx.route === '/call' && ctx.method === 'POST' ? { status: 503, body: { errors: [{ error: 'off', code: 1074 }] } } : undefined),
    });
    harnesses.push(h);
    const r = await h.api('POST', '/call', { externalId: 'x', number: '1', isIncoming: true, startTime: '2026-01-01 00:00:00' });
    assert.equal(r.status, 503);
    assert.equal(r.json.errors[0].code, 1074);
    assert.equal(h.phone.calls('acc-a').length, 0);
  });
});

describe('click-to-call driver', () => {
  interface Received {
    headers: IncomingHttpHeaders;
    body: string;
    url: string;
  }
  const receiver = async (status = 200) => {
    const got: Received[] = [];
    const srv = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got.push({ headers: req.headers, body, url: req.url ?? '' });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return { got, srv, url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/ms/webhook/abc` };
  };

  test('employee 101 clicks a number → POST {srcNumber,destNumber,uid} with MD5(key+src+dest+uid) upper-hex', async () => {
    const r = await receiver();
    const accs = accounts();
    accs[0]!.settings.providerUrl = r.url;
    const h = await startPhone({}, accs);
    harnesses.push(h);
    const attempt = await h.phone.clickToCall('acc-a', '101', '+79990001122');
    r.srv.close();
    assert.equal(attempt.status, 200);
    assert.equal(r.got.length, 1);
    const req = r.got[0]!;
    assert.equal(req.url, '/ms/webhook/abc');
    assert.match(String(req.headers['content-type']), /application\/json/);
    const body = JSON.parse(req.body);
    assert.deepEqual(body, { srcNumber: '101', destNumber: '+79990001122', uid: EMP.anna.uid });
    const expected = createHash('md5').update(KEY_A + '101' + '+79990001122' + EMP.anna.uid).digest('hex').toUpperCase();
    assert.equal(req.headers['lognex-content-md5'], expected);
    assert.equal(h.phone.clickToCallLog('acc-a').length, 1);
  });

  test('the MD5 variant is configurable (raw body) or can be left out; failures are reported', async () => {
    const r = await receiver(500);
    const accs = accounts();
    accs[0]!.settings.providerUrl = r.url;
    const h = await startPhone({ clickToCall: { variant: 'key+raw-body' } }, accs);
    harnesses.push(h);
    const a = await h.phone.clickToCall('acc-a', EMP.boris.id, '+74951112233');
    assert.equal(a.status, 500);
    const raw = r.got[0]!.body;
    assert.equal(r.got[0]!.headers['lognex-content-md5'], createHash('md5').update(KEY_A + raw).digest('hex').toUpperCase());
    assert.equal(a.signature, lognexContentMd5('key+raw-body', KEY_A, JSON.parse(raw), raw));
    h.phone.setMd5Variant('none');
    await h.phone.clickToCall('acc-a', '102', '+74951112233');
    assert.equal(r.got[1]!.headers['lognex-content-md5'], undefined);
    r.srv.close();
    const down = await h.phone.clickToCall('acc-a', '102', '+74951112233', { timeoutMs: 1000 });
    assert.equal(down.status, undefined);
    assert.ok(down.error);
    await assert.rejects(h.phone.clickToCall('acc-a', EMP.gleb.id, '+7'), /no extension/);
  });
});
