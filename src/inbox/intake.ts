// Receiving: the raw request is written to the inbox and its processing job enqueued in ONE
// transaction, before the caller answers 200. Nothing acknowledged can be lost.
//
// Group commit: while one transaction is being committed, requests that arrive meanwhile wait and
// go into the next one together. An idle server commits each request at once; a busy one commits
// dozens per transaction, which is what lets a single embedded database keep up with bursts.
// Processing order across items does not matter (call sessions merge order-independently,
// webhooks are re-read), so their jobs may share one insert.
//
// Inline sources (latency-critical, e.g. UIS call notifications driving pop-up cards) are processed
// inside the same transaction, each in a savepoint: if the processor throws, its writes are rolled
// back and the item falls back to an `inbox.process` job, so nothing is lost either way.
import type { Logger } from 'pino';
import type { Db, Tx } from '../db/index.ts';
import type { JobQueue } from '../queue/index.ts';
import type { InboxRepository, InboxRow, NewInboxItem } from './inbox-repository.ts';
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

  constructor(
    private readonly db: Db,
    private readonly inbox: InboxRepository,
    private readonly queue: JobQueue,
    private readonly processors?: InboxProcessors,
    private readonly log?: Logger,
  ) {}

  /** Stores and enqueues; resolves with the inbox id only after both are committed. */
  accept(item: NewInboxItem, opts: { priority?: number } = {}): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, priority: opts.priority ?? 0, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Stores input that can never be processed (e.g. not even a readable body), with the reason. */
  async reject(item: NewInboxItem, reason: string): Promise<number> {
    return this.inbox.insert(this.db, item, 'unparseable', reason);
  }

  private async flush(): Promise<void> {
    this.flushing = true;
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
    const afterCommit: Array<() => void> = [];
    const ids = await this.db.transaction(async (tx) => {
      const rows = await this.inbox.insertMany(
        tx,
        batch.map((p) => p.item),
      );
      const jobs: Array<{ data: { inboxId: number }; priority: number }> = [];
      for (const [i, row] of rows.entries()) {
        if (!(await this.processInline(tx, row, afterCommit))) jobs.push({ data: { inboxId: row.id }, priority: batch[i]!.priority });
      }
      if (jobs.length > 0) await this.queue.insert(INBOX_PROCESS_JOB, jobs, tx);
      return rows.map((r) => r.id);
    });
    for (const fn of afterCommit) {
      try {
        fn();
      } catch (err) {
        this.log?.warn({ err }, 'after-commit hook failed');
      }
    }
    return ids;
  }

  /** True when the item was settled inline; false → it needs an `inbox.process` job. */
  private async processInline(tx: Tx, row: InboxRow, afterCommit: Array<() => void>): Promise<boolean> {
    const processor = this.processors?.get(row.source);
    if (!processor?.inline) return false;
    try {
      await tx.transaction(async (sp) => {
        const outcome = await processor.process(row, { tx: sp, queue: this.queue, inline: true });
        if (outcome.status === 'unparseable') await this.inbox.settle(sp, row.id, 'unparseable', outcome.reason);
        else {
          await this.inbox.settle(sp, row.id, 'processed');
          if (outcome.afterCommit) afterCommit.push(outcome.afterCommit);
        }
      });
      return true;
    } catch (err) {
      this.log?.warn({ err, inboxId: row.id, source: row.source }, 'inline processing failed; falling back to a job');
      return false;
    }
  }
}
