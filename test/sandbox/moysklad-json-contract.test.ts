// Official example request bodies from the MoySklad docs, fed to the sandbox unchanged except for
// ids that must point at objects of this sandbox account.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { MoyskladSandbox } from '../../src/sandbox/moysklad/index.ts';
import { idOf, ms, startSmall } from './helpers-moysklad-json.ts';
import {
  OFFICIAL_COUNTERPARTY_CREATE, OFFICIAL_COUNTERPARTY_STATE_ID, OFFICIAL_ORDER_CREATE, OFFICIAL_ORDER_IDS,
  OFFICIAL_WEBHOOK_CREATE, OFFICIAL_WEBHOOK_UPDATE_FIELDS,
} from './helpers-moysklad-json-official.ts';

function swap<T>(body: T, from: string, to: string): T {
  return JSON.parse(JSON.stringify(body).split(from).join(to)) as T;
}

describe('official MoySklad example bodies against the sandbox', () => {
  let sb: MoyskladSandbox;
  before(async () => {
    sb = await startSmall();
    sb.control.state.rate.units = 1_000_000;
  });
  after(async () => sb.close());

  test('«Создать Контрагента» example 1: accepted, echoed in MoySklad shape', async () => {
    // as published, the state id belongs to the docs' account → the sandbox refuses like MoySklad would
    const foreign = await ms(sb, '/entity/counterparty', { method: 'POST', body: OFFICIAL_COUNTERPARTY_CREATE });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.errors[0].code, 1021);
    const states = (await ms(sb, '/entity/counterparty/metadata')).body.states;
    const body = swap(OFFICIAL_COUNTERPARTY_CREATE, OFFICIAL_COUNTERPARTY_STATE_ID, states[0].id);
    const r = await ms(sb, '/entity/counterparty', { method: 'POST', body });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    for (const k of ['name', 'description', 'code', 'externalCode', 'email', 'phone', 'legalTitle', 'inn', 'kpp'] as const) {
      assert.equal(r.body[k], body[k], k);
    }
    assert.deepEqual(r.body.tags, body.tags);
    assert.equal(r.body.meta.type, 'counterparty');
    assert.equal(r.body.meta.metadataHref, `${sb.baseJsonUrl}/entity/counterparty/metadata`);
    assert.equal(idOf(r.body.state.meta.href), states[0].id);
    assert.equal(r.body.priceType.meta.type, 'pricetype');
    assert.equal(r.body.contactpersons.meta.size, 0);
    assert.equal(r.body.companyType, 'legal');
    assert.equal(r.body.archived, false);
    assert.ok(r.body.owner.meta.href.includes('/entity/employee/'));
    // found by its phone as people type it and as digits
    const s = await ms(sb, `/entity/counterparty?search=${encodeURIComponent('74953312233')}`);
    assert.ok(s.body.rows.some((c: any) => c.id === r.body.id));
  });

  test('«Создать Заказ покупателя» with only the required fields', async () => {
    const agent = (await ms(sb, '/entity/counterparty?limit=1')).body.rows[0];
    const org = (await ms(sb, '/entity/organization?limit=1')).body.rows[0];
    const body = swap(swap(OFFICIAL_ORDER_CREATE, OFFICIAL_ORDER_IDS.agent, agent.id), OFFICIAL_ORDER_IDS.organization, org.id);
    const r = await ms(sb, '/entity/customerorder', { method: 'POST', body });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.match(r.body.name, /^\d{5}$/);
    assert.equal(r.body.applicable, true);
    assert.equal(r.body.sum, 0);
    assert.match(r.body.moment, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
    assert.equal(idOf(r.body.agent.meta.href), agent.id);
    assert.equal(r.body.positions.meta.type, 'customerorderposition');
    const missing = await ms(sb, '/entity/customerorder', { method: 'POST', body: { agent: body.agent } });
    assert.equal(missing.status, 412);
    assert.equal(missing.body.errors[0].code, 3000);
  });

  test('«Создать вебхук» examples (CREATE, and UPDATE with diffType FIELDS; bulk array)', async () => {
    const a = await ms(sb, '/entity/webhook', { method: 'POST', body: OFFICIAL_WEBHOOK_CREATE });
    assert.equal(a.status, 200);
    assert.equal(a.body.method, 'POST');
    assert.equal(a.body.enabled, true);
    assert.equal(a.body.entityType, 'supply');
    const b = await ms(sb, '/entity/webhook', { method: 'POST', body: OFFICIAL_WEBHOOK_UPDATE_FIELDS });
    assert.equal(b.status, 200);
    assert.equal(b.body.diffType, 'FIELDS');
    const bulk = await ms(sb, '/entity/webhook', { method: 'POST', body: [{ ...OFFICIAL_WEBHOOK_CREATE, url: 'http://www.example.com/2' }, { ...OFFICIAL_WEBHOOK_CREATE, action: 'DELETE' }] });
    assert.equal(bulk.body.length, 2);
    assert.ok(bulk.body.every((w: any) => w.meta.type === 'webhook'));
    const list = await ms(sb, '/entity/webhook');
    assert.equal(list.body.meta.size, 4);
  });
});
