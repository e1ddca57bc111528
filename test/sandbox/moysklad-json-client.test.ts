// The third-party npm client `moysklad` (wmakeev) against the sandbox: if a real-world client
// works here, the sandbox speaks the protocol the way MoySklad does.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { MoyskladSandbox } from '../../src/sandbox/moysklad/index.ts';
import { startSmall } from './helpers-moysklad-json.ts';

const require = createRequire(import.meta.url);
const Moysklad = require('moysklad') as any;

function mapped(sb: MoyskladSandbox): typeof fetch {
  return ((url: string, init?: RequestInit) => fetch(String(url).replace(sb.url, sb.listenUrl), init)) as typeof fetch;
}

describe('npm moysklad client against the sandbox', () => {
  let sb: MoyskladSandbox;
  let client: any;
  before(async () => {
    // the library accepts only https:// URLs, so the sandbox publishes an https origin in its hrefs
    // and this fetch maps it onto the plain-HTTP listener
    sb = await startSmall({ publicUrl: 'https://moysklad.sandbox.test' });
    sb.control.state.rate.units = 1_000_000;
    client = Moysklad({ endpoint: `${sb.url}/api`, token: 'sandbox-solution-token', fetch: mapped(sb) });
  });
  after(async () => sb.close());

  test('lists with paging meta and a Mongo-style filter', async () => {
    const page = await client.GET('entity/customerorder', { limit: 10, offset: 5 });
    assert.equal(page.meta.size, 300);
    assert.equal(page.rows.length, 10);
    assert.equal(page.meta.offset, 5);
    const big = await client.GET('entity/customerorder', { filter: { sum: { $gte: 30000000 } }, limit: 1000 });
    assert.ok(big.rows.length > 0);
    assert.ok(big.rows.every((o: any) => o.sum >= 30000000));
    // date filter built by the library's own MSK time formatting
    const since = new Date('2026-06-01T00:00:00+03:00');
    const recent = await client.GET('entity/customerorder', { filter: { moment: { $gte: since } }, limit: 1000 });
    assert.ok(recent.rows.length > 0);
    for (const o of recent.rows) assert.ok(Moysklad.parseTimeString(o.moment) >= since);
  });

  test('searches counterparties and follows expand with limit ≤ 100', async () => {
    const some = (await client.GET('entity/counterparty', { limit: 50 })).rows.find((c: any) => c.phone);
    const digits = some.phone.split(/[,;]/)[0].replace(/\D/g, '').slice(-10);
    const found = await client.GET('entity/counterparty', { search: digits, expand: 'owner', limit: 100 });
    const hit = found.rows.find((c: any) => c.id === some.id);
    assert.ok(hit, `search ${digits} finds ${some.phone}`);
    assert.equal(typeof hit.owner.name, 'string');
  });

  test('creates, updates and reports API errors as MoyskladApiError', async () => {
    const cp = await client.POST('entity/counterparty', { name: 'Через библиотеку', phone: '8 (926) 111-22-33' });
    assert.equal(cp.name, 'Через библиотеку');
    const upd = await client.PUT(['entity/counterparty', cp.id], { description: 'обновлено' });
    assert.equal(upd.description, 'обновлено');
    await assert.rejects(() => client.GET('entity/counterparty', { filter: 'nosuch=1' }), (e: any) => {
      assert.equal(e.name, 'MoyskladApiError');
      assert.equal(e.code, 1034);
      return true;
    });
    await assert.rejects(() => client.POST('entity/counterparty', [{ name: 'ok' }, { description: 'нет имени' }]), (e: any) => {
      assert.equal(e.name, 'MoyskladCollectionError');
      assert.deepEqual(e.errorsIndexes.map((x: any) => x[0]), [1]);
      return true;
    });
    const bad = Moysklad({ endpoint: `${sb.url}/api`, login: 'admin@sandbox', password: 'wrong', fetch: mapped(sb) });
    await assert.rejects(() => bad.GET('entity/store'), (e: any) => e.code === 1056);
  });
});
