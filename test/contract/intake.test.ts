// Intake's group commit with inline processing, on embedded PGlite and on PostgreSQL: items that
// arrive together share one transaction; inline items are stored already settled (processed or
// unparseable with the reason) when accept() resolves; an inline processor that throws costs the
// batch its inline processing, never its storage; every id accept() returns is its own item's row.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { NewInboxItem } from '../../src/inbox/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { postgresSkip } from '../helpers/postgres.ts';

const until = async (what: string, fn: () => Promise<boolean>, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`intake on ${kind}`, { skip: kind === 'postgres' ? await postgresSkip() : false }, () => {
    let app: TestApp;
    let accountId: string;
    const inlineSeen: string[] = [];
    const plainSeen: string[] = [];
    let throwOn: string | undefined;

    before(async () => {
      app = await startTestApp({ db: kind });
      accountId = (await app.ctx.accounts.list())[0]!.id;
      app.ctx.processors.register({
        source: 'test-inline',
        inline: true,
        async process(item, { tx }) {
          if (item.body === throwOn) {
            throwOn = undefined;
            throw new Error('transient');
          }
          if (item.body.startsWith('garbage')) return { status: 'unparseable', reason: `cannot read ${item.body}` };
          // Writes of the processor commit with the item.
          await tx.execute(sql`select 1`);
          inlineSeen.push(item.body);
          return { status: 'processed' };
        },
      });
      app.ctx.processors.register({
        source: 'test-plain',
        async process(item) {
          plainSeen.push(item.body);
          return { status: 'processed' };
        },
      });
    });
    after(async () => {
      await app?.close();
    });

    const item = (source: string, body: string): NewInboxItem => ({
      accountId,
      source,
      event: 'e',
      method: 'POST',
      path: '/hooks/test/:secret/e',
      query: body.includes('?') ? 'a=1' : null,
      headers: { 'content-type': 'text/plain', 'x-request-id': body },
      contentType: 'text/plain',
      body,
    });
    const row = (id: number) => app.ctx.inbox.get(accountId, id);

    test('a batch of inline and plain items: inline settled on commit, plain by its job, ids match their items', async () => {
      const bodies = Array.from({ length: 40 }, (_, i) => (i % 10 === 3 ? `garbage ${i}` : `ok ${i}?`));
      const ids = await Promise.all([
        ...bodies.map((b) => app.ctx.intake.accept(item('test-inline', b))),
        app.ctx.intake.accept(item('test-plain', 'plain 1')),
      ]);
      assert.equal(new Set(ids).size, ids.length);
      for (const [i, body] of bodies.entries()) {
        const r = await row(ids[i]!);
        assert.equal(r?.body, body);
        assert.equal(r.headers['x-request-id'], body);
        assert.equal(r.query, body.includes('?') ? 'a=1' : null);
        assert.equal(r.source, 'test-inline');
        if (body.startsWith('garbage')) {
          assert.equal(r.status, 'unparseable');
          assert.equal(r.reason, `cannot read ${body}`);
        } else {
          assert.equal(r.status, 'processed');
          assert.equal(r.reason, null);
        }
        assert.ok(r.processedAt && Date.parse(r.processedAt) >= Date.parse(r.receivedAt) - 1000);
      }
      assert.deepEqual(
        inlineSeen.filter((b) => bodies.includes(b)).sort(),
        bodies.filter((b) => !b.startsWith('garbage')).sort(),
      );
      const plainId = ids[bodies.length]!;
      assert.equal((await row(plainId))?.body, 'plain 1');
      await until('plain item processed by its job', async () => (await row(plainId))?.status === 'processed');
      assert.deepEqual(plainSeen, ['plain 1']);
    });

    test('an inline processor that throws: the batch is still stored and its items processed by jobs', async () => {
      throwOn = 'boom';
      const ids = await Promise.all(['before', 'boom', 'after'].map((b) => app.ctx.intake.accept(item('test-inline', b))));
      for (const [i, body] of ['before', 'boom', 'after'].entries()) assert.equal((await row(ids[i]!))?.body, body);
      await until('all three processed', async () => (await Promise.all(ids.map(row))).every((r) => r?.status === 'processed'));
      // The rolled-back inline pass left nothing behind: each item was processed exactly once in effect.
      for (const body of ['boom', 'after']) assert.ok(inlineSeen.includes(body));
    });
  });
}
