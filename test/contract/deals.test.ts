// Deals against the MoySklad sandbox over real HTTP, on PGlite and PostgreSQL: the backfill of a
// seeded account must equal the sandbox's truth; webhooks (incl. repeats), dropped webhooks
// (caught by reconciliation), stage history, listing, CSV and attribution.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { dealsModule, reconcile, runBackfill, SqlCommunicationsIndex } from '../../src/deals/index.ts';
import { JsonApiClient, idFromHref, type Counterparty, type CustomerOrder } from '../../src/moysklad/index.ts';
import { extractPhones } from '../../src/phone/index.ts';
import { startMoyskladSandbox, type MoyskladSandbox } from '../../src/sandbox/moysklad/index.ts';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { postgresSkip } from '../helpers/postgres.ts';

const ORDERS = 3000;

const until = async (what: string, fn: () => Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

type Truth = { orders: Map<string, CustomerOrder>; contacts: Map<string, Counterparty> };

/** The sandbox's data read with the solution token (another principal than the integration's). */
async function readTruth(client: JsonApiClient): Promise<Truth> {
  const orders = new Map<string, CustomerOrder>();
  for await (const o of client.iterate('customerorder', { limit: 1000 })) orders.set(o.id, o);
  const contacts = new Map<string, Counterparty>();
  for await (const c of client.iterate('counterparty', { expand: 'contactpersons', filter: { archived: [true, false] } })) contacts.set(c.id, c);
  return { orders, contacts };
}

const phonesOf = (c: Counterparty) =>
  [...new Set([...extractPhones(c.phone), ...(c.contactpersons?.rows ?? []).flatMap((p) => extractPhones(p.phone))])].sort();

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`deals on ${kind}`, { skip: kind === 'postgres' ? await postgresSkip() : false }, () => {
    let sandbox: MoyskladSandbox;
    let app: TestApp;
    let api: ApiClient;
    let truthClient: JsonApiClient;
    let integrationId: string;
    let accountId: string;
    let ref: (type: string, id: string) => { meta: { href: string; type: string; mediaType: string } };

    before(async () => {
      sandbox = await startMoyskladSandbox({ seed: { orders: ORDERS, seed: 11 } });
      const port = await freePort();
      app = await startTestApp({
        db: kind,
        env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, MOYSKLAD_API_URL: sandbox.baseJsonUrl },
      });
      api = new ApiClient(app.url);
      await api.login();
      const acc = sandbox.control.accounts.get('sandbox')!;
      truthClient = new JsonApiClient({ auth: { kind: 'bearer', token: acc.solutionToken }, baseUrl: sandbox.baseJsonUrl, principal: 'truth' });
      ref = (type, id) => truthClient.ref(type, id);
      const cred = await api.req('POST', '/api/v1/credentials', { kind: 'moysklad-basic', name: 'МойСклад', login: acc.login, secret: acc.password });
      assert.equal(cred.status, 201);
      // The seed's flow: switch on «МойСклад — передача сделок», authorise, save.
      const created = await api.req('POST', '/api/v1/integrations', { kind: 'moysklad-deals', active: true, credentialIds: { moysklad: cred.json.id } });
      assert.equal(created.status, 201, created.text);
      integrationId = created.json.id;
      accountId = (await api.req('GET', '/api/v1/me')).json.user.accountId;
      await until('backfill to finish', async () => {
        const s = await api.req('GET', '/api/v1/deals/sync');
        return s.json?.[0]?.phase === 'live';
      }, 40_000).catch(async (err) => {
        process.stderr.write(JSON.stringify((await api.req('GET', '/api/v1/deals/sync')).json) + '\n');
        process.stderr.write(app.logs.filter((l) => /"level":(40|50)/.test(l)).slice(-10).join('') + '\n');
        throw err;
      });
    });
    after(async () => {
      await app?.close();
      await sandbox?.close();
    });

    test('backfill equals the sandbox: counts, sums, states, owners, stores, contacts and their phones', async () => {
      const truth = await readTruth(truthClient);
      assert.equal(truth.orders.size, ORDERS);
      const ours = new Map<string, any>();
      let cursor: string | undefined;
      do {
        const r = await api.req('GET', `/api/v1/analytics/deals?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(r.status, 200);
        for (const d of r.json.items) ours.set(d.id, d);
        cursor = r.json.nextCursor ?? undefined;
      } while (cursor);
      assert.equal(ours.size, truth.orders.size);
      let truthSum = 0;
      let ourSum = 0;
      for (const [id, o] of truth.orders) {
        const d = ours.get(id);
        assert.ok(d, `order ${o.name} missing`);
        truthSum += o.sum ?? 0;
        ourSum += d.sum;
        assert.equal(d.stage?.id, idFromHref(o.state!.meta.href));
        assert.ok(d.stage.name, 'stage joined by name');
        assert.equal(d.manager?.id, idFromHref(o.owner!.meta.href));
        assert.ok(d.manager.name, 'manager joined by name');
        assert.equal(d.store?.id, o.store ? idFromHref(o.store.meta.href) : undefined);
        assert.equal(d.salesChannel?.id ?? null, o.salesChannel ? idFromHref(o.salesChannel.meta.href) : null);
        assert.equal(d.contact?.id, idFromHref(o.agent!.meta.href));
      }
      assert.equal(ourSum, truthSum);
      // Contacts: normalised phones of the counterparty and its contact persons.
      const contacts = new Map<string, any>();
      cursor = undefined;
      do {
        const r = await api.req('GET', `/api/v1/analytics/contacts?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
        for (const c of r.json.items) contacts.set(c.id, c);
        cursor = r.json.nextCursor ?? undefined;
      } while (cursor);
      let withPersons = 0;
      for (const [id, c] of truth.contacts) {
        const mine = contacts.get(id);
        assert.ok(mine, `counterparty ${c.name} missing`);
        assert.deepEqual([...mine.phones].sort(), phonesOf(c), `phones of ${c.name}`);
        if ((c.contactpersons?.rows ?? []).length) withPersons++;
      }
      assert.ok(withPersons > 0);
      // Stages with outcomes.
      const stages = (await api.req('GET', '/api/v1/deals/stages')).json;
      assert.deepEqual(stages.filter((s: any) => s.outcome === 'won').map((s: any) => s.name), ['Доставлен']);
      assert.equal(stages.filter((s: any) => s.outcome === 'lost').length, 2);
      // Efficiency: full pages, refs once; never /security/token.
      const counters = sandbox.control.counters.get('sandbox');
      assert.equal(Object.keys(counters).filter((k) => k.includes('security')).length, 0);
      const sync = (await api.req('GET', '/api/v1/deals/sync')).json[0];
      assert.equal(sync.progress.orders.done, ORDERS);
      assert.ok(sync.requests <= 3 + 1 + 2 * 5 + 1 + 10, `backfill used ${sync.requests} requests`);
      assert.equal(sync.authKind, 'basic');
      assert.match(sync.notice, /токен/);
      assert.deepEqual(sync.webhooks, ['counterparty:CREATE', 'counterparty:DELETE', 'counterparty:UPDATE', 'customerorder:CREATE', 'customerorder:DELETE', 'customerorder:UPDATE']);
    });

    test('webhooks: create, stage moves, delete arrive; the stage history records each change', async () => {
      const states = await truthClient.getStates('customerorder');
      const [s0, s1, s2] = [states[0]!, states[1]!, states[4]!];
      const agent = [...(await truthClient.list('counterparty', { limit: 1 })).rows][0]!;
      const org = (await truthClient.list('organization', { limit: 1 })).rows[0]!;
      const o = sandbox.control.admin.create('sandbox', 'customerorder', {
        agent: ref('counterparty', agent.id), organization: ref('organization', org.id), state: { meta: { ...s0.meta } },
      }) as { id: string };
      await until('created order to arrive', async () => (await api.req('GET', `/api/v1/deals/${o.id}`)).status === 200);
      const sync = (await api.req('GET', '/api/v1/deals/sync')).json[0];
      assert.ok(sync.lastWebhookAt, 'last webhook time shown');
      assert.equal(sync.newestDeal.id, o.id, 'the test deal is the newest');
      sandbox.control.admin.update('sandbox', 'customerorder', o.id, { state: { meta: { ...s1.meta } } });
      await until('stage 1', async () => (await api.req('GET', `/api/v1/deals/${o.id}`)).json.stage.id === s1.id);
      sandbox.control.admin.update('sandbox', 'customerorder', o.id, { state: { meta: { ...s2.meta } } });
      await until('stage 2', async () => (await api.req('GET', `/api/v1/deals/${o.id}`)).json.stage.id === s2.id);
      const deal = (await api.req('GET', `/api/v1/deals/${o.id}`)).json;
      assert.deepEqual(deal.stageHistory.map((h: any) => h.stageId), [s0.id, s1.id, s2.id]);
      assert.equal(deal.stage.outcome, 'won');
      assert.ok(deal.stageHistory[0].leftAt && deal.stageHistory[1].leftAt && !deal.stageHistory[2].leftAt);
      sandbox.control.admin.delete('sandbox', 'customerorder', o.id);
      await until('delete to be marked', async () => (await api.req('GET', `/api/v1/deals/${o.id}`)).json.deletedAt !== null);
      const listed = await api.req('GET', `/api/v1/deals?limit=500&sort=created`);
      assert.ok(!listed.json.items.some((d: any) => d.id === o.id), 'deleted deals are hidden by default');
      const withDeleted = await api.req('GET', `/api/v1/deals?limit=5&sort=created&includeDeleted=true`);
      assert.ok(withDeleted.json.items.some((d: any) => d.id === o.id), 'but kept');
    });

    test('a webhook repeated with the same requestId is read once', async () => {
      const integration = await app.ctx.integrationsRepo.get(accountId, integrationId);
      const url = `${app.url}/hooks/moysklad/${integration!.hookSecret}/webhook?requestId=dup-${kind}-1`;
      const some = (await truthClient.list('customerorder', { limit: 1 })).rows[0]!;
      const body = JSON.stringify({ auditContext: { moment: '2026-11-01 10:00:00', uid: 'admin@sandbox' }, events: [{ meta: { type: 'customerorder', href: some.meta.href }, action: 'UPDATE', accountId: 'x' }] });
      const before = (await dealsModule(app.ctx).deps.repo.getSync(integrationId))!.requests;
      const post = async () => {
        const t0 = performance.now();
        const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        assert.equal(r.status, 200);
        assert.ok(performance.now() - t0 < 1500, 'answered well under 1500 ms');
      };
      await post();
      await until('follow-up read', async () => (await dealsModule(app.ctx).deps.repo.getSync(integrationId))!.requests === before + 1);
      await post();
      await post();
      await until('repeats settled', async () => {
        const r = await app.ctx.database.db.execute(sql`select count(*)::int as n from inbox where query like ${'%dup-' + kind + '-1%'} and status = 'processed'`);
        return Number((r as any).rows[0].n) === 3;
      });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await dealsModule(app.ctx).deps.repo.getSync(integrationId))!.requests, before + 1);
    });

    test('dropped webhooks: reconciliation catches creates, stage changes and deletes', async () => {
      const acc = sandbox.control.accounts.get('sandbox')!;
      // Writes that suppress our webhooks: MoySklad would have dropped these deliveries.
      const silent = new JsonApiClient({
        auth: { kind: 'basic', login: acc.login, password: acc.password },
        baseUrl: sandbox.baseJsonUrl,
        principal: 'silent',
        webhookDisablePrefix: `${app.url.replace('localhost', '127.0.0.1')}/hooks/`,
      });
      const states = await truthClient.getStates('customerorder');
      const existing = (await truthClient.list('customerorder', { limit: 3, offset: 100 })).rows;
      const [moved, gone] = [existing[0]!, existing[1]!];
      const newState = states.find((s) => s.id !== idFromHref(moved.state!.meta.href) && s.stateType === 'Unsuccessful')!;
      await silent.update('customerorder', moved.id, { state: { meta: newState.meta } });
      await silent.remove('customerorder', gone.id);
      const created = await silent.create('customerorder', { agent: moved.agent, organization: moved.organization, state: moved.state });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await api.req('GET', `/api/v1/deals/${created.id}`)).status, 404, 'no webhook came');
      const m = dealsModule(app.ctx);
      const integration = (await app.ctx.integrationsRepo.get(accountId, integrationId))!;
      const r = await reconcile(m.deps, integration);
      assert.equal(r.swept, true, 'the count mismatch triggers a sweep');
      assert.equal((await api.req('GET', `/api/v1/deals/${created.id}`)).status, 200);
      const movedDeal = (await api.req('GET', `/api/v1/deals/${moved.id}`)).json;
      assert.equal(movedDeal.stage.id, newState.id);
      assert.equal(movedDeal.stage.outcome, 'lost');
      assert.equal(movedDeal.stageHistory.at(-1).source, 'reconcile');
      assert.ok((await api.req('GET', `/api/v1/deals/${gone.id}`)).json.deletedAt);
      // A second run finds nothing to sweep.
      assert.equal((await reconcile(m.deps, integration)).swept, false);
    });

    test('listing: filters, sorting and cursor paging agree with the data; CSV has every row', async () => {
      const truth = await readTruth(truthClient);
      const all: any[] = [];
      let cursor: string | undefined;
      do {
        const r = await api.req('GET', `/api/v1/deals?limit=500&sort=sum&dir=desc${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(r.status, 200);
        all.push(...r.json.items);
        cursor = r.json.nextCursor ?? undefined;
      } while (cursor);
      assert.equal(all.length, truth.orders.size);
      assert.equal(new Set(all.map((d) => d.id)).size, all.length, 'no duplicates across pages');
      for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].sum >= all[i].sum, 'sorted by sum desc');
      const one = [...truth.orders.values()][7]!;
      const stageId = idFromHref(one.state!.meta.href);
      const managerId = idFromHref(one.owner!.meta.href);
      const from = new Date(Date.parse('2026-03-01T00:00:00Z'));
      const expected = [...truth.orders.values()].filter(
        (o) => idFromHref(o.state!.meta.href) === stageId && idFromHref(o.owner!.meta.href) === managerId && Date.parse(o.moment!.replace(' ', 'T') + '+03:00') >= from.getTime(),
      );
      const filtered = await api.req('GET', `/api/v1/deals?limit=500&stage=${stageId}&manager=${managerId}&from=${from.toISOString()}&sort=moment&dir=asc`);
      assert.deepEqual(filtered.json.items.map((d: any) => d.id).sort(), expected.map((o) => o.id).sort());
      assert.ok(expected.length > 0);
      const won = await api.req('GET', `/api/v1/deals?limit=1&outcome=won`);
      assert.equal(won.json.items[0].stage.outcome, 'won');
      assert.equal((await api.req('GET', `/api/v1/deals?cursor=garbage`)).status, 400);
      const csv = await api.req('GET', `/api/v1/deals/export.csv`);
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
      const lines = csv.text.split('\r\n').filter(Boolean);
      assert.equal(lines.length, truth.orders.size + 1);
      assert.match(lines[0]!, /Номер;Дата;Сумма/);
    });

    test('the analytics feed pages past rows stamped with microseconds (database now())', async () => {
      // Ten deals share one change time with microseconds, as the column default writes it.
      await app.ctx.database.db.execute(sql`
        update deals set changed_at = now() + interval '1 day'
        where id in (select id from deals where account_id = ${accountId} order by id limit 10)`);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 50; page++) {
        const r = await api.req('GET', `/api/v1/analytics/deals?limit=3&updatedSince=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(r.status, 200, r.text);
        seen.push(...r.json.items.map((d: { id: string }) => d.id));
        cursor = r.json.nextCursor ?? undefined;
        if (!cursor) break;
      }
      assert.equal(cursor, undefined, 'paging ended');
      assert.equal(seen.length, 10);
      assert.equal(new Set(seen).size, 10);
    });

    test('attribution: deals are linked to the calls of their counterparty; revenue by UTM source', async () => {
      const m = dealsModule(app.ctx);
      const index = new SqlCommunicationsIndex(app.ctx.database.db);
      const truth = await readTruth(truthClient);
      const cp = [...truth.contacts.values()].find((c) => phonesOf(c).length > 0 && [...truth.orders.values()].some((o) => o.agent && idFromHref(o.agent.meta.href) === c.id))!;
      const phone = phonesOf(cp)[0]!;
      const theirOrders = [...truth.orders.values()].filter((o) => idFromHref(o.agent!.meta.href) === cp.id);
      const early = new Date('2020-01-01T00:00:00Z');
      // A call long before every order (first touch) and a chat from a messy spelling later (last touch).
      await index.record(accountId, { channel: 'call', phone, occurredAt: early, campaign: 'Бренд', utmSource: 'yandex', utmMedium: 'cpc', utmCampaign: 'brand', site: 'shop.ru', externalRef: `call-${kind}-1` });
      await index.record(accountId, { channel: 'chat', phone: `8 (${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8, 10)}-${phone.slice(10)}`, occurredAt: new Date('2020-06-01T00:00:00Z'), campaign: null, utmSource: 'vk', utmMedium: null, utmCampaign: null, site: null, externalRef: `chat-${kind}-1` });
      const first = await api.req('GET', `/api/v1/deals/report/attribution?by=utm_source&touch=first`);
      const last = await api.req('GET', `/api/v1/deals/report/attribution?by=channel&touch=last`);
      const revenue = theirOrders.reduce((s, o) => s + (o.sum ?? 0), 0);
      const yandex = first.json.rows.find((r: any) => r.key === 'yandex');
      assert.equal(yandex.deals, theirOrders.length);
      assert.equal(yandex.revenue, revenue);
      assert.equal(last.json.rows.find((r: any) => r.key === 'chat').deals, theirOrders.length);
      const total = first.json.rows.reduce((s: number, r: any) => s + r.deals, 0);
      assert.equal(total, truth.orders.size, 'every live deal is counted once');
      const deal = (await api.req('GET', `/api/v1/deals/${theirOrders[0]!.id}`)).json;
      assert.equal(deal.attribution.first.utmSource, 'yandex');
      assert.equal(deal.attribution.last.channel, 'chat');
      void m;
    });

    test('resume: a backfill interrupted by a failure continues at the page it stopped', async () => {
      const m = dealsModule(app.ctx);
      const integration = (await app.ctx.integrationsRepo.get(accountId, integrationId))!;
      await m.deps.repo.startBackfill({ integrationId, accountId });
      // Run until the orders phase has committed its first batch.
      while (true) {
        await runBackfill({ ...m.deps, backfillParallel: 1 }, integration, Date.now());
        const s = (await m.deps.repo.getSync(integrationId))!;
        if (s.phase === 'orders' && s.cursor > 0) break;
      }
      const mid = (await m.deps.repo.getSync(integrationId))!;
      sandbox.control.counters.reset();
      const fault = sandbox.control.faults.add({ path: '/api/remap/1.2/entity/customerorder', method: 'GET', fault: { kind: 'status', status: 500 }, times: 1 });
      await assert.rejects(runBackfill({ ...m.deps, backfillParallel: 1 }, integration, Date.now() + 30_000));
      sandbox.control.faults.remove(fault);
      assert.equal((await m.deps.repo.getSync(integrationId))!.cursor, mid.cursor, 'the failed page did not move the cursor');
      assert.equal(await runBackfill(m.deps, integration, Date.now() + 30_000), true);
      const end = (await m.deps.repo.getSync(integrationId))!;
      assert.equal(end.phase, 'live');
      const pagesLeft = Math.ceil((mid.progress['customerorder']!.total - mid.cursor) / 1000);
      const read = sandbox.control.counters.get('sandbox')['GET /api/remap/1.2/entity/customerorder']?.count ?? 0;
      assert.equal(read, pagesLeft + 1, 'only the remaining pages (and the failed one once more) were read');
      assert.equal(await m.deps.repo.countLiveDeals(integrationId), ORDERS);
    });
  });
}
