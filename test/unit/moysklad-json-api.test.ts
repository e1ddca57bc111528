import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import {
  AuthError,
  BadResponseError,
  ForbiddenError,
  JsonApiClient,
  MoyskladTimeoutError,
  NotFoundError,
  PreconditionError,
  RateLimitedError,
  ServerError,
  isRetryable,
  readRateLimitHeaders,
  recordingGate,
  type RequestGate,
} from '../../src/moysklad/index.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
interface Reply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  raw?: string;
  gzip?: boolean;
  delayMs?: number;
}

let server: Server;
let base = '';
const seen: Seen[] = [];
let handler: (req: Seen) => Reply = () => ({ json: {} });

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(s);
      const r = handler(s);
      const text = r.raw ?? (r.json === undefined ? '' : JSON.stringify(r.json));
      const gzip = r.gzip ?? true;
      const payload = gzip && text ? gzipSync(text) : Buffer.from(text);
      const send = () => {
        res.writeHead(r.status ?? 200, {
          'Content-Type': 'application/json;charset=utf-8',
          ...(gzip && text ? { 'Content-Encoding': 'gzip' } : {}),
          ...r.headers,
        });
        res.end(payload);
      };
      if (r.delayMs) setTimeout(send, r.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/remap/1.2`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen.length = 0;
  handler = () => ({ json: {} });
});

const ID1 = '11111111-1111-1111-1111-111111111111';
const ID2 = '22222222-2222-2222-2222-222222222222';
const meta = (type: string, id: string) => ({ href: `${base}/entity/${type}/${id}`, type, mediaType: 'application/json' });
const cp = (id: string, extra: Record<string, unknown> = {}) => ({ id, meta: meta('counterparty', id), name: `CP ${id.slice(0, 4)}`, ...extra });

function client(extra: Partial<ConstructorParameters<typeof JsonApiClient>[0]> = {}) {
  return new JsonApiClient({ baseUrl: base, principal: 'acc-1:json', auth: { kind: 'bearer', token: 'tok-secret' }, ...extra });
}
function query(s: Seen): URLSearchParams {
  return new URL(s.url, 'http://x').searchParams;
}

describe('JSON API: headers and auth', () => {
  test('every request asks for gzip, sends Bearer and decompresses the answer', async () => {
    handler = () => ({ json: cp(ID1) });
    const got = await client().getById('counterparty', ID1);
    assert.equal(got.name, 'CP 1111');
    assert.equal(seen[0]?.headers['accept-encoding'], 'gzip');
    assert.equal(seen[0]?.headers.authorization, 'Bearer tok-secret');
    assert.equal(seen[0]?.url, `/api/remap/1.2/entity/counterparty/${ID1}`);
  });

  test('Basic auth is base64(login:password)', async () => {
    handler = () => ({ json: cp(ID1) });
    await client({ auth: { kind: 'basic', login: 'admin@acc', password: 'p:ss' } }).getById('counterparty', ID1);
    assert.equal(seen[0]?.headers.authorization, `Basic ${Buffer.from('admin@acc:p:ss').toString('base64')}`);
  });

  test('uncompressed answers are read too', async () => {
    handler = () => ({ json: cp(ID1), gzip: false });
    assert.equal((await client().getById('counterparty', ID1)).id, ID1);
  });

  test('an injected fetch that does not inflate gzip still works', async () => {
    const rawFetch = async () =>
      new Response(gzipSync(JSON.stringify(cp(ID2))), { status: 200, headers: { 'Content-Type': 'application/json' } });
    const got = await client({ fetch: rawFetch }).getById('counterparty', ID2);
    assert.equal(got.id, ID2);
  });

  test('/security/token is refused without any request', async () => {
    await assert.rejects(client().request('POST', '/security/token'), /never called/);
    assert.equal(seen.length, 0);
  });

  test('writes carry X-Lognex-WebHook-DisableByPrefix, reads do not', async () => {
    handler = (s) => ({ json: s.method === 'GET' ? cp(ID1) : cp(ID1, JSON.parse(s.body) as Record<string, unknown>) });
    const c = client({ webhookDisablePrefix: 'https://hooks.example.com/ms' });
    await c.getById('counterparty', ID1);
    await c.update('counterparty', ID1, { description: 'x' });
    assert.equal(seen[0]?.headers['x-lognex-webhook-disablebyprefix'], undefined);
    assert.equal(seen[1]?.headers['x-lognex-webhook-disablebyprefix'], 'https://hooks.example.com/ms');
    assert.equal(seen[1]?.method, 'PUT');
    assert.equal(seen[1]?.headers['content-type'], 'application/json');
  });

  test('a bare https:// prefix is rejected at construction', () => {
    assert.throws(() => client({ webhookDisablePrefix: 'https://' }), /host/);
  });
});

describe('JSON API: errors', () => {
  const errBody = (code: number, error = 'err') => ({ errors: [{ error, code, moreInfo: `https://dev.moysklad.ru/#error_${code}` }] });

  test('429/1049 → RateLimitedError with X-Lognex-Retry-After, seen by the gate', async () => {
    handler = () => ({ status: 429, json: errBody(1049), headers: { 'X-Lognex-Retry-After': '1234', 'X-RateLimit-Remaining': '0' } });
    const gate = recordingGate();
    const err = await client({ gate }).getById('counterparty', ID1).catch((e: unknown) => e);
    assert.ok(err instanceof RateLimitedError);
    assert.equal(err.retryAfterMs, 1234);
    assert.equal(err.retryAfterFromServer, true);
    assert.equal(err.code, 1049);
    assert.deepEqual(gate.rateLimited, [1234]);
    assert.equal(isRetryable(err), true);
  });

  test('429/1073 without retry-after → default back-off, flagged as not from server', async () => {
    handler = () => ({ status: 429, json: errBody(1073), headers: { 'X-Lognex-Auth': '429005' } });
    const err = await client().getById('counterparty', ID1).catch((e: unknown) => e);
    assert.ok(err instanceof RateLimitedError);
    assert.equal(err.code, 1073);
    assert.equal(err.retryAfterFromServer, false);
    assert.equal(err.authCode, '429005');
    assert.ok(err.retryAfterMs > 0);
  });

  const table: Array<[number, number | undefined, new (...a: never[]) => Error, string]> = [
    [401, 1056, AuthError, 'auth'],
    [403, 1016, ForbiddenError, 'forbidden'],
    [404, 1021, NotFoundError, 'not-found'],
    [412, 3000, PreconditionError, 'precondition'],
    [500, undefined, ServerError, 'server'],
    [503, 1074, ServerError, 'server'],
  ];
  for (const [status, code, cls, kind] of table) {
    test(`${status}${code ? `/${code}` : ''} → ${cls.name}`, async () => {
      handler = () => (code ? { status, json: errBody(code, 'Ошибка аутентификации: x') } : { status, raw: '' });
      const err = await client().getById('counterparty', ID1).catch((e: unknown) => e);
      assert.ok(err instanceof cls, `got ${String(err)}`);
      assert.equal((err as unknown as { kind: string }).kind, kind);
      if (code) assert.equal((err as unknown as { code?: number }).code, code);
      assert.equal(isRetryable(err), status >= 500);
    });
  }

  test('error messages never contain the token or the query string', async () => {
    handler = () => ({ status: 401, json: errBody(1056) });
    const err = await client().list('counterparty', { search: '9161234567' }).catch((e: unknown) => e);
    assert.ok(err instanceof AuthError);
    assert.doesNotMatch(err.message, /tok-secret|9161234567/);
  });

  test('per-request timeout → MoyskladTimeoutError', async () => {
    handler = () => ({ json: cp(ID1), delayMs: 400 });
    const err = await client({ timeoutMs: 50 }).getById('counterparty', ID1).catch((e: unknown) => e);
    assert.ok(err instanceof MoyskladTimeoutError);
  });

  test('a body of the wrong shape → BadResponseError', async () => {
    handler = () => ({ json: { id: ID1 } });
    await assert.rejects(client().getById('counterparty', ID1), BadResponseError);
  });
});

describe('JSON API: gate', () => {
  test('every request passes the gate with principal/api/lane/weight', async () => {
    handler = () => ({ json: cp(ID1) });
    const gate = recordingGate();
    await client({ gate, weight: 4 }).getById('counterparty', ID1, { lane: 'backfill' });
    assert.deepEqual(gate.keys, [{ principal: 'acc-1:json', api: 'json', lane: 'backfill', weight: 4 }]);
  });

  test('a gate that refuses means no request is sent', async () => {
    const refusing: RequestGate = { run: async () => { throw new Error('no token, reschedule'); } };
    await assert.rejects(client({ gate: refusing }).getById('counterparty', ID1), /reschedule/);
    assert.equal(seen.length, 0);
  });

  test('the gate sees the response and can read rate headers from it', async () => {
    handler = () => ({ json: cp(ID1), headers: { 'X-RateLimit-Limit': '45', 'X-RateLimit-Remaining': '44', 'X-Lognex-Retry-TimeInterval': '3000', 'X-Lognex-Reset': '0' } });
    let info: ReturnType<typeof readRateLimitHeaders> | undefined;
    const gate: RequestGate = { run: async (_k, send) => { const res = await send(); info = readRateLimitHeaders(res.headers); return res; } };
    await client({ gate }).getById('counterparty', ID1);
    assert.deepEqual(info, { limit: 45, remaining: 44, intervalMs: 3000, resetMs: 0, retryAfterMs: undefined });
  });

  test('default weights: basic 4, bearer 1', async () => {
    handler = () => ({ json: cp(ID1) });
    const gate = recordingGate();
    await client({ gate }).getById('counterparty', ID1);
    await client({ gate, auth: { kind: 'basic', login: 'a@b', password: 'c' } }).getById('counterparty', ID1);
    assert.deepEqual(gate.keys.map((k) => k.weight), [1, 4]);
  });
});

describe('JSON API: lists, paging, batching', () => {
  test('filter/search/order/expand are encoded; expand caps limit at 100', async () => {
    handler = () => ({ json: { meta: { href: '', type: 'customerorder', size: 0, limit: 100, offset: 0 }, rows: [] } });
    await client().list('customerorder', {
      filter: [['updated', '>=', new Date(Date.UTC(2026, 9, 1, 0, 0, 0))], ['name', '=', 'a;b']],
      search: 'Иван Петров',
      order: [['updated', 'desc'], ['name']],
      expand: ['agent', 'state'],
    });
    const q = query(seen[0]!);
    assert.equal(q.get('filter'), 'updated>=2026-10-01 03:00:00;name=a\\;b');
    assert.equal(q.get('search'), 'Иван Петров');
    assert.equal(q.get('order'), 'updated,desc;name');
    assert.equal(q.get('expand'), 'agent,state');
    assert.equal(q.get('limit'), '100');
    assert.match(seen[0]!.url, /filter=updated%3E%3D2026-10-01%2003%3A00%3A00/, 'spaces as %20, not +');
  });

  test('pages() walks nextHref with full 1000-row pages', async () => {
    const total = 2300;
    handler = (s) => {
      const q = query(s);
      const limit = Number(q.get('limit'));
      const offset = Number(q.get('offset') ?? 0);
      const rows = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) =>
        cp(`00000000-0000-0000-0000-${String(offset + i).padStart(12, '0')}`));
      const next = offset + limit < total ? `${base}/entity/counterparty?limit=${limit}&offset=${offset + limit}` : undefined;
      return { json: { meta: { href: '', type: 'counterparty', size: total, limit, offset, ...(next ? { nextHref: next } : {}) }, rows } };
    };
    const sizes: number[] = [];
    for await (const page of client().pages('counterparty')) sizes.push(page.rows.length);
    assert.deepEqual(sizes, [1000, 1000, 300]);
    assert.equal(query(seen[0]!).get('limit'), '1000');
    assert.equal(seen.length, 3);
    let n = 0;
    for await (const _row of client().iterate('counterparty')) n++;
    assert.equal(n, total);
  });

  test('pages() steps offset when nextHref is missing', async () => {
    handler = (s) => {
      const offset = Number(query(s).get('offset') ?? 0);
      const rows = offset === 0 ? [cp(ID1), cp(ID2)] : offset === 2 ? [cp('33333333-3333-3333-3333-333333333333')] : [];
      return { json: { meta: { href: '', type: 'counterparty', size: 3, limit: 2, offset }, rows } };
    };
    const ids: string[] = [];
    for await (const row of client().iterate('counterparty', { limit: 2 })) ids.push(row.id);
    assert.equal(ids.length, 3);
    assert.deepEqual(seen.map((s) => query(s).get('offset')), [null, '2']);
  });

  test('nextHref to a foreign origin is refused (credentials stay home)', async () => {
    handler = () => ({ json: { meta: { href: '', type: 'counterparty', size: 2000, limit: 1000, offset: 0, nextHref: 'https://evil.example/x' }, rows: [cp(ID1)] } });
    const it = client().pages('counterparty');
    await it.next();
    await assert.rejects(it.next(), /foreign origin/);
  });

  test('getByIds batches ids into one filter per chunk and dedups', async () => {
    handler = (s) => {
      const ids = (query(s).get('filter') ?? '').split(';').map((c) => c.replace(/^id=/, ''));
      return { json: { meta: { href: '', type: 'counterparty', size: ids.length }, rows: ids.map((id) => cp(id)) } };
    };
    const ids = Array.from({ length: 5 }, (_, i) => `aaaaaaaa-0000-0000-0000-00000000000${i}`);
    const got = await client().getByIds('counterparty', [...ids, ids[0]!], { chunkSize: 2 });
    assert.equal(got.length, 5);
    assert.equal(seen.length, 3);
    assert.equal(query(seen[0]!).get('filter'), `id=${ids[0]};id=${ids[1]}`);
  });
});

describe('JSON API: writes', () => {
  test('create sends syncId for idempotency', async () => {
    handler = (s) => ({ json: cp(ID1, JSON.parse(s.body) as Record<string, unknown>) });
    const got = await client().create('counterparty', { name: 'Иван' }, { syncId: 'f0f0f0f0-0000-4000-8000-000000000001' });
    assert.deepEqual(JSON.parse(seen[0]!.body), { name: 'Иван', syncId: 'f0f0f0f0-0000-4000-8000-000000000001' });
    assert.equal(got.syncId, 'f0f0f0f0-0000-4000-8000-000000000001');
    assert.equal(seen[0]!.method, 'POST');
  });

  test('createMany splits >1000 items and reports per-item errors', async () => {
    handler = (s) => {
      const items = JSON.parse(s.body) as Array<{ name: string }>;
      return {
        json: items.map((it, i) =>
          it.name === 'bad' ? { errors: [{ error: 'Поле name пустое', code: 3000 }] } : cp(`00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, { name: it.name })),
      };
    };
    const items = Array.from({ length: 1500 }, (_, i) => ({ name: i === 1200 ? 'bad' : `n${i}` }));
    const res = await client().createMany('counterparty', items);
    assert.equal(seen.length, 2);
    assert.equal((JSON.parse(seen[0]!.body) as unknown[]).length, 1000);
    assert.equal((JSON.parse(seen[1]!.body) as unknown[]).length, 500);
    assert.equal(res.length, 1500);
    const failed = res.filter((r) => !r.ok);
    assert.deepEqual(failed.map((r) => r.index), [1200]);
    const f = failed[0]!;
    assert.ok(!f.ok && f.error.code === 3000);
  });

  test('tasks: Date dueToDate is sent as Moscow time', async () => {
    handler = (s) => ({ json: { id: ID1, meta: meta('task', ID1), description: 'Перезвонить', ...(JSON.parse(s.body) as object) } });
    const c = client();
    const task = await c.createTask({
      description: 'Перезвонить',
      assignee: c.ref('employee', ID2),
      agent: c.ref('counterparty', ID1),
      dueToDate: new Date(Date.UTC(2026, 10, 5, 7, 30, 0)),
    });
    const body = JSON.parse(seen[0]!.body) as Record<string, unknown>;
    assert.equal(body.dueToDate, '2026-11-05 10:30:00.000');
    assert.equal(task.description, 'Перезвонить');
    await c.updateTask(ID1, { done: true });
    assert.equal(seen[1]!.method, 'PUT');
    assert.equal(seen[1]!.url, `/api/remap/1.2/entity/task/${ID1}`);
  });

  test('webhooks list/create/delete', async () => {
    const hook = { id: ID1, meta: meta('webhook', ID1), entityType: 'customerorder', action: 'UPDATE', url: 'https://h.example/ms', enabled: true };
    handler = (s) => (s.method === 'GET' ? { json: { meta: { href: '', type: 'webhook' }, rows: [hook] } } : s.method === 'DELETE' ? { raw: '' } : { json: hook });
    const c = client();
    assert.equal((await c.listWebhooks())[0]?.url, 'https://h.example/ms');
    await c.createWebhook({ url: 'https://h.example/ms', action: 'UPDATE', entityType: 'customerorder', diffType: 'FIELDS' });
    assert.deepEqual(JSON.parse(seen[1]!.body), { url: 'https://h.example/ms', action: 'UPDATE', entityType: 'customerorder', diffType: 'FIELDS' });
    await c.deleteWebhook(ID1);
    assert.equal(seen[2]!.method, 'DELETE');
    assert.equal(seen[2]!.url, `/api/remap/1.2/entity/webhook/${ID1}`);
  });

  test('attributes metadata read and create; states from metadata', async () => {
    const attr = { id: ID1, meta: meta('attributemetadata', ID1), name: 'UTM', type: 'string' };
    handler = (s) => {
      if (s.url.endsWith('/metadata/attributes') && s.method === 'GET') return { json: { meta: { href: '', type: 'attributemetadata' }, rows: [attr] } };
      if (s.url.endsWith('/metadata/attributes')) return { json: [attr] };
      return { json: { meta: meta('customerorder', 'metadata'), states: [{ id: ID2, meta: meta('state', ID2), name: 'Новый', stateType: 'Regular', color: 10667543 }] } };
    };
    const c = client();
    assert.equal((await c.listAttributes('counterparty'))[0]?.name, 'UTM');
    const created = await c.createAttributes('counterparty', [{ name: 'UTM', type: 'string' }]);
    assert.equal(created[0]?.id, ID1);
    assert.ok(Array.isArray(JSON.parse(seen[1]!.body)));
    const states = await c.getStates('customerorder');
    assert.deepEqual(states.map((s) => [s.name, s.stateType]), [['Новый', 'Regular']]);
    assert.equal(seen[2]!.url, '/api/remap/1.2/entity/customerorder/metadata');
  });
});

describe('JSON API: counterparty by phone', () => {
  test('searches by national digits and confirms matches client-side, contact persons first', async () => {
    const rows = [
      cp(ID1, { phone: '8 (916) 123-45-67, 84951112233' }),
      cp(ID2, { phone: '+7 916 999 00 00', contactpersons: { meta: { href: '', type: 'contactperson' }, rows: [{ id: 'c1', meta: meta('contactperson', 'c1'), name: 'Анна', phone: '+7 916 123 45 67 доб. 2' }] } }),
      cp('33333333-3333-3333-3333-333333333333', { phone: '89161234568' }),
    ];
    handler = () => ({ json: { meta: { href: '', type: 'counterparty', size: 3 }, rows } });
    const res = await client().findCounterpartiesByPhone('79161234567');
    const q = query(seen[0]!);
    assert.equal(q.get('search'), '9161234567');
    assert.equal(q.get('expand'), 'contactpersons');
    assert.deepEqual(res.map((m) => [m.counterparty.id, m.via]), [[ID2, 'contactperson'], [ID1, 'counterparty']]);
    assert.equal(res[0]?.contactPerson?.name, 'Анна');
  });

  test('a non-phone makes no request', async () => {
    assert.deepEqual(await client().findCounterpartiesByPhone('101'), []);
    assert.equal(seen.length, 0);
  });
});
