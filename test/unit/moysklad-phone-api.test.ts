import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import {
  AuthError,
  NotFoundError,
  NotInstalledError,
  PhoneApiClient,
  PreconditionError,
  RateLimitedError,
  recordingGate,
} from '../../src/moysklad/index.ts';

interface Seen { method: string; url: string; headers: IncomingMessage['headers']; body: string }
interface Reply { status?: number; headers?: Record<string, string>; json?: unknown }

let server: Server;
let base = '';
const seen: Seen[] = [];
let handler: (req: Seen) => Reply = () => ({ status: 204 });

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(s);
      // Like MoySklad: no gzip in Accept-Encoding → 415 with an empty body.
      if (!String(req.headers['accept-encoding'] ?? '').includes('gzip')) {
        res.writeHead(415).end();
        return;
      }
      const r = handler(s);
      if (r.json === undefined) {
        res.writeHead(r.status ?? 204, r.headers).end();
        return;
      }
      res.writeHead(r.status ?? 200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', ...r.headers });
      res.end(gzipSync(JSON.stringify(r.json)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/phone/1.0`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen.length = 0;
  handler = () => ({ status: 204 });
});

const CALL_ID = '7944ef04-f831-11e5-7a69-971500188b1a';
const client = (gate = recordingGate()) => new PhoneApiClient({ baseUrl: base, principal: 'acc-1:phone', token: 'phone-key-123', gate });
const echoCall = (s: Seen) => ({ json: { meta: { href: `${base}/call/${CALL_ID}`, type: 'call' }, id: CALL_ID, endTime: null, duration: null, recordUrl: [], ...(s.body ? (JSON.parse(s.body) as object) : {}) } });

describe('Phone API: calls', () => {
  test('POST /call: auth header, gzip, boolean isIncoming, Moscow time, ms duration, recordUrl array, events', async () => {
    handler = echoCall;
    const gate = recordingGate();
    const call = await client(gate).createCall({
      externalId: 'uis-555',
      number: '+79161234567',
      isIncoming: true,
      startTime: new Date(Date.UTC(2026, 9, 1, 9, 0, 5, 0)),
      durationMs: 65_000,
      recordUrl: ['https://rec.example/1.mp3'],
      events: [{ eventType: 'SHOW', extension: '101', sequence: 1 }, { eventType: 'SHOW', extension: '102', sequence: 2 }],
    });
    const s = seen[0]!;
    assert.equal(s.method, 'POST');
    assert.equal(s.url, '/api/phone/1.0/call');
    assert.equal(s.headers['lognex-phone-auth-token'], 'phone-key-123');
    assert.equal(s.headers.authorization, undefined);
    assert.equal(s.headers['accept-encoding'], 'gzip');
    const body = JSON.parse(s.body) as Record<string, unknown>;
    assert.equal(body.isIncoming, true);
    assert.equal(body.startTime, '2026-10-01 12:00:05.000');
    assert.equal(body.duration, 65_000);
    assert.deepEqual(body.recordUrl, ['https://rec.example/1.mp3']);
    assert.equal('extension' in body, false, 'extension is not sent unless given');
    assert.deepEqual(body.events, [{ eventType: 'SHOW', extension: '101', sequence: 1 }, { eventType: 'SHOW', extension: '102', sequence: 2 }]);
    assert.equal(call.id, CALL_ID);
    assert.deepEqual(gate.keys[0], { principal: 'acc-1:phone', api: 'phone', lane: 'live', weight: 1 });
  });

  test('GET /call/{id} accepts nulls in the response', async () => {
    handler = () => ({ json: { id: CALL_ID, number: '+74959999999', isIncoming: false, endTime: null, duration: null, recordUrl: [], counterpartyowner: { extention: '101', meta: { href: 'x', type: 'employee' } } } });
    const call = await client().getCall(CALL_ID);
    assert.equal(call.counterpartyowner?.extention, '101');
    assert.equal(call.duration, null);
  });

  test('PUT /call/{id} and /call/extid/{extid} send only the given fields', async () => {
    handler = echoCall;
    const c = client();
    await c.updateCall(CALL_ID, { extension: '101', endTime: '2026-10-01 12:01:10', events: [{ eventType: 'HIDE_ALL', sequence: 9 }] });
    await c.updateCallByExternalId('uis/555', { recordUrl: ['https://rec.example/2.mp3'], comment: 'Пропущенный' });
    assert.equal(seen[0]!.url, `/api/phone/1.0/call/${CALL_ID}`);
    assert.deepEqual(JSON.parse(seen[0]!.body), { extension: '101', endTime: '2026-10-01 12:01:10', events: [{ eventType: 'HIDE_ALL', sequence: 9 }] });
    assert.equal(seen[1]!.url, '/api/phone/1.0/call/extid/uis%2F555');
    assert.deepEqual(JSON.parse(seen[1]!.body), { recordUrl: ['https://rec.example/2.mp3'], comment: 'Пропущенный' });
  });

  test('findByExternalId: 404 → null, found → the call; probe body is the no-op {comment:null}', async () => {
    handler = (s) => (s.url.endsWith('/missing') ? { status: 404, json: { errors: [{ error: 'Объект не найден', code: 1021 }] } } : echoCall(s));
    const c = client();
    assert.equal(await c.findByExternalId('missing'), null);
    const found = await c.findByExternalId('uis-555');
    assert.equal(found?.id, CALL_ID);
    assert.deepEqual(JSON.parse(seen[1]!.body), { comment: null });
  });

  test('updateCallByExternalId surfaces 404 as NotFoundError', async () => {
    handler = () => ({ status: 404, json: { errors: [{ error: 'not found', code: 1021 }] } });
    await assert.rejects(client().updateCallByExternalId('x', { comment: 'a' }), NotFoundError);
  });

  test('events by id and by extid expect 204', async () => {
    const c = client();
    await c.sendEvent(CALL_ID, { eventType: 'STARTTIME', extension: '101', sequence: 3 });
    await c.sendEventByExternalId('uis-555', { eventType: 'HIDE', extension: '102', sequence: 4 });
    assert.equal(seen[0]!.url, `/api/phone/1.0/call/${CALL_ID}/event`);
    assert.equal(seen[1]!.url, '/api/phone/1.0/call/extid/uis-555/event');
    assert.deepEqual(JSON.parse(seen[1]!.body), { eventType: 'HIDE', extension: '102', sequence: 4 });
  });

  test('invalid input is rejected before sending', async () => {
    const c = client();
    await assert.rejects(c.sendEvent(CALL_ID, { eventType: 'SHOW', extension: '', sequence: 1 }), /extension/);
    await assert.rejects(c.sendEvent(CALL_ID, { eventType: 'HIDE_ALL', sequence: 1.5 }), /sequence/);
    await assert.rejects(c.createCall({ externalId: 'a', number: '1', isIncoming: true, startTime: new Date(), durationMs: 1.5 }), /milliseconds/);
    await assert.rejects(c.createCall({ externalId: 'a', number: '1', isIncoming: true, startTime: 'yesterday' }), /moment/);
    assert.equal(seen.length, 0);
  });
});

describe('Phone API: employees', () => {
  test('GET /employee?filter=extention=… maps the misspelt field', async () => {
    handler = () => ({ json: { employees: [{ meta: { href: 'https://api.moysklad.ru/api/remap/1.2/entity/employee/e1e1e1e1-0000-0000-0000-000000000001', type: 'employee', mediaType: 'application/json' }, extention: '101' }] } });
    const e = await client().findEmployeeByExtension('101');
    assert.equal(new URL(seen[0]!.url, 'http://x').searchParams.get('filter'), 'extention=101');
    assert.deepEqual(e, { employeeId: 'e1e1e1e1-0000-0000-0000-000000000001', href: 'https://api.moysklad.ru/api/remap/1.2/entity/employee/e1e1e1e1-0000-0000-0000-000000000001', extension: '101' });
  });
});

describe('Phone API: errors', () => {
  test('412/3000 → PreconditionError with code', async () => {
    handler = () => ({ status: 412, json: { errors: [{ error: "Обязательное поле 'isIncoming' не может быть пустым", code: 3000 }] } });
    const err = await client().createCall({ externalId: 'a', number: '+7', isIncoming: false, startTime: new Date() }).catch((e: unknown) => e);
    assert.ok(err instanceof PreconditionError);
    assert.equal(err.code, 3000);
  });

  test('429 → RateLimitedError; default back-off is one 5 s window when no header', async () => {
    handler = () => ({ status: 429, json: { errors: [{ error: 'limit' }] } });
    const gate = recordingGate();
    const err = await client(gate).sendEvent(CALL_ID, { eventType: 'SHOW', extension: '1', sequence: 1 }).catch((e: unknown) => e);
    assert.ok(err instanceof RateLimitedError);
    assert.equal(err.retryAfterMs, 5000);
    assert.deepEqual(gate.rateLimited, [5000]);
  });

  test('1095 (load limiting) → RateLimitedError with about a minute', async () => {
    handler = () => ({ status: 429, json: { errors: [{ error: 'temporarily unavailable', code: 1095 }] } });
    const err = await client().getCall(CALL_ID).catch((e: unknown) => e);
    assert.ok(err instanceof RateLimitedError);
    assert.equal(err.retryAfterMs, 60_000);
  });

  test('401/1056 → AuthError; 55008 → NotInstalledError', async () => {
    handler = () => ({ status: 401, json: { errors: [{ error: 'Ошибка аутентификации', code: 1056 }] } });
    await assert.rejects(client().listEmployees(), AuthError);
    handler = () => ({ status: 403, json: { errors: [{ error: "Нет установленного решения для работы с API 'phone'", code: 55008 }] } });
    await assert.rejects(client().listEmployees(), NotInstalledError);
  });
});
