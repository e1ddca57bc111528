// Audit copies of routing requests, written to the inbox after the answer went out. Writes are
// batched (one multi-row INSERT per ~100 ms) because one transaction per request would cap the
// endpoint at the database's commit rate; a failed batch stays queued and is retried.
import type { Logger } from 'pino';
import { tables, type Db } from '../../db/index.ts';
import type { NewInboxItem } from '../../inbox/index.ts';

const FLUSH_MS = 100;
const MAX_BATCH = 500;
const MAX_PENDING = 20_000;

export class RoutingAudit {
  private pending: NewInboxItem[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  add(item: NewInboxItem): void {
    if (this.pending.length >= MAX_PENDING) {
      this.log.error({ dropped: 1 }, 'routing audit backlog full; request not stored in the inbox');
      return;
    }
    this.pending.push(item);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Writes everything pending (also called on shutdown). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (!this.pending.length) return;
    const batch = this.pending.splice(0, MAX_BATCH);
    this.flushing = (async () => {
      try {
        const now = new Date();
        await this.db.insert(tables.inbox).values(batch.map((i) => ({ ...i, status: 'processed' as const, processedAt: now })));
      } catch (err) {
        this.log.warn({ err, items: batch.length }, 'routing audit write failed; will retry');
        this.pending.unshift(...batch);
        this.timer ??= setTimeout(() => void this.flush(), 1000);
      }
    })().finally(() => (this.flushing = undefined));
    await this.flushing;
    if (this.pending.length) this.timer ??= setTimeout(() => void this.flush(), 0);
  }
}
