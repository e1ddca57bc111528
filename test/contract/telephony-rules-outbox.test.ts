// The rules' outbox on a real database: the write that changes a finished call marks its rules due
// in the session row (no job in the intake transaction), and a dispatch turns due marks into
// `rules.evaluate` jobs, clearing them in the same transaction.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { AccountsRepository } from '../../src/accounts/index.ts';
import { runMigrations, type Database } from '../../src/db/index.ts';
import { IntegrationsRepository } from '../../src/integrations/index.ts';
import { JobQueue } from '../../src/queue/index.ts';
import { RULES_EVALUATE_JOB, rulesEvaluateJob } from '../../src/rules/index.ts';
import { CallStore, rowsOf } from '../../src/telephony/calls/call-store.ts';
import { RulesOutbox } from '../../src/telephony/calls/rules-outbox.ts';
import type { UisCallEvent } from '../../src/uis/index.ts';
import { incomingEvent } from '../helpers/call-events.ts';
import { openEmptyDatabase, postgresSkip } from '../helpers/postgres.ts';

const ev = incomingEvent;

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`rules outbox (${kind})`, { skip: kind === 'postgres' ? await postgresSkip() : false }, () => {
    let database: Database;
    let queue: JobQueue;
    let close: () => Promise<void> = async () => {};
    let ids: { accountId: string; integrationId: string };
    const store = () => new CallStore(database.db);

    before(async () => {
      ({ database, close } = await openEmptyDatabase(kind));
      await runMigrations(database);
      const account = await new AccountsRepository(database.db).create('outbox test');
      const integration = await new IntegrationsRepository(database.db).create(account.id, { kind: 'moysklad-telephony', name: 'calls', active: true, credentialIds: {}, settings: {} });
      ids = { accountId: account.id, integrationId: integration.id };
      queue = new JobQueue(database, pino({ level: 'silent' }), { workerConcurrency: 1, maintenance: false });
      // Registered (its queue must exist for inserts), never worked: the jobs stay to be looked at.
      await queue.start([rulesEvaluateJob(() => assert.fail('not evaluated here'))]);
    });
    after(async () => {
      await queue?.stop(2000);
      await close();
    });

    const dueAt = async (sid: string) =>
      (await rowsOf<{ due: string | null }>(database.db, sql`select rules_due_at::text as due from call_sessions where call_session_id = ${sid}`))[0]?.due ?? null;
    const jobsFor = async (sid: string) =>
      rowsOf<{ state: string }>(database.db, sql`select state from pgboss.job where name = ${RULES_EVALUATE_JOB} and data->>'ref' = ${sid}`);
    const makeDueNow = (sid: string) => database.db.execute(sql`update call_sessions set rules_due_at = now() - interval '1 second' where call_session_id = ${sid} and rules_due_at is not null`);

    test('only a change of a finished call marks its rules due, on every write path', async () => {
      const s = store();
      // Batched path: a call still ringing is not due; its end is.
      const apply = async (st: CallStore, events: UisCallEvent[]) => {
        const rs = await database.db.transaction((tx) => st.applyEvents(tx, events.map((event) => ({ ids, event }))));
        rs.forEach((r) => r.wrote && st.remember(ids, r));
      };
      await apply(s, [ev('o-1', 'call-start', 0), ev('o-1', 'ringing', 1, { employee: { id: '1001' } })]);
      assert.equal(await dueAt('o-1'), null);
      await apply(s, [ev('o-1', 'call-end', 9, { isLost: true })]);
      assert.ok(await dueAt('o-1'), 'the end makes it due');
      // A call first seen already over (new row), and the single-event path without a hint.
      await apply(s, [ev('o-2', 'call-end', 9, { isLost: true })]);
      assert.ok(await dueAt('o-2'));
      const other = store();
      await database.db.transaction((tx) => other.applyEvent(tx, ids, ev('o-3', 'call-start', 0)));
      assert.equal(await dueAt('o-3'), null);
      await database.db.transaction((tx) => other.applyEvent(tx, ids, ev('o-3', 'call-end', 9, { isLost: true })));
      assert.ok(await dueAt('o-3'));
    });

    test('a dispatch queues what is due, once, and leaves what is not due yet', async () => {
      const s = store();
      const outbox = new RulesOutbox(database.db, () => queue, (err) => assert.fail(String(err)));
      for (const sid of ['d-1', 'd-2', 'd-3']) await database.db.transaction((tx) => s.applyEvent(tx, ids, ev(sid, 'call-end', 9, { isLost: true })));
      const before = await dueAt('d-3');
      await makeDueNow('d-1');
      await makeDueNow('d-2');
      assert.ok((await outbox.dispatch()) >= 2);
      assert.equal(await dueAt('d-1'), null);
      assert.equal((await jobsFor('d-1')).length, 1);
      assert.equal((await jobsFor('d-2')).length, 1);
      assert.equal(await dueAt('d-3'), before, 'not due yet: untouched');
      assert.equal((await jobsFor('d-3')).length, 0);
      // Nothing due: nothing queued again.
      assert.equal(await outbox.dispatch(), 0);
      assert.equal((await jobsFor('d-1')).length, 1);
    });

    test('a change after the dispatch (the recording) makes the call due again; a waiting job absorbs it', async () => {
      const s = store();
      const outbox = new RulesOutbox(database.db, () => queue, (err) => assert.fail(String(err)));
      const apply = async (e: UisCallEvent) => {
        const r = await database.db.transaction((tx) => s.applyEvent(tx, ids, e));
        if (r.wrote) s.remember(ids, r);
      };
      await apply(ev('r-1', 'call-end', 9, { isLost: false, talkDurationSec: 5 }));
      await makeDueNow('r-1');
      await outbox.dispatch();
      await apply(ev('r-1', 'recording', 20, { recording: { url: 'https://records.example/r-1.mp3' } }));
      assert.ok(await dueAt('r-1'), 'due again');
      await makeDueNow('r-1');
      await outbox.dispatch();
      assert.equal(await dueAt('r-1'), null);
      // The first job still waits (never worked here): the stately queue keeps one per communication.
      assert.equal((await jobsFor('r-1')).length, 1);
    });

    test('the timer dispatches about a second after the commit that made a call due', async () => {
      const s = store();
      const outbox = new RulesOutbox(database.db, () => queue, (err) => assert.fail(String(err)));
      try {
        await database.db.transaction((tx) => s.applyEvent(tx, ids, ev('t-1', 'call-end', 9, { isLost: true })));
        outbox.due();
        await new Promise((r) => setTimeout(r, 400));
        assert.equal((await jobsFor('t-1')).length, 0, 'not before it is due');
        const deadline = Date.now() + 5000;
        while ((await jobsFor('t-1')).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        assert.equal((await jobsFor('t-1')).length, 1);
        assert.equal(await dueAt('t-1'), null);
      } finally {
        outbox.stop();
      }
    });
  });
}
