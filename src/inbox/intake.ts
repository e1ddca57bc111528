// Receiving: the raw request is written to the inbox and its processing job enqueued in ONE
// transaction, before the caller answers 200. Nothing acknowledged can be lost.
//
// Group commit: while one transaction is being committed, requests that arrive meanwhile wait and
// go into the next one together. An idle server commits each request at once; a busy one commits
// dozens per transaction (one inbox insert + one bulk job insert). Processing order across items
// does not matter (call sessions merge order-independently, webhooks are re-read), so their jobs
// may share one insert.
//
// Latency-critical sources (`inline` processors, e.g. UIS call notifications driving pop-up cards)
// are processed inside that same transaction when this process runs workers: stored, processed
// and settled in one commit, with no job at all. If a processor throws, the batch is stored again
// without inline processing (plain jobs), so a processor's bug never loses or rejects input.
import type { Logger } from 'pino';
import { asLiveDatabaseWork, type Db } from '../db/index.ts';
import type { JobQueue } from '../queue/index.ts';
import type { InboxRepository, NewInboxItem } from './inbox-repository.ts';
import type { InboxWorker } from './inbox-worker.ts';
import { INBOX_PROCESS_JOB } from './process-job.ts';
import type { InboxProcessors } from './processors.ts';

/** Headers worth keeping for diagnosis and verification; never credentials or cookies. */
const KEPT_HEADERS = ['content-type', 'content-length', 'user-agent', 'x-forwarded-for', 'x-request-id', 'lognex-content-md5'];

export function keptHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const v = headers[name];
    if (v !== undefined) out[name] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

type Pending = { item: NewInboxItem; priority: number; resolve(id: number): void; reject(err: unknown): void };

const MAX_BATCH = 200;

export class Intake {
  private pending: Pending[] = [];
  private flushing = false;
  private worker: InboxWorker | undefined;

  constructor(
    private readonly db: Db,
    private readonly inbox: InboxRepository,
    private readonly queue: JobQueue,
    private readonly processors: InboxProcessors,
    private readonly log: Logger,
  ) {}

  /** Called by processes that run workers: inline sources are then processed in the intake transaction. */
  processInProcess(worker: InboxWorker): void {
    this.worker = worker;
  }

  /** Stores and enqueues; resolves with the inbox id only after both are committed. */
  accept(item: NewInboxItem, opts: { priority?: number } = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, priority: opts.priority ?? 0, resolve, reject });
      // Start on the next turn of the event loop, after the I/O callbacks of this one: requests that
      // arrived together (the database work is synchronous WASM on the embedded database, so they
      // queue up behind it) then share one transaction instead of going one by one.
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Stores input that can never be processed (e.g. not even a readable body), with the reason. */
  async reject(item: NewInboxItem, reason: string): Promise<number> {
    return this.inbox.insert(this.db, item, 'unparseable', reason);
  }

  /** Resolves when nothing is waiting to be committed (graceful stop). */
  async idle(): Promise<void> {
    while (this.flushing) await new Promise((r) => setTimeout(r, 5));
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        try {
          const ids = await this.commit(batch);
          batch.forEach((p, i) => p.resolve(ids[i]!));
        } catch (err) {
          if (batch.length === 1) {
            batch[0]!.reject(err);
            continue;
          }
          // One bad item must not fail its neighbours: retry each on its own.
          for (const p of batch) await this.commit([p]).then(([id]) => p.resolve(id!), p.reject);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async commit(batch: Pending[]): Promise<number[]> {
    if (this.worker && batch.some((p) => this.processors.get(p.item.source)?.inline)) {
      try {
        return await this.store(batch, this.worker);
      } catch (err) {
        this.log.warn({ err, count: batch.length }, 'inline processing failed; storing the batch for the queue instead');
      }
    }
    return this.store(batch, undefined);
  }

  /**
   * One transaction: inbox rows, inline processing (when `worker`), jobs for the rest. Inline items
   * are inserted already marked processed, so the usual batch is three statements plus whatever
   * the processors write: insert, commit (and begin); no second pass over the rows to settle them.
   */
  private async store(batch: Pending[], worker: InboxWorker | undefined): Promise<number[]> {
    let hooks: Array<() => void> = [];
    const inline = batch.map((p) => worker !== undefined && this.processors.get(p.item.source)?.inline === true);
    // Someone waits for this commit (the HTTP answer, then the pop-up): ahead of background work.
    const ids = await asLiveDatabaseWork(() => this.db.transaction(async (tx) => {
      const processedAt = new Date();
      // The insert is not waited for before inline processing: the session statements go right
      // behind it (one round trip less before the commit; see InboxRepository.insertMany).
      const { rows, stored } = this.inbox.insertMany(
        tx,
        batch.map((p, i) => (inline[i] ? { ...p.item, status: 'processed' as const, processedAt } : p.item)),
      );
      stored.catch(() => {}); // awaited below; a processor failing first must not leave it unhandled
      const inlineRows = rows.filter((_, i) => inline[i]);
      if (worker && inlineRows.length > 0) hooks = await worker.processInserted(tx, inlineRows, stored);
      await stored;
      const jobs = rows.flatMap((row, i) => (inline[i] ? [] : [{ data: { inboxId: row.id }, priority: batch[i]!.priority }]));
      if (jobs.length > 0) await this.queue.insert(INBOX_PROCESS_JOB, jobs, tx);
      return rows.map((r) => r.id);
    }));
    worker?.runAfterCommit(hooks);
    return ids;
  }
}
