import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { createMemoryVendorDirectory, createVendorSandbox, signHs256, type VendorSandbox } from '../../src/sandbox/moysklad/vendor/index.ts';

const APP = { appId: 'a1a1a1a1-0000-4000-8000-000000000001', appUid: 'uis-connector.uis', secretKey: 'top-secret-key-1' };
const OTHER = { appId: 'b2b2b2b2-0000-4000-8000-000000000002', appUid: 'other.vendor', secretKey: 'other-secret' };
const EMPLOYEE_ID = 'e0e0e0e0-0000-4000-8000-000000000001';

interface Hit {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  tokenAtArrival: string | undefined;
}

let now = Date.now();
const dir = createMemoryVendorDirectory([
  { id: 'acc-1', name: 'romashka', employees: { [EMPLOYEE_ID]: { uid: 'admin@romashka', email: 'a@romashka.ru', name: 'Администратор', permissions: {} } } },
]);
let replies: { status: number; body: string }[] = [];
const hits: Hit[] = [];
let receiver: Server;
let app: FastifyInstance;
let vendor: VendorSandbox;
let base: string;

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, tokenAtArrival: dir.tokens.get(`acc-1|${APP.appId}`) });
      const r = replies.shift() ?? { status: 200, body: '{"status":"Activated"}' };
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(r.body);
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const endpointBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/vendor-app`;
  vendor = createVendorSandbox({
    directory: dir,
    apps: [
      { ...APP, endpointBase, scope: 'admin', widgets: { 'entity.counterparty.edit': 'https://widget.example/w-cp.html' } },
      { ...OTHER, endpointBase },
    ],
    retry: { retryDelayMs: 20, retryWindowMs: 500, timeoutMs: 2000 },
    now: () => now,
  });
  app = Fastify({ logger: false });
  await app.register(vendor.plugin);
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await app.close();
  receiver.close();
});

const vendorJwt = (who = APP, extra: Record<string, unknown> = {}) =>
  signHs256({ sub: who.appUid, iat: Math.floor(now / 1000), jti: randomUUID(), ...extra }, who.secretKey);

const call = async (method: string, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(base + path, {
    method,
    headers: { 'accept-encoding': 'gzip', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
};

/** Independent HS256 check (not via the module under test). */
function verifyIndependently(authorization: string | undefined, secret: string): Record<string, unknown> {
  const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
  assert.ok(token, 'Bearer token present');
  const [h, p, s] = token.split('.') as [string, string, string];
  assert.deepEqual(JSON.parse(Buffer.from(h, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
  assert.equal(createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url'), s, 'signature verifies with secretKey');
  assert.notEqual(createHmac('sha256', 'wrong').update(`${h}.${p}`).digest('base64url'), s);
  return JSON.parse(Buffer.from(p, 'base64url').toString());
}

describe('activation and deactivation', () => {
  test('install sends PUT …/apps/{appId}/{accountId} with a verifiable HS256 JWT and the documented body', async () => {
    hits.length = 0;
    replies = [{ status: 200, body: '{"status":"Activated"}' }];
    const inst = await vendor.installApp('acc-1', APP.appId);
    assert.equal(inst.status, 'Activated');
    assert.equal(hits.length, 1);
    const hit = hits[0]!;
    assert.equal(hit.method, 'PUT');
    assert.equal(hit.url, `/vendor-app/api/moysklad/vendor/1.0/apps/${APP.appId}/acc-1`);
    const claims = verifyIndependently(hit.headers.authorization, APP.secretKey);
    assert.equal(typeof claims.iat, 'number');
    assert.equal(typeof claims.jti, 'string');
    assert.ok((claims.exp as number) > (claims.iat as number));
    assert.ok(hit.headers['x_lognex_requestid']);
    const body = JSON.parse(hit.body);
    assert.equal(body.appUid, APP.appUid);
    assert.equal(body.accountName, 'romashka');
    assert.equal(body.cause, 'Install');
    assert.equal(body.access[0].resource, 'https://api.moysklad.ru/api/remap/1.2');
    assert.deepEqual(body.access[0].scope, ['admin']);
    assert.equal(body.access[0].access_token, hit.tokenAtArrival, 'the token already works when the PUT arrives');
    assert.equal(typeof body.subscription.trial, 'boolean');
    assert.equal(vendor.installation('acc-1', APP.appId)?.accessToken, hit.tokenAtArrival);
  });

  test('SettingsRequired, then the vendor reports Activated via PUT /status; GET /status reflects it', async () => {
    replies = [{ status: 200, body: '{"status":"SettingsRequired"}' }];
    assert.equal((await vendor.installApp('acc-1', APP.appId)).status, 'SettingsRequired');
    const st = await call('GET', `/api/vendor/1.0/apps/${APP.appId}/acc-1/status`, vendorJwt());
    assert.equal(st.status, 200);
    assert.equal(st.json.status, 'SettingsRequired');
    const put = await call('PUT', `/api/vendor/1.0/apps/${APP.appId}/acc-1/status`, vendorJwt(), { status: 'Activated' });
    assert.equal(put.status, 200);
    assert.equal((await call('GET', `/api/vendor/1.0/apps/${APP.appId}/acc-1/status`, vendorJwt())).json.status, 'Activated');
    const bogus = await call('PUT', `/api/vendor/1.0/apps/${APP.appId}/acc-1/status`, vendorJwt(), { status: 'Suspended' });
    assert.equal(bogus.status, 409);
  });

  test('5xx is retried with the same X_Lognex_RequestId; 4xx fails activation and revokes the token', async () => {
    hits.length = 0;
    replies = [{ status: 503, body: '' }, { status: 200, body: '{"status":"Activated"}' }];
    assert.equal((await vendor.installApp('acc-1', APP.appId, { cause: 'Resume' })).status, 'Activated');
    assert.equal(hits.length, 2);
    assert.equal(hits[0]!.headers['x_lognex_requestid'], hits[1]!.headers['x_lognex_requestid']);
    assert.notEqual(hits[0]!.headers.authorization, hits[1]!.headers.authorization, 'fresh JWT per attempt');
    replies = [{ status: 400, body: '' }];
    const failed = await vendor.installApp('acc-1', APP.appId);
    assert.equal(failed.status, 'ActivationFailed');
    assert.equal(dir.tokens.has(`acc-1|${APP.appId}`), false);
    replies = [{ status: 200, body: 'ok' }];
    assert.equal((await vendor.installApp('acc-1', APP.appId)).status, 'ActivationFailed', 'a 200 without {"status"} is not an activation');
  });

  test('uninstall sends DELETE with cause Uninstall after revoking the token; status then 404/2004', async () => {
    replies = [{ status: 200, body: '{"status":"Activated"}' }];
    await vendor.installApp('acc-1', APP.appId);
    hits.length = 0;
    replies = [{ status: 200, body: '' }];
    const res = await vendor.uninstallApp('acc-1', APP.appId);
    assert.deepEqual([res.ok, res.status], [true, 'Uninstalled']);
    const hit = hits[0]!;
    assert.equal(hit.method, 'DELETE');
    assert.equal(hit.url, `/vendor-app/api/moysklad/vendor/1.0/apps/${APP.appId}/acc-1`);
    verifyIndependently(hit.headers.authorization, APP.secretKey);
    assert.deepEqual(JSON.parse(hit.body), { appUid: APP.appUid, accountName: 'romashka', cause: 'Uninstall' });
    assert.equal(hit.tokenAtArrival, undefined);
    const st = await call('GET', `/api/vendor/1.0/apps/${APP.appId}/acc-1/status`, vendorJwt());
    assert.equal(st.status, 404);
    assert.equal(st.json.errors[0].code, 2004);
  });
});

describe('context exchange', () => {
  test('POST /context/{contextKey} returns the employee of the context', async () => {
    const key = vendor.createContextKey('acc-1', APP.appId, EMPLOYEE_ID);
    const r = await call('POST', `/api/vendor/1.0/context/${key}`, vendorJwt());
    assert.equal(r.status, 200);
    assert.equal(r.json.id, EMPLOYEE_ID);
    assert.equal(r.json.accountId, 'acc-1');
    assert.equal(r.json.uid, 'admin@romashka');
  });

  test('JWT rules: bad signature, missing jti, reused jti, stale iat → 401; other app → 403', async () => {
    const key = vendor.createContextKey('acc-1', APP.appId, EMPLOYEE_ID);
    const path = `/api/vendor/1.0/context/${key}`;
    assert.equal((await call('POST', path, undefined)).status, 401);
    assert.equal((await call('POST', path, signHs256({ sub: APP.appUid, iat: Math.floor(now / 1000), jti: 'x' }, 'wrong'))).status, 401);
    assert.equal((await call('POST', path, signHs256({ sub: APP.appUid, iat: Math.floor(now / 1000) }, APP.secretKey))).status, 401);
    const once = vendorJwt();
    assert.equal((await call('POST', path, once)).status, 200);
    const again = await call('POST', path, once);
    assert.equal(again.status, 401);
    assert.equal(again.json.errors[0].code, 1056);
    assert.equal((await call('POST', path, vendorJwt(APP, { iat: Math.floor(now / 1000) - 400 }))).status, 401);
    assert.equal((await call('POST', path, vendorJwt(OTHER))).status, 403);
  });

  test('unknown or expired (5 min) keys → 404; no gzip → 415', async () => {
    assert.equal((await call('POST', '/api/vendor/1.0/context/nope', vendorJwt())).status, 404);
    const key = vendor.createContextKey('acc-1', APP.appId, EMPLOYEE_ID);
    const plain = await call('POST', `/api/vendor/1.0/context/${key}`, vendorJwt(), undefined, { 'accept-encoding': 'identity' });
    assert.equal(plain.status, 415);
    now += 5 * 60_000 + 1000;
    try {
      assert.equal((await call('POST', `/api/vendor/1.0/context/${key}`, vendorJwt())).status, 404);
    } finally {
      now -= 5 * 60_000 + 1000;
    }
  });
});

describe('widget host page', () => {
  test('loads the widget with contextKey/appUid/appId/userLocale and posts Open with the object id', async () => {
    const objectId = '22222222-0000-4000-8000-000000000001';
    const res = await fetch(base + vendor.widgetHostPath({ accountId: 'acc-1', appId: APP.appId, employeeId: EMPLOYEE_ID, objectId }));
    assert.equal(res.status, 200);
    const html = await res.text();
    const src = /<iframe id="ms-widget" src="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(src);
    const url = new URL(src);
    assert.equal(url.origin + url.pathname, 'https://widget.example/w-cp.html');
    assert.equal(url.searchParams.get('appUid'), APP.appUid);
    assert.equal(url.searchParams.get('appId'), APP.appId);
    assert.equal(url.searchParams.get('userLocale'), 'ru_RU');
    assert.match(html, /sandbox="allow-forms allow-scripts allow-same-origin allow-popups allow-modals allow-downloads"/);
    assert.match(html, /name: 'Open'/);
    assert.ok(html.includes(`"objectId":"${objectId}"`));
    assert.ok(html.includes('"extensionPoint":"entity.counterparty.edit"'));
    // The contextKey in the iframe URL exchanges to the employee who opened the page.
    const ctx = await call('POST', `/api/vendor/1.0/context/${url.searchParams.get('contextKey')}`, vendorJwt());
    assert.equal(ctx.json.id, EMPLOYEE_ID);
    // Messages the page relays are kept for tests.
    const rec = await fetch(`${base}/sandbox/vendor/widget-host/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: 'acc-1', appId: APP.appId, extensionPoint: 'entity.counterparty.edit', direction: 'widget->host', message: { name: 'OpenFeedback', correlationId: 1 } }),
    });
    assert.equal(rec.status, 204);
    assert.deepEqual(vendor.widgetMessages('acc-1').at(-1)?.message, { name: 'OpenFeedback', correlationId: 1 });
  });

  test('no widget for the extension point → 404', async () => {
    const res = await fetch(base + vendor.widgetHostPath({ accountId: 'acc-1', appId: APP.appId, employeeId: EMPLOYEE_ID, extensionPoint: 'document.demand.edit' }));
    assert.equal(res.status, 404);
  });
});
