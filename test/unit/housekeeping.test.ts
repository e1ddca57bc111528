// When the embedded database's housekeeping vacuums or analyses a table: autovacuum's default
// thresholds (50 rows plus 20 % dead for VACUUM, 50 plus 10 % changed for ANALYZE).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maintenanceFor } from '../../src/db/pglite-thread/housekeeping.ts';

test('housekeeping: autovacuum thresholds decide VACUUM, ANALYZE, both or nothing', () => {
  assert.equal(maintenanceFor({ dead: 0, modified: 0, tuples: 1000 }), undefined);
  assert.equal(maintenanceFor({ dead: 250, modified: 150, tuples: 1000 }), undefined, 'at the thresholds: not yet');
  assert.equal(maintenanceFor({ dead: 251, modified: 0, tuples: 1000 }), 'VACUUM');
  assert.equal(maintenanceFor({ dead: 0, modified: 151, tuples: 1000 }), 'ANALYZE');
  assert.equal(maintenanceFor({ dead: 251, modified: 151, tuples: 1000 }), 'VACUUM (ANALYZE)');
  // A table never analysed (reltuples -1) counts as empty: 51 inserted rows are enough.
  assert.equal(maintenanceFor({ dead: 0, modified: 51, tuples: -1 }), 'ANALYZE');
});
