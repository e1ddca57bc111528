// The foundation's contract, run against embedded PGlite and against a real PostgreSQL server:
// the same program, over real HTTP, must behave identically on both.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { tables } from '../../src/db/index.ts';
import { defineJob } from '../../src/queue/index.ts';
import { INBOX_PROCESS_JOB } from '../../src/inbox/index.ts';
import { ApiClient, startTestApp, type TestApp } from '../helpers/app.ts';
import { postgresSkip } from '../helpers/postgres.ts';

const until = async (what: string, fn: () => Promise<boolean>, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`foundation on ${kind}`, { skip: kind === 'postgres' ? await postgresSkip() : false }, () => {
    let app: TestApp;
    let admin: ApiClient;

    before(async () => {
      app = await startTestApp({ db: kind });
      admin = new ApiClient(app.url);
      await admin.login();
    });
    after(async () => {
      await app?.close();
    });

    test('login: wrong password is 401, no cookie is 401, a session sees /me', async () => {
      const anon = new ApiClient(app.url);
      assert.equal((await anon.req('GET', '/api/v1/me')).status, 401);
      const bad = await anon.req('POST', '/api/v1/auth/login', { email: 'admin@example.test', password: 'nope' });
      assert.equal(bad.status, 401);
      const me = await admin.req('GET', '/api/v1/me');
      assert.equal(me.status, 200);
      assert.equal(me.json.user.email, 'admin@example.test');
      assert.equal(me.json.isOperator, true);
      assert.equal(me.json.user.passwordHash, undefined);
    });

    test('credentials: the secret goes in encrypted and never comes back out', async () => {
      const secret = `phone-key-${kind}-7f3a9c1e55d04b2a`;
      const created = await admin.req('POST', '/api/v1/credentials', { kind: 'moysklad-phone-key', name: 'Телефония', secret });
      assert.equal(created.status, 201);
      assert.ok(!created.text.includes(secret));
      const list = await admin.req('GET', '/api/v1/credentials');
      assert.ok(!list.text.includes(secret));
      assert.equal(list.json.find((c: any) => c.id === created.json.id).hasSecret, true);
      const [row] = await app.ctx.database.db.select().from(tables.credentials).where(eq(tables.credentials.id, created.json.id));
      assert.ok(row && !row.secretCiphertext.includes(secret) && !Buffer.from(row.secretCiphertext, 'base64').includes(secret));
      const revealed = await app.ctx.credentials.reveal(created.json.accountId ?? row.accountId, created.json.id);
      assert.equal(revealed?.secret, secret);
      // A new secret bumps the version (workers use it to retry after "credentials rejected").
      const patched = await admin.req('PATCH', `/api/v1/credentials/${created.json.id}`, { secret: secret + '-2' });
      assert.equal(patched.json.version, 2);
      assert.ok(!app.logs.join('').includes(secret));
      const basicNoLogin = await admin.req('POST', '/api/v1/credentials', { kind: 'moysklad-basic', name: 'x', secret: 'p' });
      assert.equal(basicNoLogin.status, 400);
      assert.match(basicNoLogin.json.error.message, /login/);
    });

    test('tenants never see each other', async () => {
      const mine = await admin.req('POST', '/api/v1/credentials', { kind: 'uis-api-key', name: 'UIS', secret: 'uis-secret-value-1' });
      const integ = await admin.req('POST', '/api/v1/integrations', { kind: 'moysklad-telephony', credentialIds: { uis: mine.json.id } });
      assert.equal(integ.status, 201);
      const other = await admin.req('POST', '/api/v1/accounts', { name: `Other ${kind}`, owner: { email: `owner-${kind}@b.test`, password: 'other password 1' } });
      assert.equal(other.status, 201);
      const b = new ApiClient(app.url);
      await b.login(`owner-${kind}@b.test`, 'other password 1');
      assert.deepEqual((await b.req('GET', '/api/v1/credentials')).json, []);
      assert.deepEqual((await b.req('GET', '/api/v1/integrations')).json, []);
      assert.equal((await b.req('GET', `/api/v1/credentials/${mine.json.id}`)).status, 404);
      assert.equal((await b.req('PATCH', `/api/v1/integrations/${integ.json.id}`, { name: 'hijack' })).status, 404);
      assert.equal((await b.req('DELETE', `/api/v1/credentials/${mine.json.id}`)).status, 404);
      // B cannot use A's credential in its own integration.
      const steal = await b.req('POST', '/api/v1/integrations', { kind: 'moysklad-telephony', credentialIds: { uis: mine.json.id } });
      assert.equal(steal.status, 400);
      assert.equal((await b.req('GET', '/api/v1/accounts')).status, 403);
      assert.equal((await b.req('GET', '/api/v1/me', undefined, { 'x-account-id': integ.json.id })).status, 403);
      // The operator may act for B explicitly.
      const asB = await admin.req('GET', '/api/v1/account', undefined, { 'x-account-id': other.json.account.id });
      assert.equal(asB.json.name, `Other ${kind}`);
    });

    test('integrations: validation names the field; secret URLs rotate', async () => {
      const noKey = await admin.req('POST', '/api/v1/integrations', { kind: 'moysklad-telephony', active: true });
      assert.equal(noKey.status, 400);
      assert.match(noKey.json.error.message, /credentialIds\.phoneKey/);
      const typo = await admin.req('POST', '/api/v1/integrations', { kind: 'moysklad-telephony', settings: { showInternallCalls: true } });
      assert.equal(typo.status, 400);
      assert.match(typo.json.error.message, /settings/);
      const uis = await admin.req('POST', '/api/v1/credentials', { kind: 'uis-api-key', name: 'UIS 2', secret: 'k' });
      const wrongKind = await admin.req('POST', '/api/v1/integrations', { kind: 'moysklad-telephony', credentialIds: { phoneKey: uis.json.id } });
      assert.equal(wrongKind.status, 400);
      assert.match(wrongKind.json.error.message, /phoneKey.*kind/);
      const key = await admin.req('POST', '/api/v1/credentials', { kind: 'moysklad-phone-key', name: 'K', secret: 'k2' });
      const ok = await admin.req('POST', '/api/v1/integrations', {
        kind: 'moysklad-telephony',
        active: true,
        credentialIds: { phoneKey: key.json.id },
        settings: { showInternalCalls: true },
      });
      assert.equal(ok.status, 201);
      assert.equal(ok.json.settings.showInternalCalls, true);
      assert.equal(ok.json.settings.clickToCallSignature, 'log');
      const webhookUrl: string = ok.json.hookUrls.webhookUrl;
      const secret = webhookUrl.split('/hooks/moysklad/')[1]!.split('/')[0]!;
      assert.ok(Buffer.from(secret, 'base64url').length >= 16, 'secret has at least 128 bits');

      const local = (u: string) => u.replace(app.config.publicUrl, app.url);
      const before = await fetch(local(`${ok.json.hookUrls.uisNotificationsBase}/call-start`), { method: 'POST', body: '{}' });
      assert.equal(before.status, 200);
      const rotated = await admin.req('POST', `/api/v1/integrations/${ok.json.id}/rotate-secret`);
      assert.notEqual(rotated.json.hookUrls.webhookUrl, webhookUrl);
      const old = await fetch(local(`${ok.json.hookUrls.uisNotificationsBase}/call-start`), { method: 'POST', body: '{}' });
      assert.equal(old.status, 404);
    });

    test('intake: raw input stored before the answer, secret scrubbed, unknown secret = unknown path', async () => {
      const key = await admin.req('POST', '/api/v1/credentials', { kind: 'moysklad-phone-key', name: 'K3', secret: 'k3' });
      const integ = await admin.req('POST', '/api/v1/integrations', { kind: 'moysklad-telephony', credentialIds: { phoneKey: key.json.id } });
      const base = integ.json.hookUrls.uisNotificationsBase.replace(app.config.publicUrl, app.url);
      const secret = base.split('/').pop();
      const garbage = '{"call_session_id": {{call_session_id}}, "broken": ';
      const res = await fetch(`${base}/call-start?x=1`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body: garbage });
      assert.equal(res.status, 200);
      const list = await admin.req('GET', `/api/v1/inbox?integrationId=${integ.json.id}`);
      const item = list.json.items[0];
      assert.equal(item.body, garbage);
      assert.equal(item.event, 'call-start');
      assert.equal(item.query, 'x=1');
      assert.ok(!item.path.includes(secret) && item.path.includes(':secret'));
      assert.equal(item.headers.authorization, undefined);
      assert.ok(!app.logs.join('').includes(secret), 'hook secret never logged');

      const unknown = await fetch(`${app.url}/hooks/uis/not-a-secret/call-start`, { method: 'POST', body: 'x' });
      const nowhere = await fetch(`${app.url}/no/such/path`, { method: 'POST', body: 'x' });
      assert.equal(unknown.status, 404);
      assert.equal(await unknown.text(), await nowhere.text());
    });

    test('inbox processing: once in effect, garbage kept with its reason, failures retried', async () => {
      const seen: number[] = [];
      let failOnce = true;
      app.ctx.processors.register({
        source: `test-${kind}`,
        async process(item, { tx }) {
          if (item.body === 'garbage') return { status: 'unparseable', reason: 'not JSON: unexpected token g' };
          if (item.body === 'flaky' && failOnce) {
            failOnce = false;
            throw new Error('transient');
          }
          seen.push(item.id);
          await tx.execute(sql`select 1`);
          return { status: 'processed' };
        },
      });
      const [account] = await app.ctx.accounts.list();
      const base = { accountId: account!.id, source: `test-${kind}`, method: 'POST', path: '/t', headers: {} };
      const a = await app.ctx.intake.accept({ ...base, body: 'hello' });
      const g = await app.ctx.intake.accept({ ...base, body: 'garbage' });
      const f = await app.ctx.intake.accept({ ...base, body: 'flaky' });
      // A redelivery of the same item must not run the processor again.
      await app.ctx.queue.send(INBOX_PROCESS_JOB, { inboxId: a });
      const status = async (id: number) => (await app.ctx.inbox.get(account!.id, id))?.status;
      await until('items settled', async () => (await status(a)) === 'processed' && (await status(g)) === 'unparseable' && (await status(f)) === 'processed', 30_000);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(seen.filter((id) => id === a), [a]);
      const shown = await admin.req('GET', `/api/v1/inbox/${g}`);
      assert.equal(shown.json.reason, 'not JSON: unexpected token g');
      assert.equal(shown.json.body, 'garbage');
      assert.equal((await admin.req('GET', '/api/v1/inbox?status=unparseable')).json.items.some((i: any) => i.id === g), true);
    });

    test('queue: enqueue commits and rolls back with the transaction; exhausted jobs reach the dead-letter queue', async () => {
      const ran: string[] = [];
      const name = `test.${kind}.tx`;
      await app.ctx.queue.register([
        defineJob<{ v: string }>({ name, queue: { retryLimit: 1, retryDelay: 1, retryBackoff: false }, notify: true, handler: async ({ v }) => {
          if (v === 'poison') throw new Error('always fails');
          ran.push(v);
        } }),
      ]);
      await app.ctx.queue.work([name]);
      await assert.rejects(
        app.ctx.database.db.transaction(async (tx) => {
          await app.ctx.queue.send(name, { v: 'rolled-back' }, {}, tx);
          throw new Error('abort');
        }),
      );
      await app.ctx.database.db.transaction(async (tx) => {
        await app.ctx.queue.send(name, { v: 'committed' }, {}, tx);
      });
      await app.ctx.queue.send(name, { v: 'poison' });
      await until('committed job ran', async () => ran.includes('committed'));
      await until('poison in dead letters', async () => (await app.ctx.queue.boss.findJobs(`${name}.dead`)).length === 1, 30_000);
      assert.deepEqual(ran, ['committed']);
    });

    test('retention removes settled inbox items past the cut-off and keeps unprocessed ones', async () => {
      const [account] = await app.ctx.accounts.list();
      const db = app.ctx.database.db;
      const old = new Date(Date.now() - 40 * 86400_000);
      const rows = await db
        .insert(tables.inbox)
        .values([
          { accountId: account!.id, source: 'x', method: 'POST', path: '/', headers: {}, body: 'old settled', status: 'processed', receivedAt: old },
          { accountId: account!.id, source: 'x', method: 'POST', path: '/', headers: {}, body: 'old pending', status: 'received', receivedAt: old },
        ])
        .returning({ id: tables.inbox.id });
      assert.ok((await app.ctx.inbox.purgeOlderThan(30)) >= 1);
      assert.equal(await app.ctx.inbox.get(account!.id, rows[0]!.id), undefined);
      assert.ok(await app.ctx.inbox.get(account!.id, rows[1]!.id));
    });

    test('operations: readiness, metrics, OpenAPI, request ids', async () => {
      const ready = await fetch(`${app.url}/readyz`);
      assert.equal(ready.status, 200);
      assert.equal(((await ready.json()) as any).database, kind);
      const metrics = await (await fetch(`${app.url}/metrics`)).text();
      assert.match(metrics, /uis_moysklad_http_requests_total\{/);
      assert.match(metrics, /uis_moysklad_queue_jobs\{queue="inbox.process"/);
      assert.match(metrics, /uis_moysklad_jobs_total\{/);
      const spec = (await (await fetch(`${app.url}/api/openapi.json`)).json()) as any;
      assert.ok(spec.paths['/api/v1/credentials'] && spec.paths['/api/v1/integrations/{id}']);
      const withId = await fetch(`${app.url}/healthz`, { headers: { 'x-request-id': 'trace-123' } });
      assert.equal(withId.headers.get('x-request-id'), 'trace-123');
    });

    test('API tokens authenticate automation for one account and are shown once', async () => {
      const created = await admin.req('POST', '/api/v1/api-tokens', { name: 'ci' });
      assert.equal(created.status, 201);
      assert.match(created.json.token, /^usm_/);
      const bot = new ApiClient(app.url, { authorization: `Bearer ${created.json.token}` });
      assert.equal((await bot.req('GET', '/api/v1/credentials')).status, 200);
      const listed = await admin.req('GET', '/api/v1/api-tokens');
      assert.ok(!listed.text.includes(created.json.token));
      await admin.req('DELETE', `/api/v1/api-tokens/${created.json.apiToken.id}`);
      assert.equal((await bot.req('GET', '/api/v1/credentials')).status, 401);
    });
  });
}
