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
// are processed in this process right after the commit, when it runs workers; their job is then
// deferred a few seconds and is only the durable fallback (it finds the item settled).
import type { Logger } from 'pino';
import type { Db } from '../db/index.ts';
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
/** How long the durable job of an in-process item waits before it checks the item was settled. */
export const INLINE_FALLBACK_DELAY_MS = 10_000;

export class Intake {
  private pending: Pending[] = [];
  private flushing = false;
  private worker: InboxWorker | undefined;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly inbox: InboxRepository,
    private readonly queue: JobQueue,
    private readonly processors: InboxProcessors,
    private readonly log: Logger,
  ) {}

  /** Called by processes that run workers: inline sources are then processed here, right after intake. */
  processInProcess(worker: InboxWorker): void {
    this.worker = worker;
  }

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

  /** Resolves when the in-process processing started so far has finished (tests, graceful stop). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
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
    const now = Date.now();
    const inline: number[] = [];
    const ids = await this.db.transaction(async (tx) => {
      const rows = await this.inbox.insertMany(
        tx,
        batch.map((p) => p.item),
      );
      const jobs = rows.map((row, i) => {
        const here = this.worker !== undefined && this.processors.get(row.source)?.inline === true;
        if (here) inline.push(row.id);
        return {
          data: { inboxId: row.id },
          priority: batch[i]!.priority,
          ...(here && { startAfter: new Date(now + INLINE_FALLBACK_DELAY_MS) }),
        };
      });
      await this.queue.insert(INBOX_PROCESS_JOB, jobs, tx);
      return rows.map((r) => r.id);
    });
    if (inline.length > 0) this.processNow(inline);
    return ids;
  }

  private processNow(ids: number[]): void {
    const p = this.worker!
      .process(ids)
      .catch((err: unknown) => this.log.warn({ err, count: ids.length }, 'in-process inbox processing failed; the queued jobs will retry'));
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }
}
