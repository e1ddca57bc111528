// What PostgreSQL's autovacuum does, for embedded PGlite, which runs without it (one process, no
// background workers).
//
// Without it the embedded database degrades with use: updated and deleted rows (call sessions,
// queue jobs, the purged inbox) are never reclaimed, and tables are never analysed, so the planner
// knows nothing about their contents. The second matters doubly since statements are prepared once
// (./prepared-statements.ts): a plan made while a table was nearly empty (a sequential scan) stays
// cached until the table is analysed. Measured: the batched call-session update prepared on an
// empty table took 23.5 ms per call once the table held 20 000 rows, 0.29 ms after ANALYZE.
//
// The thresholds are autovacuum's defaults. Each table is one step, so that waiting statements run
// in between (the worker runs steps on its background lane).
import type { PGlite } from '@electric-sql/pglite';

/** How often the statistics are looked at. */
export const HOUSEKEEPING_INTERVAL_MS = 10_000;

// autovacuum_vacuum_threshold / _scale_factor and autovacuum_analyze_threshold / _scale_factor.
const VACUUM_BASE = 50;
const VACUUM_SCALE = 0.2;
const ANALYZE_BASE = 50;
const ANALYZE_SCALE = 0.1;

/**
 * WAL written since the last checkpoint beyond which housekeeping makes one. PostgreSQL's
 * checkpointer is a background process, and PGlite has none: measured, the checkpoint never moved
 * while 270 MB of WAL piled up (whatever max_wal_size said), so the data directory grew without
 * bound and a restart would replay all of it. A CHECKPOINT holds this thread for ~25–50 ms (it
 * writes at most shared_buffers' 32 MB); at 64 MB that is every few minutes under heavy intake.
 */
export const CHECKPOINT_WAL_BYTES = 64 * 1024 * 1024;

export type HousekeepingReport = { table: string; action: string; ms: number; error?: string };

type TableStats = { schema: string; name: string; dead: number; modified: number; tuples: number };

/** The command a table needs now, or undefined. */
export function maintenanceFor(t: Pick<TableStats, 'dead' | 'modified' | 'tuples'>): 'VACUUM (ANALYZE)' | 'VACUUM' | 'ANALYZE' | undefined {
  // reltuples is -1 until the table was first vacuumed or analysed.
  const tuples = Math.max(t.tuples, 0);
  const vacuum = t.dead > VACUUM_BASE + VACUUM_SCALE * tuples;
  const analyze = t.modified > ANALYZE_BASE + ANALYZE_SCALE * tuples;
  if (vacuum && analyze) return 'VACUUM (ANALYZE)';
  if (vacuum) return 'VACUUM';
  if (analyze) return 'ANALYZE';
  return undefined;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export class Housekeeping {
  private readonly steps: Array<() => Promise<void>> = [];
  /** A round (a look at the statistics, then a step per table) runs to its end before the next. */
  private inRound = false;

  constructor(
    private readonly pg: PGlite,
    private readonly report: (r: HousekeepingReport) => void,
    private readonly checkpointWalBytes = CHECKPOINT_WAL_BYTES,
  ) {}

  /**
   * Starts a round: a look at the statistics, which queues a step for each table that needs one.
   * False while the last round still has steps to run (nothing is started then).
   */
  startRound(): boolean {
    if (this.inRound) return false;
    this.inRound = true;
    this.steps.push(() => this.check());
    return true;
  }

  /** The round's next step (each runs one statement); undefined once the round is over. */
  nextStep(): (() => Promise<void>) | undefined {
    const step = this.steps.shift();
    if (!step) this.inRound = false;
    return step;
  }

  private async check(): Promise<void> {
    // Ordinary tables only: a partitioned parent holds no rows (its partitions are listed themselves).
    // The two counters are read with their functions rather than from pg_stat_all_tables, which
    // computes some twenty for every relation, catalogs included: 1 ms instead of 2–7 ms, during
    // which nothing else runs on this thread.
    const { rows } = await this.pg.query<{ schema: string; name: string; dead: number; modified: number; tuples: number }>(`
      select n.nspname as schema, c.relname as name, pg_stat_get_dead_tuples(c.oid)::float8 as dead,
             pg_stat_get_mod_since_analyze(c.oid)::float8 as modified, c.reltuples::float8 as tuples
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')`);
    for (const t of rows) {
      const action = maintenanceFor(t);
      if (action) {
        const table = `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
        this.steps.push(() => this.run(`${action} ${table}`, table, action));
      }
    }
    const { rows: [wal] } = await this.pg.query<{ bytes: number }>(
      'select pg_wal_lsn_diff(pg_current_wal_lsn(), checkpoint_lsn)::float8 as bytes from pg_control_checkpoint()',
    );
    if (wal && wal.bytes >= this.checkpointWalBytes) this.steps.push(() => this.run('CHECKPOINT', '(all)', 'CHECKPOINT'));
  }

  private async run(statement: string, table: string, action: string): Promise<void> {
    const started = performance.now();
    try {
      await this.pg.exec(statement);
      this.report({ table, action, ms: Math.round(performance.now() - started) });
    } catch (err) {
      // A table dropped since the check, say: reported, and the next check decides again.
      this.report({ table, action, ms: Math.round(performance.now() - started), error: (err as Error).message });
    }
  }
}
