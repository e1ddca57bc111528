import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startMoyskladSandbox, type MoyskladSandbox } from '../../src/sandbox/moysklad/index.ts';
import { idOf, ms } from './helpers-moysklad-json.ts';

const enc = encodeURIComponent;

describe('MoySklad JSON API sandbox: entities, paging, filters, search, expand, writes', () => {
  let sb: MoyskladSandbox;
  before(async () => {
    sb = await startMoyskladSandbox({ seed: { orders: 2500, seed: 3 } });
    // plenty of budget for this file: the solution token is weighted 1 and we pace nothing here
    sb.control.state.rate.units = 1_000_000;
  });
  after(async () => sb.close());

  test('paging: size/limit/offset, nextHref walks the whole collection without duplicates', async () => {
    const seen = new Set<string>();
    let url: string | undefined = `${sb.baseJsonUrl}/entity/customerorder?limit=1000`;
    let pages = 0;
    let size = 0;
    while (url) {
      const r = await ms(sb, url);
      assert.equal(r.status, 200);
      size = r.body.meta.size;
      assert.equal(r.body.meta.limit, 1000);
      for (const row of r.body.rows) seen.add(row.id);
      url = r.body.meta.nextHref;
      pages++;
    }
    assert.equal(size, 2500);
    assert.equal(pages, 3);
    assert.equal(seen.size, 2500);
    const last = await ms(sb, '/entity/customerorder?limit=1000&offset=2000');
    assert.equal(last.body.rows.length, 500);
    assert.equal(last.body.meta.nextHref, undefined);
    assert.match(last.body.meta.previousHref, /offset=1000/);
    const dflt = await ms(sb, '/entity/counterparty');
    assert.equal(dflt.body.meta.limit, 1000, 'default limit is 1000');
  });

  test('filters: =, !=, >=, <, ~, ~=, =~, dates, href references, state.name, repeated = as OR', async () => {
    const all = (await ms(sb, '/entity/customerorder?limit=1000')).body.rows as any[];
    const stores = (await ms(sb, '/entity/store')).body.rows as any[];
    const storeHref = stores[0].meta.href;
    const byStore = await ms(sb, `/entity/customerorder?limit=1000&filter=${enc(`store=${storeHref}`)}`);
    assert.ok(byStore.body.meta.size > 0);
    assert.ok(byStore.body.rows.every((o: any) => o.store.meta.href === storeHref));
    const notStore = await ms(sb, `/entity/customerorder?limit=1&filter=${enc(`store!=${storeHref}`)}`);
    assert.equal(byStore.body.meta.size + notStore.body.meta.size, 2500);

    // a reference href written with the production host works too (clients keep api.moysklad.ru)
    const prodHref = `https://api.moysklad.ru/api/remap/1.2/entity/store/${stores[0].id}`;
    assert.equal((await ms(sb, `/entity/customerorder?limit=1&filter=${enc(`store=${prodHref}`)}`)).body.meta.size, byStore.body.meta.size);

    const from = '2026-01-01 00:00:00';
    const to = '2026-02-01 00:00:00';
    const inJan = await ms(sb, `/entity/customerorder?limit=1000&filter=${enc(`moment>=${from};moment<${to}`)}`);
    const expected = all.length; // first page only; check rows instead
    assert.ok(expected > 0);
    assert.ok(inJan.body.meta.size > 0);
    for (const o of inJan.body.rows) assert.ok(o.moment >= from && o.moment < to, o.moment);
    const shortForm = await ms(sb, `/entity/customerorder?limit=1&filter=${enc('moment>=2026-01-01 00:00;moment<2026-02-01 00:00')}`);
    assert.equal(shortForm.body.meta.size, inJan.body.meta.size);

    const meta = (await ms(sb, '/entity/customerorder/metadata')).body;
    const delivered = meta.states.find((s: any) => s.name === 'Доставлен');
    const cancelled = meta.states.find((s: any) => s.name === 'Отменен');
    const byHref = await ms(sb, `/entity/customerorder?limit=1&filter=${enc(`state=${delivered.meta.href}`)}`);
    const byName = await ms(sb, `/entity/customerorder?limit=1&filter=${enc('state.name=Доставлен')}`);
    assert.equal(byHref.body.meta.size, byName.body.meta.size);
    const either = await ms(sb, `/entity/customerorder?limit=1&filter=${enc('state.name=Доставлен;state.name=Отменен')}`);
    const onlyCancelled = await ms(sb, `/entity/customerorder?limit=1&filter=${enc(`state=${cancelled.meta.href}`)}`);
    assert.equal(either.body.meta.size, byName.body.meta.size + onlyCancelled.body.meta.size, 'repeated = is OR');
    const refEither = await ms(sb, `/entity/customerorder?limit=1&filter=${enc(`state=${delivered.meta.href};state=${cancelled.meta.href}`)}`);
    assert.equal(refEither.body.meta.size, either.body.meta.size, 'repeated = on a reference is OR too');

    const big = await ms(sb, `/entity/customerorder?limit=1000&filter=${enc('sum>=40000000')}`);
    assert.ok(big.body.rows.every((o: any) => o.sum >= 40000000));
    assert.ok(big.body.meta.size > 0 && big.body.meta.size < 2500);

    const cps = (await ms(sb, '/entity/counterparty?limit=1000')).body.rows as any[];
    const withOoo = cps.filter((c) => c.name.toLowerCase().includes('ооо')).length;
    assert.equal((await ms(sb, `/entity/counterparty?limit=1000&filter=${enc('name~ооо')}`)).body.meta.size, withOoo, '~ is case-insensitive contains');
    const starts = await ms(sb, `/entity/counterparty?limit=1000&filter=${enc('name~=ООО «')}`);
    assert.ok(starts.body.rows.every((c: any) => c.name.startsWith('ООО «')));
    const ends = await ms(sb, `/entity/counterparty?limit=1000&filter=${enc('email=~@mail.ru')}`);
    assert.ok(ends.body.meta.size > 0);
    assert.ok(ends.body.rows.every((c: any) => c.email.endsWith('@mail.ru')));
    const twoIds = await ms(sb, `/entity/counterparty?filter=${enc(`id=${cps[1].id};id=${cps[5].id};id=00000000-0000-0000-0000-000000000000`)}`);
    assert.deepEqual(twoIds.body.rows.map((c: any) => c.id).sort(), [cps[1].id, cps[5].id].sort(), 'id=…;id=… picks exactly those');
    const exact = cps[3];
    const eq = await ms(sb, `/entity/counterparty?filter=${enc(`name=${exact.name}`)}`);
    assert.ok(eq.body.rows.every((c: any) => c.name === exact.name));

    // attribute filter by metadata href
    const attrs = (await ms(sb, '/entity/customerorder/metadata/attributes')).body.rows as any[];
    const utm = attrs.find((a) => a.name === 'UTM source');
    const google = await ms(sb, `/entity/customerorder?limit=1000&filter=${enc(`${utm.meta.href}=google`)}`);
    assert.ok(google.body.meta.size > 0);
    assert.ok(google.body.rows.every((o: any) => o.attributes.some((a: any) => a.id === utm.id && a.value === 'google')));

    // mixing = with an inequality on one field is an error, like in MoySklad
    const mixed = await ms(sb, `/entity/customerorder?filter=${enc('sum=100;sum>5')}`);
    assert.equal(mixed.status, 412);
    // ~ is not defined for dates
    assert.equal((await ms(sb, `/entity/customerorder?filter=${enc('moment~2026')}`)).status, 412);
  });

  test('archived counterparties are hidden unless the filter asks for them', async () => {
    const visible = (await ms(sb, '/entity/counterparty?limit=1')).body.meta.size;
    const archived = (await ms(sb, `/entity/counterparty?limit=1&filter=${enc('archived=true')}`)).body.meta.size;
    const both = (await ms(sb, `/entity/counterparty?limit=1&filter=${enc('archived=true;archived=false')}`)).body.meta.size;
    assert.ok(archived > 0);
    assert.equal(both, visible + archived);
    assert.equal(both, sb.control.accounts.get('sandbox')?.counts['counterparty']);
  });

  test('search: substring over name, phone, email and contact persons; messy phone formats', async () => {
    const created = await ms(sb, '/entity/counterparty', {
      method: 'POST',
      body: {
        name: 'ООО «Поисковик»', phone: '+7 (916) 555-12-34, 8 (495) 700-00-01',
        contactpersons: [{ name: 'Зинаида Контактова', phone: '8 903 777-66-55', email: 'zina@example.org' }],
      },
    });
    assert.equal(created.status, 200);
    const id = created.body.id;
    const found = async (q: string): Promise<boolean> => {
      const r = await ms(sb, `/entity/counterparty?limit=100&search=${enc(q)}`);
      assert.equal(r.status, 200);
      return r.body.rows.some((c: any) => c.id === id);
    };
    assert.equal(await found('поисков'), true, 'name substring, case-insensitive');
    assert.equal(await found('Контактова'), true, 'contact person name');
    assert.equal(await found('zina@example'), true, 'contact person email');
    assert.equal(await found('79165551234'), true, 'digits match a +7 (916) … number');
    assert.equal(await found('9165551234'), true);
    assert.equal(await found('4957000001'), true, 'second number in the same field');
    assert.equal(await found('9037776655'), true, 'contact person phone, 10 digits');
    assert.equal(await found('89037776655'), true, 'contact person phone as typed');
    assert.equal(await found('79037776655'), false, 'no 8→7 normalisation: +7 form does not find an 8-prefixed number');
    assert.equal(await found('Несуществующий'), false);
  });

  test('expand: applied with limit ≤ 100, ignored with the default limit 1000; nested and on single GET', async () => {
    const small = await ms(sb, '/entity/customerorder?limit=100&expand=agent,state,owner.group');
    const o = small.body.rows[0];
    assert.equal(typeof o.agent.name, 'string', 'agent expanded');
    assert.equal(typeof o.state.name, 'string', 'state expanded');
    assert.equal(typeof o.owner.name, 'string');
    const big = await ms(sb, '/entity/customerorder?limit=101&expand=agent,state');
    assert.equal(big.body.rows[0].agent.name, undefined, 'ignored above 100');
    assert.ok(big.body.rows[0].agent.meta.href);
    const dflt = await ms(sb, '/entity/customerorder?expand=agent');
    assert.equal(dflt.body.rows[0].agent.name, undefined, 'default limit is 1000 → ignored');
    const one = await ms(sb, `/entity/customerorder/${o.id}?expand=agent.contactpersons`);
    assert.equal(one.body.agent.name, o.agent.name);
    assert.ok(Array.isArray(one.body.agent.contactpersons.rows));
    const bad = await ms(sb, '/entity/customerorder?limit=10&expand=sum');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].code, 1089);
  });

  test('order: by scalar fields asc/desc', async () => {
    const r = await ms(sb, '/entity/customerorder?limit=50&order=sum,desc;name');
    const sums = r.body.rows.map((o: any) => o.sum);
    assert.deepEqual(sums, [...sums].sort((a: number, b: number) => b - a));
    const all = await ms(sb, '/entity/customerorder?limit=1&order=sum,desc');
    assert.equal(all.body.rows[0].sum, sums[0]);
    assert.equal((await ms(sb, '/entity/customerorder?order=sum,sideways')).status, 412);
  });

  test('syncId: repeated create returns the same object; syncId cannot change; GET by syncid', async () => {
    const syncId = randomUUID();
    const a = await ms(sb, '/entity/counterparty', { method: 'POST', body: { name: 'Идемпотентный', syncId } });
    const b = await ms(sb, '/entity/counterparty', { method: 'POST', body: { name: 'Идемпотентный (повтор)', syncId } });
    assert.equal(a.status, 200);
    assert.equal(b.body.id, a.body.id);
    assert.equal(b.body.name, 'Идемпотентный');
    const n = await ms(sb, `/entity/counterparty?filter=${enc(`syncId=${syncId}`)}`);
    assert.equal(n.body.meta.size, 1);
    const bySync = await ms(sb, `/entity/counterparty/syncid/${syncId}`);
    assert.equal(bySync.body.id, a.body.id);
    const change = await ms(sb, `/entity/counterparty/${a.body.id}`, { method: 'PUT', body: { syncId: randomUUID() } });
    assert.equal(change.status, 400);
    assert.equal(change.body.errors[0].code, 1047);
  });

  test('bulk: array create with per-item errors; more than 1000 items → 413', async () => {
    const r = await ms(sb, '/entity/counterparty', { method: 'POST', body: [{ name: 'Пакет 1' }, { description: 'без имени' }, { name: 'Пакет 3' }] });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 3);
    assert.equal(r.body[0].name, 'Пакет 1');
    assert.equal(r.body[1].errors[0].code, 3000);
    assert.equal(r.body[2].name, 'Пакет 3');
    const tooMany = await ms(sb, '/entity/counterparty', { method: 'POST', body: Array.from({ length: 1001 }, (_, i) => ({ name: `X${i}` })) });
    assert.equal(tooMany.status, 413);
    assert.ok(tooMany.body.errors[0].error);
    const del = await ms(sb, '/entity/counterparty/delete', { method: 'POST', body: [{ meta: r.body[0].meta }, { meta: r.body[2].meta }] });
    assert.equal(del.status, 200);
    assert.equal((await ms(sb, `/entity/counterparty/${r.body[0].id}`)).status, 404);
  });

  test('PUT updates fields, state and attributes; DELETE removes orders and counterparties', async () => {
    const order = (await ms(sb, '/entity/customerorder?limit=1')).body.rows[0];
    const meta = (await ms(sb, '/entity/customerorder/metadata')).body;
    const target = meta.states.find((s: any) => s.name === 'Отгружен');
    const attrs = (await ms(sb, '/entity/customerorder/metadata/attributes')).body.rows as any[];
    const campaign = attrs.find((a) => a.name === 'UTM campaign');
    const firstCall = attrs.find((a) => a.type === 'time');
    const put = await ms(sb, `/entity/customerorder/${order.id}`, {
      method: 'PUT',
      body: {
        description: 'Изменено', state: { meta: target.meta },
        attributes: [
          { meta: campaign.meta, value: 'black_friday' },
          { meta: firstCall.meta, value: '2026-10-05 12:30:00' },
        ],
      },
    });
    assert.equal(put.status, 200);
    assert.equal(put.body.description, 'Изменено');
    assert.equal(idOf(put.body.state.meta.href), target.id);
    assert.equal(put.body.attributes.find((a: any) => a.id === campaign.id).value, 'black_friday');
    assert.equal(put.body.attributes.find((a: any) => a.id === firstCall.id).value, '2026-10-05 12:30:00.000');
    const wrongType = await ms(sb, `/entity/customerorder/${order.id}`, { method: 'PUT', body: { attributes: [{ meta: firstCall.meta, value: 42 }] } });
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.body.errors[0].code, 2016);
    const badRef = await ms(sb, `/entity/customerorder/${order.id}`, {
      method: 'PUT', body: { agent: { meta: { href: `${sb.baseJsonUrl}/entity/counterparty/${randomUUID()}`, type: 'counterparty', mediaType: 'application/json' } } },
    });
    assert.equal(badRef.status, 404);
    const noMetaType = await ms(sb, `/entity/customerorder/${order.id}`, { method: 'PUT', body: { agent: { meta: { href: order.agent.meta.href } } } });
    assert.equal(noMetaType.body.errors[0].code, 2018);

    const del = await ms(sb, `/entity/customerorder/${order.id}`, { method: 'DELETE' });
    assert.equal(del.status, 200);
    assert.equal((await ms(sb, `/entity/customerorder/${order.id}`)).status, 404);
    const cp = await ms(sb, '/entity/counterparty', { method: 'POST', body: { name: 'Удаляемый' } });
    assert.equal((await ms(sb, `/entity/counterparty/${cp.body.id}`, { method: 'DELETE' })).status, 200);
    assert.equal((await ms(sb, `/entity/counterparty/${cp.body.id}`, { method: 'DELETE' })).status, 404);
  });

  test('counterparty contact persons and notes sub-resources; tasks default to open ones', async () => {
    const cp = await ms(sb, '/entity/counterparty', { method: 'POST', body: { name: 'С контактами' } });
    const add = await ms(sb, `/entity/counterparty/${cp.body.id}/contactpersons`, { method: 'POST', body: { name: 'Пётр', phone: '+7 999 000-11-22' } });
    assert.equal(add.status, 200);
    const list = await ms(sb, `/entity/counterparty/${cp.body.id}/contactpersons`);
    assert.equal(list.body.meta.size, 1);
    assert.equal(list.body.rows[0].phone, '+7 999 000-11-22');
    const note = await ms(sb, `/entity/counterparty/${cp.body.id}/notes`, { method: 'POST', body: { description: 'Звонок: клиент просил перезвонить' } });
    assert.equal(note.status, 200);
    const got = await ms(sb, `/entity/counterparty/${cp.body.id}`);
    assert.equal(got.body.contactpersons.meta.size, 1);
    assert.equal(got.body.notes.meta.size, 1);

    const tasks = await ms(sb, '/entity/task');
    assert.ok(tasks.body.rows.every((t: any) => t.done === false));
    const done = await ms(sb, `/entity/task?filter=${enc('done=true')}`);
    assert.ok(done.body.meta.size > 0);
    const employee = (await ms(sb, '/entity/employee?limit=1')).body.rows[0];
    const task = await ms(sb, '/entity/task', { method: 'POST', body: { description: 'Перезвонить', assignee: { meta: employee.meta }, agent: { meta: cp.body.meta } } });
    assert.equal(task.status, 200);
    assert.equal(task.body.done, false);
    assert.ok(task.body.author.meta.href);
    const noAssignee = await ms(sb, '/entity/task', { method: 'POST', body: { description: 'x' } });
    assert.equal(noAssignee.status, 412);
  });

  test('reference entities: store, saleschannel, project, organization, employee are listable and typed', async () => {
    for (const type of ['store', 'saleschannel', 'project', 'organization', 'employee']) {
      const r = await ms(sb, `/entity/${type}`);
      assert.equal(r.status, 200, type);
      assert.ok(r.body.meta.size > 0, type);
      assert.equal(r.body.rows[0].meta.type, type);
    }
    const ch = await ms(sb, '/entity/saleschannel', { method: 'POST', body: { name: 'Телеграм', type: 'MESSENGER' } });
    assert.equal(ch.status, 200);
    const noType = await ms(sb, '/entity/saleschannel', { method: 'POST', body: { name: 'Без типа' } });
    assert.equal(noType.status, 412);
    const emp = (await ms(sb, `/entity/employee?filter=${enc('uid=admin@sandbox')}`)).body.rows;
    assert.equal(emp.length, 1);
  });
});

describe('MoySklad sandbox seed', () => {
  test('deterministic from the seed number; 100 000 orders generated and paged quickly', async () => {
    const a = await startMoyskladSandbox({ seed: { orders: 500, seed: 42 } });
    const b = await startMoyskladSandbox({ seed: { orders: 500, seed: 42 } });
    const c = await startMoyskladSandbox({ seed: { orders: 500, seed: 43 } });
    try {
      const page = async (s: MoyskladSandbox): Promise<any[]> => (await ms(s, '/entity/customerorder?limit=20&offset=100')).body.rows;
      // hrefs carry each server's port and account ids are per server; everything else must match
      const strip = (s: MoyskladSandbox, rows: any[]): string =>
        JSON.stringify(rows.map((r) => ({ ...r, accountId: undefined }))).split(s.url).join('');
      assert.equal(strip(a, await page(a)), strip(b, await page(b)));
      assert.notEqual(strip(a, await page(a)), strip(c, await page(c)));
      const phones = (await ms(a, '/entity/counterparty?limit=200')).body.rows.map((x: any) => x.phone).filter(Boolean);
      assert.ok(phones.some((p: string) => p.startsWith('8')) && phones.some((p: string) => p.startsWith('+7 (')), 'messy phone formats');
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
    const t0 = Date.now();
    const big = await startMoyskladSandbox({ seed: { orders: 100_000, seed: 1 } });
    try {
      const startMs = Date.now() - t0;
      assert.ok(startMs < 15_000, `100k seed took ${startMs} ms`);
      const r = await ms(big, '/entity/customerorder?limit=1000&offset=99000');
      assert.equal(r.body.meta.size, 100_000);
      assert.equal(r.body.rows.length, 1000);
      assert.equal(r.body.rows[999].name, '100000');
    } finally {
      await big.close();
    }
  });
});
