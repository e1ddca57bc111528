// pg-boss on the same database as everything else, in both deployment modes. Jobs that must
// commit together with the caller's writes are sent through the transaction adapter
// (`fromDrizzle(tx, sql)`): on PGlite sending outside it from inside a transaction deadlocks.
import { sql } from 'drizzle-orm';
import { PgBoss, fromDrizzle, fromPglite, type JobInsert, type JobResult, type SendOptions } from 'pg-boss';
import type { Logger } from 'pino';
import type { Database, Tx } from '../db/index.ts';
import { DEFAULT_QUEUE_OPTIONS, type JobDefinition } from './job-definition.ts';
import { jobDuration, jobsTotal } from './metrics.ts';
import { withPreparedQueries } from './pglite-prepared-exec.ts';

export type QueueSnapshot = { name: string; queued: number; active: number; failed: number; deferred: number };

/**
 * Thrown by a handler that cannot proceed yet (e.g. no MoySklad rate token): the same job data is
 * sent again to start at `retryAt` and this attempt completes, so no retry is spent and no worker
 * waits. When the queue's policy refuses the copy, the job fails into pg-boss's normal retry instead.
 */
export class RescheduleError extends Error {
  /** The job's data for the next run, when it should differ (e.g. a count of attempts). */
  readonly data: object | undefined;

  constructor(
    readonly retryAt: Date,
    options?: { cause?: unknown; data?: object },
  ) {
    super(`reschedule at ${retryAt.toISOString()}`, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'RescheduleError';
    this.data = options?.data;
  }

  get rescheduleAt(): Date {
    return this.retryAt;
  }
}

/**
 * When an error (or one of its causes) says the job should simply run again later — it carries a
 * `rescheduleAt` date, like RescheduleError or the MoySklad gate's "busy" error — that date.
 */
export function rescheduleAtOf(err: unknown): Date | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const at = (e as { rescheduleAt?: unknown }).rescheduleAt;
    if (at instanceof Date) return at;
  }
  return undefined;
}

const DEFAULT_POLLING_INTERVAL_S = 2;
/**
 * A job type's further worker slots poll this many times less often than its first. They matter
 * when there is a backlog, and then they are not waited for: the first slot fetches again at once
 * while its batches come back full, and a job sent to a `notify` queue wakes every slot. Polling
 * each slot every 2 s cost ~2 queue statements per second per job type, mostly empty.
 */
const EXTRA_SLOT_POLLING_FACTOR = 5;

type RunningJob = { id: string; data: unknown; retryCount: number; priority?: number; singletonKey?: string | null; groupId?: string | null; groupTier?: string | null };

export class JobQueue {
  readonly boss: PgBoss;
  private started = false;
  private readonly definitions = new Map<string, JobDefinition>();
  private readonly abort = new AbortController();
  /** Workers still being started by `work` (see there). */
  private starting: Promise<void> = Promise.resolve();

  constructor(
    database: Database,
    private readonly log: Logger,
    private readonly opts: { workerConcurrency: number; maintenance: boolean },
  ) {
    const common = {
      useListenNotify: true,
      // Queue maintenance and cron run on every instance; pg-boss coordinates them with advisory locks.
      supervise: opts.maintenance,
      schedule: opts.maintenance,
      migrate: true,
    };
    this.boss =
      database.kind === 'pglite'
        ? new PgBoss({ ...common, backend: 'pglite', db: fromPglite(withPreparedQueries(database.pglite) as unknown as Parameters<typeof fromPglite>[0]) })
        : new PgBoss({ ...common, connectionString: database.connectionString, max: 6, application_name: 'uis-moysklad' });
    this.boss.on('error', (err: Error) => this.log.error({ err }, 'queue error'));
    this.boss.on('warning', (w: { message: string }) => this.log.warn({ warning: w.message }, 'queue warning'));
  }

  async start(definitions: JobDefinition[]): Promise<void> {
    await this.boss.start();
    this.started = true;
    await this.register(definitions);
  }

  /** Declares job types (creating or updating their queues); callable after start. */
  async register(definitions: JobDefinition[]): Promise<void> {
    for (const def of definitions) {
      this.definitions.set(def.name, def);
      await this.ensureQueue(`${def.name}.dead`, { retryLimit: 0, retentionSeconds: 60 * 60 * 24 * 30 });
      const options: Record<string, unknown> = {
        ...DEFAULT_QUEUE_OPTIONS,
        ...def.queue,
        deadLetter: `${def.name}.dead`,
        ...(def.notify && { notify: true }),
      };
      // pg-boss accepts a delay cap only with exponential back-off.
      if (!options.retryBackoff) delete options.retryDelayMax;
      await this.ensureQueue(def.name, options);
    }
  }

  private async ensureQueue(name: string, options: Record<string, unknown>) {
    const existing = await this.boss.getQueue(name);
    if (!existing) {
      await this.boss.createQueue(name, options).catch(async (err: Error) => {
        // Another process created it between our check and our insert.
        if (!(await this.boss.getQueue(name))) throw err;
      });
      return;
    }
    const { policy: _p, deadLetter, ...updatable } = options as { policy?: string; deadLetter?: string };
    await this.boss.updateQueue(name, { ...updatable, ...(deadLetter && { deadLetter }) });
  }

  /**
   * Starts workers for the given job names (all defined ones by default).
   *
   * Each worker slot is a poller of its own (pg-boss's `localConcurrency` would start its pollers
   * together), and they are started spread over one polling interval: started at once they all
   * poll at once, every interval — on the embedded database, with about 50 pollers, a burst of that
   * many queue statements (1–1.7 ms each) every 2 s that live work (intake commits) waited behind.
   * One poller of each job type comes first; all of them run within the first interval. Resolves
   * once the first is started; the rest start in the background (a failure there is logged).
   */
  async work(names: string[] = [...this.definitions.keys()]): Promise<void> {
    const pollers: Array<{ def: JobDefinition; intervalS: number; slot: number }> = [];
    for (const name of names) {
      const def = this.definitions.get(name);
      if (!def) throw new Error(`no job definition for ${name}`);
      const slots = def.work?.localConcurrency ?? this.opts.workerConcurrency;
      const intervalS = def.work?.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_S;
      for (let slot = 0; slot < slots; slot++) pollers.push({ def, intervalS: slot === 0 ? intervalS : intervalS * EXTRA_SLOT_POLLING_FACTOR, slot });
    }
    const spreadMs = (DEFAULT_POLLING_INTERVAL_S * 1000) / Math.max(1, pollers.length);
    // Stable: within a slot, job types keep their order.
    const [first, ...rest] = pollers.sort((a, b) => a.slot - b.slot);
    if (!first) return;
    await this.startPoller(first.def, first.intervalS);
    const later = (async () => {
      for (const p of rest) {
        await new Promise((r) => setTimeout(r, spreadMs));
        if (!this.started) return;
        await this.startPoller(p.def, p.intervalS);
      }
    })().catch((err: Error) => {
      if (this.started) this.log.error({ err }, 'queue worker did not start');
    });
    this.starting = Promise.all([this.starting, later]).then(() => {});
  }

  private async startPoller(def: JobDefinition, intervalS: number): Promise<void> {
    await this.boss.work(
      def.name,
      {
        localConcurrency: 1,
        // A worker fetches once per polling interval; batches plus "burst while batches come back
        // full" drain a backlog at full speed instead of one job per interval per worker.
        batchSize: def.work?.batchSize ?? 8,
        burstWhenBatchFull: true,
        perJobResults: true,
        pollingIntervalSeconds: intervalS,
        notifyPollingIntervalSeconds: intervalS,
        includeMetadata: true,
        ...(def.work?.groupConcurrency !== undefined && { groupConcurrency: def.work.groupConcurrency }),
      },
      async (jobs) => {
        // Each job settles on its own: one failure does not retry its batch-mates.
        const results: JobResult[] = [];
        for (const job of jobs) {
          try {
            await this.run(def, job);
            results.push({ id: job.id, status: 'completed' });
          } catch (err) {
            results.push({ id: job.id, status: 'failed', output: { message: (err as Error).message } });
          }
        }
        return results;
      },
    );
  }

  private async run(def: JobDefinition, job: RunningJob) {
    const end = jobDuration.startTimer({ queue: def.name });
    try {
      await def.handler(job.data, { id: job.id, name: def.name, retryCount: job.retryCount, signal: this.abort.signal });
      jobsTotal.inc({ queue: def.name, outcome: 'completed' });
    } catch (err) {
      const at = rescheduleAtOf(err);
      if (at && (await this.resend(def, job, at, err instanceof RescheduleError ? err.data : undefined))) {
        jobsTotal.inc({ queue: def.name, outcome: 'rescheduled' });
        this.log.debug({ queue: def.name, jobId: job.id, retryAt: at }, 'job rescheduled');
        return;
      }
      jobsTotal.inc({ queue: def.name, outcome: 'failed' });
      this.log.warn({ err, queue: def.name, jobId: job.id, retryCount: job.retryCount }, 'job failed');
      throw err;
    } finally {
      end();
    }
  }

  private async resend(def: JobDefinition, job: RunningJob, startAfter: Date, data?: object): Promise<boolean> {
    const id = await this.boss.send(def.name, data ?? (job.data as object), {
      startAfter,
      ...(job.priority !== undefined && { priority: job.priority }),
      ...(job.singletonKey && { singletonKey: job.singletonKey }),
      ...(job.groupId && { group: { id: job.groupId, ...(job.groupTier && { tier: job.groupTier }) } }),
    });
    return id !== null;
  }

  /** Sends a job; inside a transaction pass `tx` so the job commits (or rolls back) with it. */
  async send(name: string, data: object, options: SendOptions = {}, tx?: Tx): Promise<string | null> {
    return this.boss.send(name, data, tx ? { ...options, db: fromDrizzle(tx as never, sql as never) } : options);
  }

  /** Sends many jobs in one statement (they tie on creation time: use only where order does not matter). */
  async insert(name: string, jobs: JobInsert[], tx?: Tx): Promise<void> {
    await this.boss.insert(name, jobs, tx ? { db: fromDrizzle(tx as never, sql as never) } : {});
  }

  async sendAfter(name: string, data: object, options: SendOptions, seconds: number): Promise<string | null> {
    return this.boss.sendAfter(name, data, options, seconds);
  }

  async schedule(name: string, cron: string, data: object = {}): Promise<void> {
    await this.boss.schedule(name, cron, data, { tz: 'UTC' });
  }

  async snapshot(): Promise<QueueSnapshot[]> {
    const queues = await this.boss.getQueues();
    return queues.map((q) => ({
      name: q.name,
      queued: q.queuedCount,
      active: q.activeCount,
      failed: q.failedCount,
      deferred: q.deferredCount,
    }));
  }

  isRunning(): boolean {
    return this.started;
  }

  /** Graceful: stops fetching, waits for in-flight handlers (up to `timeoutMs`), then closes. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.starting;
    await this.boss.stop({ graceful: true, timeout: timeoutMs, close: true });
    this.abort.abort();
  }
}
