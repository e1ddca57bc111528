import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MoyskladSandbox } from '../../src/sandbox/moysklad/index.ts';
import { idOf, ms, startSmall } from './helpers-moysklad-json.ts';

interface Hit {
  path: string;
  requestId: string | null;
  headers: IncomingMessage['headers'];
  body: any;
  at: number;
}

/** A webhook receiver whose behaviour per request is scripted by the test. */
function receiver(): Promise<{ url: string; hits: Hit[]; respond: (fn: (h: Hit, n: number) => { status: number; delayMs?: number }) => void; close: () => Promise<void>; server: Server }> {
  const hits: Hit[] = [];
  let script: (h: Hit, n: number) => { status: number; delayMs?: number } = () => ({ status: 200 });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const hit: Hit = { path: u.pathname, requestId: u.searchParams.get('requestId'), headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString() || 'null'), at: Date.now() };
      hits.push(hit);
      const { status, delayMs = 0 } = script(hit, hits.length);
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(status).end();
      }, delayMs);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        hits,
        server,
        respond: (fn) => { script = fn; },
        close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}

describe('MoySklad JSON API sandbox: webhooks', () => {
  let sb: MoyskladSandbox;
  let rx: Awaited<ReturnType<typeof receiver>>;
  before(async () => {
    sb = await startSmall();
    rx = await receiver();
  });
  after(async () => {
    await sb.close();
    await rx.close();
  });
  beforeEach(() => {
    sb.reset();
    rx.hits.length = 0;
    rx.respond(() => ({ status: 200 }));
  });

  const hook = async (body: Record<string, unknown>) => {
    const r = await ms(sb, '/entity/webhook', { method: 'POST', body });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };

  test('delivery shape: POST url?requestId=…, auditContext + events of metas only, no entity data', async () => {
    await hook({ url: `${rx.url}/hooks/create`, action: 'CREATE', entityType: 'counterparty' });
    const created = await ms(sb, '/entity/counterparty', { method: 'POST', body: { name: 'Новый клиент', phone: '+7 900 000-00-01' } });
    await sb.control.webhooks.idle();
    assert.equal(rx.hits.length, 1);
    const h = rx.hits[0]!;
    assert.equal(h.path, '/hooks/create');
    assert.match(h.requestId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(h.headers['user-agent'], 'MoySklad webhook touch agent 2.0 (/https://www.moysklad.ru)');
    assert.equal(h.headers['content-type'], 'application/json');
    assert.equal(h.body.auditContext.meta.type, 'audit');
    assert.match(h.body.auditContext.moment, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.equal(h.body.auditContext.uid, 'sandbox-app.sandbox-vendor@sandbox');
    assert.equal(h.body.events.length, 1);
    const ev = h.body.events[0];
    assert.deepEqual(Object.keys(ev).sort(), ['accountId', 'action', 'meta']);
    assert.equal(ev.action, 'CREATE');
    assert.equal(ev.meta.type, 'counterparty');
    assert.equal(idOf(ev.meta.href), created.body.id);
    assert.equal(ev.accountId, created.body.accountId);
    assert.equal(ev.name, undefined, 'no entity data');
  });

  test('UPDATE with diffType FIELDS carries updatedFields; NONE does not; bulk → one notification with several events', async () => {
    await hook({ url: `${rx.url}/fields`, action: 'UPDATE', entityType: 'customerorder', diffType: 'FIELDS' });
    await hook({ url: `${rx.url}/plain`, action: 'UPDATE', entityType: 'customerorder' });
    const orders = (await ms(sb, '/entity/customerorder?limit=2')).body.rows;
    const states = (await ms(sb, '/entity/customerorder/metadata')).body.states;
    const other = states.find((s: any) => idOf(s.meta.href) !== idOf(orders[0].state.meta.href));
    await ms(sb, `/entity/customerorder/${orders[0].id}`, { method: 'PUT', body: { state: { meta: other.meta }, description: 'новый этап' } });
    await sb.control.webhooks.idle();
    const fields = rx.hits.find((h) => h.path === '/fields');
    const plain = rx.hits.find((h) => h.path === '/plain');
    assert.deepEqual([...fields!.body.events[0].updatedFields].sort(), ['description', 'state']);
    assert.equal(plain!.body.events[0].updatedFields, undefined);

    rx.hits.length = 0;
    await ms(sb, '/entity/customerorder', { method: 'POST', body: orders.map((o: any) => ({ meta: o.meta, description: `bulk ${o.id}` })) });
    await sb.control.webhooks.idle();
    const bulk = rx.hits.filter((h) => h.path === '/fields');
    assert.equal(bulk.length, 1, 'one audit context per request');
    assert.equal(bulk[0]!.body.events.length, 2);
  });

  test('a failing receiver gets 3 immediate retries with the same requestId, then the notification is dropped', async () => {
    await hook({ url: `${rx.url}/fail`, action: 'CREATE', entityType: 'task' });
    rx.respond(() => ({ status: 500 }));
    const employee = (await ms(sb, '/entity/employee?limit=1')).body.rows[0];
    await ms(sb, '/entity/task', { method: 'POST', body: { description: 'Перезвонить', assignee: { meta: employee.meta } } });
    await sb.control.webhooks.idle();
    assert.equal(rx.hits.length, 4, '1 attempt + 3 retries');
    assert.equal(new Set(rx.hits.map((h) => h.requestId)).size, 1, 'same requestId');
    const gaps = rx.hits.slice(1).map((h, i) => h.at - rx.hits[i]!.at);
    assert.ok(gaps.every((g) => g < 300), `retries are back-to-back: ${gaps}`);
    const rec = sb.control.webhooks.deliveries().at(-1)!;
    assert.equal(rec.outcome, 'dropped');
    assert.equal(rec.attempts.length, 4);
    // nothing more arrives later
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(rx.hits.length, 4);
  });

  test('an answer slower than 1500 ms counts as a failure and is retried; a fast 204 ends it', async () => {
    await hook({ url: `${rx.url}/slow`, action: 'CREATE', entityType: 'counterparty' });
    rx.respond((_h, n) => (n === 1 ? { status: 200, delayMs: 1700 } : { status: 204 }));
    const t0 = Date.now();
    await ms(sb, '/entity/counterparty', { method: 'POST', body: { name: 'Медленный' } });
    await sb.control.webhooks.idle();
    const took = Date.now() - t0;
    assert.equal(rx.hits.length, 2);
    assert.equal(rx.hits[0]!.requestId, rx.hits[1]!.requestId);
    assert.ok(took >= 1450 && took < 3000, `took ${took} ms`);
    const rec = sb.control.webhooks.deliveries().at(-1)!;
    assert.equal(rec.outcome, 'delivered');
    assert.equal(rec.attempts[0]!.error, 'timeout');
  });

  test('X-Lognex-WebHook-DisableByPrefix suppresses matching webhooks for that write only', async () => {
    await hook({ url: `${rx.url}/ours/hook`, action: 'CREATE', entityType: 'counterparty' });
    await hook({ url: `${rx.url}/theirs/hook`, action: 'CREATE', entityType: 'counterparty' });
    await ms(sb, '/entity/counterparty', { method: 'POST', body: { name: 'Эхо' }, headers: { 'X-Lognex-WebHook-DisableByPrefix': `${rx.url}/ours` } });
    await sb.control.webhooks.idle();
    assert.deepEqual(rx.hits.map((h) => h.path), ['/theirs/hook']);
    rx.hits.length = 0;
    await ms(sb, '/entity/counterparty', { method: 'POST', body: { name: 'Без заголовка' } });
    await sb.control.webhooks.idle();
    assert.deepEqual(rx.hits.map((h) => h.path).sort(), ['/ours/hook', '/theirs/hook']);
  });

  test('changes through the admin API (a user editing in MoySklad) fire webhooks; DELETE too', async () => {
    await hook({ url: `${rx.url}/u`, action: 'UPDATE', entityType: 'customerorder', diffType: 'FIELDS' });
    await hook({ url: `${rx.url}/d`, action: 'DELETE', entityType: 'customerorder' });
    const order = (await ms(sb, '/entity/customerorder?limit=1')).body.rows[0];
    const res = await fetch(`${sb.url}/__sandbox/accounts/sandbox/entity/customerorder/${order.id}`, {
      method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ description: 'поменял менеджер' }),
    });
    assert.equal(res.status, 200);
    sb.control.admin.delete('sandbox', 'customerorder', order.id);
    await sb.control.webhooks.idle();
    const u = rx.hits.find((h) => h.path === '/u')!;
    assert.deepEqual(u.body.events[0].updatedFields, ['description']);
    assert.equal(u.body.auditContext.uid, 'admin@sandbox');
    const d = rx.hits.find((h) => h.path === '/d')!;
    assert.equal(d.body.events[0].action, 'DELETE');
    assert.equal(idOf(d.body.events[0].meta.href), order.id);
  });

  test('webhook validation: duplicates 30003, at most 5 per type/action 30007, bad action 30002, diffType only on UPDATE', async () => {
    await hook({ url: `${rx.url}/a`, action: 'CREATE', entityType: 'customerorder' });
    const dup = await ms(sb, '/entity/webhook', { method: 'POST', body: { url: `${rx.url}/a`, action: 'CREATE', entityType: 'customerorder' } });
    assert.equal(dup.body.errors[0].code, 30003);
    for (let i = 0; i < 4; i++) await hook({ url: `${rx.url}/n${i}`, action: 'CREATE', entityType: 'customerorder' });
    const sixth = await ms(sb, '/entity/webhook', { method: 'POST', body: { url: `${rx.url}/n9`, action: 'CREATE', entityType: 'customerorder' } });
    assert.equal(sixth.body.errors[0].code, 30007);
    const badAction = await ms(sb, '/entity/webhook', { method: 'POST', body: { url: `${rx.url}/x`, action: 'CHANGE', entityType: 'customerorder' } });
    assert.equal(badAction.body.errors[0].code, 30002);
    const diff = await ms(sb, '/entity/webhook', { method: 'POST', body: { url: `${rx.url}/x`, action: 'CREATE', entityType: 'customerorder', diffType: 'FIELDS' } });
    assert.equal(diff.body.errors[0].code, 30009);
    // disabled webhooks stay silent
    const list = (await ms(sb, '/entity/webhook')).body.rows;
    for (const w of list) await ms(sb, `/entity/webhook/${w.id}`, { method: 'PUT', body: { enabled: false } });
    const agent = (await ms(sb, '/entity/counterparty?limit=1')).body.rows[0];
    const org = (await ms(sb, '/entity/organization?limit=1')).body.rows[0];
    await ms(sb, '/entity/customerorder', { method: 'POST', body: { agent: { meta: agent.meta }, organization: { meta: org.meta } } });
    await sb.control.webhooks.idle();
    assert.equal(rx.hits.length, 0);
  });
});
