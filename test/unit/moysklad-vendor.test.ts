import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import {
  NotFoundError,
  VendorApiClient,
  bearerToken,
  parseActivation,
  parseDeactivation,
  signJwt,
  verifyJwt,
} from '../../src/moysklad/index.ts';

const SECRET = 'vendor-secret-key';
const now = new Date('2026-10-01T12:00:00Z');
const iat = Math.floor(now.getTime() / 1000);

describe('HS256 JWT', () => {
  test('round trip', () => {
    const t = signJwt({ iat, exp: iat + 60, jti: 'j1', sub: 'app.vendor' }, SECRET);
    const r = verifyJwt(t, SECRET, { now });
    assert.ok(r.ok);
    assert.equal(r.payload.sub, 'app.vendor');
  });
  test('signature matches an independent HMAC computation', () => {
    const t = signJwt({ iat, jti: 'x' }, SECRET);
    const [h, p, s] = t.split('.') as [string, string, string];
    assert.deepEqual(JSON.parse(Buffer.from(h, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
    assert.equal(s, createHmac('sha256', SECRET).update(`${h}.${p}`).digest('base64url'));
  });
  const rejects: Array<[string, () => string, RegExp]> = [
    ['wrong secret', () => signJwt({ iat, jti: 'a' }, 'other'), /signature/],
    ['expired', () => signJwt({ iat: iat - 1000, exp: iat - 500, jti: 'a' }, SECRET), /expired/],
    ['future iat', () => signJwt({ iat: iat + 3600, jti: 'a' }, SECRET), /future/],
    ['no jti', () => signJwt({ iat }, SECRET), /jti/],
    ['alg none', () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`, /alg/],
    ['tampered payload', () => { const [h, , s] = signJwt({ iat, jti: 'a' }, SECRET).split('.'); return `${h}.${Buffer.from('{"jti":"b"}').toString('base64url')}.${s}`; }, /signature/],
    ['not a jwt', () => 'abc', /not a JWT/],
  ];
  for (const [name, make, reason] of rejects) {
    test(`rejects: ${name}`, () => {
      const r = verifyJwt(make(), SECRET, { now });
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.reason, reason);
    });
  }
  test('maxAgeSec', () => {
    const t = signJwt({ iat: iat - 600, jti: 'a' }, SECRET);
    assert.equal(verifyJwt(t, SECRET, { now }).ok, true);
    assert.equal(verifyJwt(t, SECRET, { now, maxAgeSec: 300 }).ok, false);
  });
  test('bearerToken', () => {
    assert.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi');
    assert.equal(bearerToken('Basic xyz'), null);
    assert.equal(bearerToken(undefined), null);
  });
});

describe('activation / deactivation bodies', () => {
  const params = { appId: 'app-1', accountId: 'acc-1' };
  test('Install carries the JSON API token', () => {
    const r = parseActivation(params, {
      appUid: 'uis.vendor', accountName: 'shop', cause: 'Install',
      access: [{ resource: 'https://api.moysklad.ru/api/remap/1.2', scope: ['admin'], access_token: 'tok' }],
      subscription: { tariffId: 't', trial: true, notForResale: false, partner: false }, extra: 1,
    });
    assert.ok(r.ok);
    assert.equal(r.value.accessToken, 'tok');
    assert.deepEqual(r.value.scope, ['admin']);
    assert.equal(r.value.subscription?.trial, true);
  });
  test('TariffChanged without access', () => {
    const r = parseActivation(params, JSON.stringify({ appUid: 'uis.vendor', accountName: 'shop', cause: 'TariffChanged' }));
    assert.ok(r.ok && r.value.accessToken === undefined);
  });
  test('invalid bodies give a reason', () => {
    const r = parseActivation(params, { accountName: 'shop', cause: 'Install' });
    assert.ok(!r.ok && /appUid/.test(r.reason));
    assert.equal(parseActivation(params, '{nope').ok, false);
    assert.equal(parseActivation({ appId: '', accountId: 'a' }, {}).ok, false);
  });
  test('deactivation', () => {
    const r = parseDeactivation(params, { appUid: 'uis.vendor', accountName: 'shop', cause: 'Suspend' });
    assert.ok(r.ok && r.value.cause === 'Suspend');
    assert.ok(parseDeactivation(params, '').ok);
  });
});

describe('Vendor API client', () => {
  let server: Server;
  let base = '';
  const seen: Array<{ url: string; method: string; headers: IncomingMessage['headers'] }> = [];
  before(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', method: req.method ?? '', headers: req.headers });
      req.resume();
      req.on('end', () => {
        if (req.url?.endsWith('/context/expired')) {
          res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ error: 'not found' }] }));
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
        res.end(gzipSync(JSON.stringify({ id: 'emp-1', accountId: 'acc-1', uid: 'admin@shop', permissions: {} })));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/vendor/1.0`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('POST /context/{key} with a fresh vendor JWT', async () => {
    const c = new VendorApiClient({ baseUrl: base, appUid: 'uis.vendor', secretKey: SECRET });
    const emp = await c.exchangeContextKey('ctx-123');
    assert.equal(emp.uid, 'admin@shop');
    const s = seen.at(-1)!;
    assert.equal(s.method, 'POST');
    assert.equal(s.url, '/api/vendor/1.0/context/ctx-123');
    assert.equal(s.headers['accept-encoding'], 'gzip');
    const jwt = bearerToken(String(s.headers.authorization));
    assert.ok(jwt);
    const v = verifyJwt(jwt, SECRET);
    assert.ok(v.ok);
    assert.equal(v.payload.sub, 'uis.vendor');
    assert.ok((v.payload.exp ?? 0) - (v.payload.iat ?? 0) <= 300);
    await assert.rejects(c.exchangeContextKey('expired'), NotFoundError);
    await assert.rejects(c.exchangeContextKey('../x'), /unexpected characters/);
  });
});
