// When the embedded database's housekeeping vacuums or analyses a table: autovacuum's default
// thresholds (50 rows plus 20 % dead for VACUUM, 50 plus 10 % changed for ANALYZE).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Housekeeping, maintenanceFor } from '../../src/db/pglite-thread/housekeeping.ts';

test('housekeeping: autovacuum thresholds decide VACUUM, ANALYZE, both or nothing', () => {
  assert.equal(maintenanceFor({ dead: 0, modified: 0, tuples: 1000 }), undefined);
  assert.equal(maintenanceFor({ dead: 250, modified: 150, tuples: 1000 }), undefined, 'at the thresholds: not yet');
  assert.equal(maintenanceFor({ dead: 251, modified: 0, tuples: 1000 }), 'VACUUM');
  assert.equal(maintenanceFor({ dead: 0, modified: 151, tuples: 1000 }), 'ANALYZE');
  assert.equal(maintenanceFor({ dead: 251, modified: 151, tuples: 1000 }), 'VACUUM (ANALYZE)');
  // A table never analysed (reltuples -1) counts as empty: 51 inserted rows are enough.
  assert.equal(maintenanceFor({ dead: 0, modified: 51, tuples: -1 }), 'ANALYZE');
});

test('housekeeping: a round (statistics, then a step per table) runs to its end before the next starts', async () => {
  const statements: string[] = [];
  const pg = {
    query: async () => ({ rows: [{ schema: 'public', name: 'churn', dead: 500, modified: 0, tuples: 1000 }] }),
    exec: async (text: string) => void statements.push(text),
  };
  const reports: unknown[] = [];
  const h = new Housekeeping(pg as never, (r) => reports.push(r));
  assert.equal(h.startRound(), true);
  assert.equal(h.startRound(), false, 'a second round while the first has steps left');
  await h.nextStep()!(); // the look at the statistics queues the table's step
  assert.equal(h.startRound(), false, 'still in the round: its table step is waiting');
  await h.nextStep()!();
  assert.deepEqual(statements, ['VACUUM "public"."churn"']);
  assert.equal(h.nextStep(), undefined, 'the round is over');
  assert.equal(h.startRound(), true);
  assert.equal(reports.length, 1);
});
