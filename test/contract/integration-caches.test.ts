// In-process caches of integration rows on the hot paths (intake's secret lookup, the call
// reconciler's integration access): a cached entry past its time still answers at once while one
// refresh runs in the background; a change made in this process is seen at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { AccountsRepository, CredentialsRepository } from '../../src/accounts/index.ts';
import { openDatabase, runMigrations, tables, type Database } from '../../src/db/index.ts';
import { IntegrationsRepository } from '../../src/integrations/index.ts';
import { passThroughGate } from '../../src/moysklad/index.ts';
import { IntegrationAccessCache } from '../../src/telephony/calls/integration-access.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('integration caches (embedded database)', () => {
  let database: Database;
  before(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
  });
  after(async () => database.close());

  /** What another process does: the row changes under this process's caches. */
  const renameElsewhere = (id: string, name: string) =>
    database.db.update(tables.integrations).set({ name }).where(eq(tables.integrations.id, id));

  test('hook secret: stale entry answers at once, one background lookup refreshes it; own changes apply at once', async () => {
    const account = await new AccountsRepository(database.db).create('secret cache');
    const repo = new IntegrationsRepository(database.db, { secretCacheMs: 50 });
    const row = await repo.create(account.id, { kind: 'moysklad-telephony', name: 'v1', active: true, credentialIds: {}, settings: {} });
    assert.equal((await repo.findByHookSecret(row.hookSecret))?.name, 'v1');
    await renameElsewhere(row.id, 'v2');
    assert.equal((await repo.findByHookSecret(row.hookSecret))?.name, 'v1', 'fresh entry: no query');
    await sleep(60);
    const stale = await Promise.all([repo.findByHookSecret(row.hookSecret), repo.findByHookSecret(row.hookSecret)]);
    assert.deepEqual(stale.map((r) => r?.name), ['v1', 'v1'], 'past its time, the entry still answers without waiting');
    await sleep(30);
    assert.equal((await repo.findByHookSecret(row.hookSecret))?.name, 'v2', 'the background lookup replaced it');
    await repo.update(account.id, row.id, { name: 'v3' });
    assert.equal((await repo.findByHookSecret(row.hookSecret))?.name, 'v3', 'a change made here is seen at once');

    // A refresh overlapping a change to another integration here is not cached, and not the last one.
    const other = await repo.create(account.id, { kind: 'moysklad-deals', name: 'other', active: true, credentialIds: {}, settings: {} });
    await renameElsewhere(row.id, 'v4');
    await sleep(60);
    assert.equal((await repo.findByHookSecret(row.hookSecret))?.name, 'v3', 'stale answer, refresh started');
    await repo.update(account.id, other.id, { name: 'other 2' });
    await sleep(30);
    await repo.findByHookSecret(row.hookSecret); // starts the next refresh
    await sleep(30);
    assert.equal((await repo.findByHookSecret(row.hookSecret))?.name, 'v4', 'a later refresh still happens');
  });

  test('integration access: stale entry answers at once and is replaced after one reload; forget() makes the next call wait', async () => {
    const account = await new AccountsRepository(database.db).create('access cache');
    const integrations = new IntegrationsRepository(database.db);
    const credentials = new CredentialsRepository(database.db, { key: randomBytes(32), keyId: 'test' });
    const row = await integrations.create(account.id, { kind: 'moysklad-telephony', name: 'v1', active: true, credentialIds: {}, settings: {} });
    let loads = 0;
    const counting = new Proxy(integrations, {
      get: (target, prop, receiver) =>
        prop === 'get' ? (...args: Parameters<IntegrationsRepository['get']>) => (loads++, target.get(...args)) : Reflect.get(target, prop, receiver),
    });
    const cache = new IntegrationAccessCache({ integrations: counting, credentials, phoneApiUrl: 'http://127.0.0.1:1', gate: passThroughGate, cacheMs: 50 });
    const first = await cache.get(account.id, row.id);
    assert.equal(first.ready, false, 'no phone key yet');
    assert.equal(first.row?.name, 'v1');
    await renameElsewhere(row.id, 'v2');
    await sleep(60);
    const [a, b] = await Promise.all([cache.get(account.id, row.id), cache.get(account.id, row.id)]);
    assert.deepEqual([a.row?.name, b.row?.name], ['v1', 'v1'], 'past its time, the entry still answers without waiting');
    await sleep(30);
    assert.equal((await cache.get(account.id, row.id)).row?.name, 'v2', 'then the reloaded entry');
    assert.equal(loads, 2, 'one load, then one background reload for both callers');
    cache.forget(row.id);
    await renameElsewhere(row.id, 'v3');
    assert.equal((await cache.get(account.id, row.id)).row?.name, 'v3', 'forgotten: the next call waits for a load');
  });
});
