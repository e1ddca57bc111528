// The call stores on a real database: the hint-guarded session merge (both databases) and the
// in-memory store of the embedded database (what a later process trusts of an earlier one's rows).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AccountsRepository } from '../../src/accounts/index.ts';
import { openDatabase, runMigrations, type Database } from '../../src/db/index.ts';
import { IntegrationsRepository } from '../../src/integrations/index.ts';
import { CallStore } from '../../src/telephony/calls/call-store.ts';
import { ExclusiveCallStore } from '../../src/telephony/calls/exclusive-call-store.ts';
import type { UisCallEvent } from '../../src/uis/index.ts';
import { sql } from 'drizzle-orm';
import { incomingEvent } from '../helpers/call-events.ts';
import { openEmptyDatabase, postgresSkip } from '../helpers/postgres.ts';

const ev = incomingEvent;

async function world(database: Database) {
  await runMigrations(database);
  const account = await new AccountsRepository(database.db).create('store test');
  const integration = await new IntegrationsRepository(database.db).create(account.id, {
    kind: 'moysklad-telephony',
    name: 'calls',
    active: true,
    credentialIds: {},
    settings: {},
  });
  return { accountId: account.id, integrationId: integration.id };
}

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`call session merge with hints (${kind})`, { skip: kind === 'postgres' ? await postgresSkip() : false }, () => {
    let database: Database;
    let close: () => Promise<void> = async () => {};
    let ids: { accountId: string; integrationId: string };
    before(async () => {
      ({ database, close } = await openEmptyDatabase(kind));
      ids = await world(database);
    });
    after(async () => {
      await close();
    });

    test('two stores (two processes) merging into one session lose no event, stale hints included', async () => {
      const a = new CallStore(database.db);
      const b = new CallStore(database.db);
      const sid = 'merge-1';
      const apply = async (store: CallStore, e: UisCallEvent) => {
        const r = await database.db.transaction((tx) => store.applyEvent(tx, ids, e));
        if (r.wrote) store.remember(ids, r);
        return r;
      };
      await apply(a, ev(sid, 'call-start', 0));
      await apply(b, ev(sid, 'ringing', 1, { employee: { id: '1001' } })); // b has no hint: locked read
      await apply(a, ev(sid, 'ringing', 2, { employee: { id: '1002' } })); // a's hint is stale: guard falls back
      await apply(b, ev(sid, 'ringing', 3, { employee: { id: '1003' } }));
      const dup = await apply(a, ev(sid, 'ringing', 3, { employee: { id: '1003' } }));
      assert.equal(dup.wrote, false, 'a duplicate writes nothing');
      const last = await apply(a, ev(sid, 'call-end', 9, { isLost: true }));
      const [row] = ((await database.db.execute(sql`select state from call_sessions where call_session_id = ${sid}`)) as unknown as { rows: Array<{ state: { events: unknown[]; employees: Array<{ employeeId?: string }> } | string }> }).rows;
      const state = typeof row!.state === 'string' ? JSON.parse(row!.state) : row!.state;
      assert.equal(state.events.length, 5);
      assert.deepEqual(state.employees.map((e: { employeeId?: string }) => e.employeeId).sort(), ['1001', '1002', '1003']);
      assert.equal(last.state.events.length, 5);
    });

    test('a duplicate merged by reading the row leaves a hint: the next one costs no statement', async () => {
      const a = new CallStore(database.db);
      const start = ev('dup-1', 'call-start', 0);
      a.remember(ids, await database.db.transaction((tx) => a.applyEvent(tx, ids, start)));
      const other = new CallStore(database.db); // another process, or this one after a race: no hint
      const counted = async (e: UisCallEvent) => {
        let statements = 0;
        const r = await database.db.transaction((tx) => {
          const watched = new Proxy(tx, {
            get(target, key) {
              const v = Reflect.get(target, key) as unknown;
              if (typeof v !== 'function') return v;
              return (...args: unknown[]) => {
                if (['select', 'insert', 'update', 'execute'].includes(String(key))) statements++;
                return (v as (...a: unknown[]) => unknown).apply(target, args);
              };
            },
          });
          return other.applyEvent(watched, ids, e);
        });
        return { wrote: r.wrote, statements };
      };
      const first = await counted(start);
      assert.equal(first.wrote, false);
      assert.ok(first.statements > 0, 'without a hint the row is read');
      assert.deepEqual(await counted(start), { wrote: false, statements: 0 });
    });

    test('a batch merges like one-by-one: new and known sessions, repeats, duplicates, and a stale hint', async () => {
      const a = new CallStore(database.db);
      const b = new CallStore(database.db);
      const applyMany = async (store: CallStore, events: UisCallEvent[]) => {
        const rs = await database.db.transaction((tx) => store.applyEvents(tx, events.map((event) => ({ ids, event }))));
        rs.forEach((r) => r.wrote && store.remember(ids, r));
        return rs;
      };
      const stored = async (sid: string) => {
        const [row] = ((await database.db.execute(sql`select state, version from call_sessions where call_session_id = ${sid}`)) as unknown as { rows: Array<{ state: unknown; version: number }> }).rows;
        const state = (typeof row!.state === 'string' ? JSON.parse(row!.state) : row!.state) as { events: unknown[]; finished: boolean };
        return { events: state.events.length, finished: state.finished, version: Number(row!.version) };
      };
      // One batch: a new call with three events (one a duplicate) and a second new call.
      const first = await applyMany(a, [
        ev('batch-1', 'call-start', 0),
        ev('batch-1', 'ringing', 1, { employee: { id: '1001' } }),
        ev('batch-2', 'call-start', 0),
        ev('batch-1', 'ringing', 1, { employee: { id: '1001' } }),
      ]);
      assert.deepEqual(first.map((r) => [r.wrote, r.inserted === true]), [[true, true], [true, false], [true, true], [false, false]]);
      assert.equal(first[1]!.version, first[0]!.version + (first[1]!.changed ? 1 : 0));
      assert.deepEqual(await stored('batch-1'), { events: 2, finished: false, version: first[1]!.version });
      // Another process (b, no hints) adds an event to batch-2: a's hint of batch-2 is now stale.
      await database.db.transaction((tx) => b.applyEvent(tx, ids, ev('batch-2', 'ringing', 2, { employee: { id: '1002' } })));
      const second = await applyMany(a, [ev('batch-1', 'call-end', 9, { isLost: true }), ev('batch-2', 'call-end', 9, { isLost: true })]);
      assert.ok(second.every((r) => r.wrote && r.finished));
      assert.deepEqual(await stored('batch-1'), { events: 3, finished: true, version: second[0]!.version });
      // The stale hint was not trusted: b's event is kept and a's was merged onto it.
      assert.equal((await stored('batch-2')).events, 3);
      assert.equal(second[1]!.state.events.length, 3);
      // A process without hints (restart) sees existing sessions: its inserts do not take, it merges by reading.
      const third = await applyMany(new CallStore(database.db), [ev('batch-1', 'ringing', 3, { employee: { id: '1003' } }), ev('batch-1', 'call-end', 9, { isLost: true })]);
      assert.deepEqual(third.map((r) => r.wrote), [true, false]);
      assert.equal((await stored('batch-1')).events, 4);
    });
  });
}

describe('in-memory call store of the embedded database', () => {
  let database: Database;
  let ids: { accountId: string; integrationId: string };
  before(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    ids = await world(database);
  });
  after(async () => database.close());

  const newCall = async (store: ExclusiveCallStore, sid: string) => {
    const r = await database.db.transaction((tx) => store.applyEvent(tx, ids, ev(sid, 'call-start', 0)));
    store.remember(ids, r);
  };

  test('a call first seen here starts known and empty, with no statement on claim', async () => {
    const store = new ExclusiveCallStore(database.db);
    await newCall(store, 'fresh-1');
    const c = await store.claim(ids.integrationId, 'fresh-1');
    assert.ok(c);
    assert.equal(c.createPending, false);
    assert.equal(c.lastSequence, 0);
    assert.equal(await store.claim(ids.integrationId, 'fresh-1'), undefined, 'one lease at a time');
    assert.equal(await store.release(ids.integrationId, c), true);
  });

  test("another process's rows are verified before use: probe before create, read before update, sequence jumps", async () => {
    const earlier = new ExclusiveCallStore(database.db);
    await newCall(earlier, 'never-confirmed');
    await newCall(earlier, 'created');
    const c1 = await earlier.claim(ids.integrationId, 'never-confirmed');
    await earlier.beforeSend(ids.integrationId, c1!, { lastSequence: 1, createPending: true });
    // (the process dies here: the create went out, its answer was never recorded)
    const c2 = await earlier.claim(ids.integrationId, 'created');
    await earlier.beforeSend(ids.integrationId, c2!, { lastSequence: 2, createPending: true });
    await earlier.afterSend(ids.integrationId, c2!, { msCallId: 'ms-1', createPending: false, pushed: { recordUrls: [], cards: { '101': 'ringing' } } });
    await earlier.flush();

    const later = new ExclusiveCallStore(database.db);
    const n = await later.claim(ids.integrationId, 'never-confirmed');
    assert.equal(n!.createPending, true, 'probe by externalId before any create');
    assert.ok(n!.lastSequence > 1);
    const m = await later.claim(ids.integrationId, 'created');
    assert.equal(m!.msCallId, 'ms-1');
    assert.equal(m!.pushed.uncertain, true, 'read the call back before the next update');
    assert.ok(m!.lastSequence > 2);
    assert.deepEqual(m!.pushed.cards, { '101': 'ringing' });

    // Its own rows the same process trusts (after they left memory and came back).
    const own = new ExclusiveCallStore(database.db);
    await newCall(own, 'own');
    const o = await own.claim(ids.integrationId, 'own');
    await own.afterSend(ids.integrationId, o!, { msCallId: 'ms-2', createPending: false, pushed: { recordUrls: [], cards: {} } });
    assert.equal(await own.release(ids.integrationId, o!), true);
    await own.flush();
    const pushes = await own.pushesOf(ids.integrationId);
    assert.equal(pushes.find((p) => p.callSessionId === 'own')?.msCallId, 'ms-2');
  });

  test('release refuses while a newer session version is known, so the pass goes on', async () => {
    const store = new ExclusiveCallStore(database.db);
    await newCall(store, 'newer');
    const c = await store.claim(ids.integrationId, 'newer');
    const r = await database.db.transaction((tx) => store.applyEvent(tx, ids, ev('newer', 'ringing', 1, { employee: { id: '1001' } })));
    store.remember(ids, r);
    assert.equal(r.changed, true);
    assert.equal(await store.release(ids.integrationId, c!), false);
    assert.equal(await store.reload(c!, ids.integrationId), true);
    assert.equal(c!.version, r.version);
    assert.equal(await store.release(ids.integrationId, c!), true);
  });
});
