// The embedded database on its own thread (src/db/pglite-thread): what drizzle and pg-boss rely on
// behaves as with PGlite in the same thread, and live work is not queued behind background work.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ThreadedPGlite, asLiveDatabaseWork } from '../../src/db/index.ts';

describe('PGlite on its own thread', () => {
  let pg: ThreadedPGlite;
  /** Opens a transaction and keeps it open (other statements pile up) until `release` is called. */
  const holdTransaction = async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inside = false;
    const done = pg.transaction(async (t) => {
      await t.query('select 1');
      inside = true;
      await held;
    });
    while (!inside) await new Promise((r) => setImmediate(r));
    return { release, done };
  };
  before(async () => {
    pg = await ThreadedPGlite.open('memory://');
    await pg.exec('create table t (id int primary key, v text, at timestamptz default now())');
  });
  after(async () => pg.close());

  test('errors keep PostgreSQL fields; a failed transaction leaves nothing behind', async () => {
    await pg.query('insert into t (id, v) values (1, $1)', ['one']);
    const err = await pg
      .transaction(async (tx) => {
        await tx.query('insert into t (id, v) values (2, $1)', ['two']);
        await tx.query('insert into t (id, v) values (1, $1)', ['again']);
      })
      .catch((e: Error & { code?: string; constraint?: string }) => e);
    assert.ok(err instanceof Error);
    assert.equal((err as { code?: string }).code, '23505');
    assert.equal((err as { constraint?: string }).constraint, 't_pkey');
    assert.deepEqual((await pg.query<{ id: number }>('select id from t order by id')).rows, [{ id: 1 }]);
  });

  test("a failed statement's error names its callers", async () => {
    async function insertTheSameRowTwice() {
      await pg.query('insert into t (id, v) values (100, $1)', ['first']);
      await pg.query('insert into t (id, v) values (100, $1)', ['second']);
    }
    const err = (await insertTheSameRowTwice().catch((e: unknown) => e)) as Error & { code?: string };
    assert.ok(err instanceof Error);
    assert.equal(err.code, '23505');
    assert.match(err.stack ?? '', /duplicate key/);
    assert.match(err.stack ?? '', /insertTheSameRowTwice/);
    await pg.query('delete from t where id = 100');
  });

  test('a commit of a transaction whose statement failed is refused, not reported as done', async () => {
    await assert.rejects(
      pg.transaction(async (tx) => {
        await tx.query('insert into t (id, v) values (3, $1)', ['three']);
        await tx.query('select 1/0').catch(() => {}); // swallowed: the transaction is aborted anyway
      }),
      /rolled back/,
    );
    assert.equal((await pg.query('select * from t where id = 3')).rows.length, 0);
  });

  test('statements outside a transaction wait for it; rows and types survive the crossing', async () => {
    let inside = false;
    const tx = pg.transaction(async (t) => {
      inside = true;
      await t.query('insert into t (id, v) values (4, $1)', ['four']);
      await new Promise((r) => setTimeout(r, 30));
      await t.query('update t set v = $1 where id = 4', ['four!']);
    });
    while (!inside) await new Promise((r) => setImmediate(r));
    const outside = await pg.query<{ v: string; at: Date }>('select v, at from t where id = 4');
    await tx;
    assert.equal(outside.rows[0]!.v, 'four!', 'the outside read ran after the commit');
    assert.ok(outside.rows[0]!.at instanceof Date);
    // drizzle keeps timestamps as text with identity parsers; they cross as type ids.
    const raw = await pg.query<{ at: string }>('select at from t where id = 4', [], { parsers: { 1184: (v: string) => v } });
    assert.equal(typeof raw.rows[0]!.at, 'string');
    assert.throws(() => pg.query('select 1', [], { parsers: { 1184: (v: string) => new Date(v) } }), /not the identity/);
  });

  test('a transaction holds the connection from its first statement on, not while it prepares it', async () => {
    let release!: () => void;
    const preparing = new Promise<void>((r) => (release = r));
    const tx = pg.transaction(async (t) => {
      await preparing;
      return (await t.query<{ v: number }>('select 1 as v')).rows[0]!.v;
    });
    // Sent while the transaction has sent nothing yet: it does not wait for that transaction.
    const outside = await Promise.race([
      pg.query('select 2').then(() => 'ran'),
      new Promise((r) => setTimeout(() => r('waited'), 500)),
    ]);
    release();
    assert.equal(await tx, 1);
    assert.equal(outside, 'ran');
    // One that fails before sending anything reports its own error and leaves the connection free.
    await assert.rejects(pg.transaction(async () => Promise.reject(new Error('nothing sent'))), /nothing sent/);
    assert.equal(await pg.transaction(async () => 'empty'), 'empty');
    assert.deepEqual((await pg.query('select 3 as v')).rows, [{ v: 3 }]);
  });

  test('live work runs before background work that was waiting', async () => {
    const order: string[] = [];
    // Background statements pile up behind an open transaction; a live one arrives last.
    const tx = await holdTransaction();
    const background = Array.from({ length: 20 }, (_, i) => pg.query('select pg_sleep(0.002)').then(() => order.push(`bg${i}`)));
    const live = asLiveDatabaseWork(() => pg.query('select 1').then(() => order.push('live')));
    await new Promise((r) => setTimeout(r, 20));
    tx.release();
    await Promise.all([tx.done, ...background, live]);
    assert.equal(order[0], 'live', order.join(','));
  });

  test('a transaction opened as live work is live to its end, its first statement sent after an await', async () => {
    const order: string[] = [];
    const tx = await holdTransaction();
    const background = Array.from({ length: 20 }, (_, i) => pg.query('select pg_sleep(0.002)').then(() => order.push(`bg${i}`)));
    // As the intake does: the transaction starts synchronously, its statements (and BEGIN with them) later.
    const live = asLiveDatabaseWork(() =>
      pg.transaction(async (t) => {
        await new Promise((r) => setTimeout(r, 5));
        await t.query('select 1');
        order.push('live');
      }),
    );
    const after = (async () => {
      await new Promise((r) => setTimeout(r, 1));
      await pg.query('select 1');
      order.push('not live');
    })();
    await new Promise((r) => setTimeout(r, 30));
    tx.release();
    await Promise.all([tx.done, ...background, live, after]);
    assert.equal(order[0], 'live', order.join(','));
    assert.ok(order.indexOf('not live') > order.indexOf('bg19'), `work started later is background work: ${order.join(',')}`);
  });

  test('background work that waited long goes first, so a stream of live work cannot starve it', async () => {
    const order: string[] = [];
    const tx = await holdTransaction();
    const background = pg.query('select 1').then(() => order.push('bg'));
    const live = asLiveDatabaseWork(() => pg.query('select 1').then(() => order.push('live')));
    await new Promise((r) => setTimeout(r, 120));
    tx.release();
    await Promise.all([tx.done, background, live]);
    assert.deepEqual(order, ['bg', 'live']);
  });

  test('requests sent without waiting keep their order and their own outcome', async () => {
    await pg.exec('create table batch (n int primary key)');
    // Issued in one go: they queue up on the thread and run in order.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, n) => pg.query('insert into batch (n) values ($1) returning n', [n === 30 ? 0 : n])),
    );
    assert.equal(outcomes[30]!.status, 'rejected', 'the duplicate key fails alone');
    assert.equal((outcomes[30] as PromiseRejectedResult).reason.code, '23505');
    outcomes.forEach((o, n) => n !== 30 && assert.deepEqual(o.status === 'fulfilled' && o.value.rows, [{ n }]));
    // A transaction whose statements are sent without waiting: each answer belongs to its statement.
    const got = await pg.transaction(async (tx) => {
      const a = tx.query('select count(*)::int as c from batch');
      const b = tx.query('insert into batch (n) values (100) returning n');
      const c = tx.query('select count(*)::int as c from batch');
      return Promise.all([a, b, c]);
    });
    assert.deepEqual(got.map((r) => r.rows[0]), [{ c: 59 }, { n: 100 }, { c: 60 }]);
  });

  test('LISTEN/NOTIFY reaches the main thread until unlistened', async () => {
    const got: string[] = [];
    const stop = await pg.listen('jobs', (p) => got.push(p));
    await pg.query("select pg_notify('jobs', 'a')");
    await new Promise((r) => setTimeout(r, 20));
    await stop();
    await pg.query("select pg_notify('jobs', 'b')");
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(got, ['a']);
  });

  test('prepared statements: types and nulls survive, a statement seen before answers the same, many distinct ones stay correct', async () => {
    await pg.exec('create table p (id int primary key, doc jsonb, n bigint, at timestamptz)');
    const insert = 'insert into p (id, doc, n, at) values ($1, $2, $3, $4) returning id, doc, n, at';
    const at = new Date('2026-11-29T10:00:00.123Z');
    for (let id = 1; id <= 3; id++) {
      const { rows } = await pg.query<{ id: number; doc: unknown; n: string | number; at: Date | null }>(insert, [id, JSON.stringify({ id }), id === 2 ? null : 10n ** 12n, id === 3 ? null : at]);
      assert.equal(rows[0]!.id, id);
      assert.deepEqual(rows[0]!.doc, { id });
      assert.equal(rows[0]!.n === null ? null : String(rows[0]!.n), id === 2 ? null : '1000000000000');
      assert.equal(rows[0]!.at?.toISOString() ?? null, id === 3 ? null : at.toISOString());
    }
    // More distinct statements than are kept prepared: the oldest are closed and prepared again when seen.
    for (let round = 0; round < 2; round++) {
      for (let k = 0; k < 230; k++) {
        const { rows } = await pg.query<{ v: number }>(`select $1::int + ${k} as v`, [round]);
        assert.equal(rows[0]!.v, round + k);
      }
    }
    const err = await pg.query('insert into p (id) values ($1)', [1]).catch((e: Error) => e);
    assert.equal((err as { code?: string }).code, '23505', 'errors of a prepared statement keep their fields');
  });

  test('a prepared statement whose result shape changed is prepared again (outside a transaction)', async () => {
    await pg.exec('create table shape (id int primary key)');
    await pg.query('insert into shape (id) values ($1)', [1]);
    const read = () => pg.query<Record<string, unknown>>('select * from shape where id = $1', [1]);
    assert.deepEqual((await read()).rows, [{ id: 1 }]);
    await pg.exec("alter table shape add column label text default 'x'");
    assert.deepEqual((await read()).rows, [{ id: 1, label: 'x' }]);
  });

  test('the embedded database runs with the settings its latency depends on', async () => {
    // Without them: a ~55 ms COMMIT every 16 MB of WAL (zero-filling the next segment), and a
    // 20+ ms ANALYZE of a 40 000-row inbox; every statement waiting meanwhile waits that long.
    const { rows } = await pg.query<{ zero: string; target: string; buffers: string }>(
      "select current_setting('wal_init_zero') as zero, current_setting('default_statistics_target') as target, current_setting('shared_buffers') as buffers",
    );
    assert.deepEqual(rows[0], { zero: 'off', target: '1', buffers: '32MB' });
  });

  test('housekeeping vacuums and analyses changed tables and reports it', async () => {
    const kept = await ThreadedPGlite.open('memory://', { housekeepingIntervalMs: 100 });
    try {
      const reports: Array<{ table: string; action: string; error?: string }> = [];
      kept.onHousekeeping((r) => reports.push(r));
      await kept.exec('create table churn (id int primary key, v int)');
      await kept.query('insert into churn select g, 0 from generate_series(1, 400) g');
      await kept.query('update churn set v = 1');
      const deadlineAt = Date.now() + 5000;
      while (!reports.some((r) => r.table === '"public"."churn"' && r.action === 'VACUUM (ANALYZE)') && Date.now() < deadlineAt) await new Promise((r) => setTimeout(r, 50));
      assert.ok(reports.some((r) => r.table === '"public"."churn"' && r.action === 'VACUUM (ANALYZE)'), JSON.stringify(reports));
      assert.ok(reports.every((r) => !r.error), JSON.stringify(reports));
      const { rows } = await kept.query<{ dead: number; vacuumed: boolean; analysed: boolean }>(
        "select n_dead_tup::int as dead, last_vacuum is not null as vacuumed, last_analyze is not null as analysed from pg_stat_user_tables where relname = 'churn'",
      );
      assert.deepEqual(rows[0], { dead: 0, vacuumed: true, analysed: true });
    } finally {
      await kept.close();
    }
  });

  test('housekeeping checkpoints once enough WAL was written, which PGlite itself never does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'usm-pglite-wal-'));
    const kept = await ThreadedPGlite.open(dir, { housekeepingIntervalMs: 100, checkpointWalBytes: 1024 * 1024 });
    try {
      const checkpoint = async () => (await kept.query<{ lsn: string }>('select checkpoint_lsn::text as lsn from pg_control_checkpoint()')).rows[0]!.lsn;
      const reports: Array<{ action: string; error?: string }> = [];
      kept.onHousekeeping((r) => reports.push(r));
      const before = await checkpoint();
      await kept.exec('create table wal_fill (id int primary key, body text)');
      // ~2 MB of WAL (random text does not compress).
      await kept.query("insert into wal_fill select g, (select string_agg(md5(random()::text || g || i), '') from generate_series(1, 60) i) from generate_series(1, 1000) g");
      const deadlineAt = Date.now() + 5000;
      while (!reports.some((r) => r.action === 'CHECKPOINT') && Date.now() < deadlineAt) await new Promise((r) => setTimeout(r, 50));
      assert.ok(reports.some((r) => r.action === 'CHECKPOINT' && !r.error), JSON.stringify(reports));
      assert.notEqual(await checkpoint(), before, 'the checkpoint moved');
      const { rows } = await kept.query<{ bytes: number }>('select pg_wal_lsn_diff(pg_current_wal_lsn(), checkpoint_lsn)::float8 as bytes from pg_control_checkpoint()');
      assert.ok(rows[0]!.bytes < 1024 * 1024, `WAL since the checkpoint: ${rows[0]!.bytes} bytes`);
    } finally {
      await kept.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a thread that dies fails what is pending and what comes after, and says so once', async () => {
    const other = await ThreadedPGlite.open('memory://');
    const failures: Error[] = [];
    other.onFailure((e) => failures.push(e));
    const pending = other.query('select pg_sleep(0.5)');
    await (other as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await assert.rejects(pending, /exited/);
    await assert.rejects(other.query('select 1'), /exited/);
    assert.equal(failures.length, 1);
    // A normal close is not a failure.
    const third = await ThreadedPGlite.open('memory://');
    third.onFailure((e) => failures.push(e));
    await third.close();
    assert.equal(failures.length, 1);
  });
});
