// The composed sandbox: Phone API plugin over our store, shared traffic control, the inspector.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { MoyskladSandbox } from '../../src/sandbox/moysklad/index.ts';
import { ms, startSmall } from './helpers-moysklad-json.ts';

describe('composed MoySklad sandbox: phone directory, generic traffic control, inspector, admin HTTP', () => {
  let sb: MoyskladSandbox;
  before(async () => {
    sb = await startSmall();
  });
  after(async () => sb.close());

  const phone = (path: string, init: RequestInit = {}) =>
    fetch(`${sb.basePhoneUrl}${path}`, { ...init, headers: { 'Accept-Encoding': 'gzip', 'Lognex-Phone-Auth-Token': 'sandbox-phone-key', 'Content-Type': 'application/json', ...(init.headers ?? {}) } });

  test('Phone API sees the seeded employees with extensions (directory adapter over the JSON store)', async () => {
    const r = await phone('/employee');
    assert.equal(r.status, 200);
    const body = (await r.json()) as any;
    const rows = body.employees;
    assert.ok(Array.isArray(rows) && rows.length > 0);
    const exts = rows.map((e: any) => e.extention ?? e.extension);
    assert.ok(exts.includes('101'), `extensions ${exts}`);
    assert.equal((await phone('/employee', { headers: { 'Lognex-Phone-Auth-Token': 'wrong' } })).status, 401);
  });

  test('a Phone API call links the counterparty found by a differently formatted number', async () => {
    const created = await ms(sb, '/entity/counterparty', { method: 'POST', body: { name: 'Звонящий', phone: '8 (977) 123-45-67' } });
    const r = await phone('/call', { method: 'POST', body: JSON.stringify({ number: '+79771234567', externalId: 'ext-1', isIncoming: true, startTime: '2026-10-01 12:00:00' }) });
    assert.ok(r.status === 200 || r.status === 201, `status ${r.status}`);
    const call = sb.phone.calls(sb.control.accounts.get('sandbox')!.accountId)[0] as any;
    assert.ok(JSON.stringify(call).includes(created.body.id), 'call linked to the counterparty');
  });

  test('latency, faults and counters apply to Phone API routes too', async () => {
    sb.control.counters.reset();
    sb.control.faults.add({ path: '/api/phone/1.0/employee', fault: { kind: 'status', status: 502 }, times: 1 });
    assert.equal((await phone('/employee')).status, 502);
    sb.control.latency.set({ path: '/api/phone/1.0', ms: 150 });
    const t0 = Date.now();
    assert.equal((await phone('/employee')).status, 200);
    assert.ok(Date.now() - t0 >= 140);
    sb.control.latency.clear();
    assert.deepEqual(sb.control.counters.get()['GET /api/phone/1.0/employee']?.statuses, { 200: 1, 502: 1 });
  });

  test('inspector page: Russian labels, counterparties, orders, tasks and the phone section', async () => {
    const r = await fetch(`${sb.url}/__sandbox/?account=sandbox`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/html/);
    const html = await r.text();
    for (const label of ['Контрагенты', 'Заказы покупателей', 'Задачи', 'Телефония', 'Сотрудники']) assert.ok(html.includes(label), label);
    const order = (await ms(sb, '/entity/customerorder?limit=1&order=name,desc')).body.rows[0];
    assert.ok(html.includes(order.id), 'latest order listed');
    assert.ok(!html.includes('Раздел телефонии не подключён'), 'phone section rendered');
  });

  test('admin HTTP: accounts with credentials, new tenant, reset', async () => {
    const created = await fetch(`${sb.url}/__sandbox/accounts`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'tenant2', seed: { orders: 10 } }),
    });
    const info = (await created.json()) as any;
    assert.equal(info.counts.customerorder, 10);
    const r = await ms(sb, '/entity/customerorder', { auth: `Bearer ${info.solutionToken}` });
    assert.equal(r.body.meta.size, 10);
    const list = (await (await fetch(`${sb.url}/__sandbox/accounts`)).json()) as any[];
    assert.deepEqual(list.map((a) => a.name), ['sandbox', 'tenant2']);
    await fetch(`${sb.url}/__sandbox/reset`, { method: 'POST' });
    assert.deepEqual(sb.control.accounts.list().map((a) => a.name), ['sandbox']);
  });
});
