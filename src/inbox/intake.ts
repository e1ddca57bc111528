// Receiving: the raw request is written to the inbox and its processing job enqueued in ONE
// transaction, before the caller answers 200. Nothing acknowledged can be lost.
import type { Db } from '../db/index.ts';
import type { JobQueue } from '../queue/index.ts';
import type { InboxRepository, NewInboxItem } from './inbox-repository.ts';
import { INBOX_PROCESS_JOB } from './process-job.ts';

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

export class Intake {
  constructor(
    private readonly db: Db,
    private readonly inbox: InboxRepository,
    private readonly queue: JobQueue,
  ) {}

  /** Stores and enqueues; resolves only after both are committed. */
  async accept(item: NewInboxItem, opts: { priority?: number } = {}): Promise<number> {
    return this.db.transaction(async (tx) => {
      const id = await this.inbox.insert(tx, item);
      await this.queue.send(INBOX_PROCESS_JOB, { inboxId: id }, { priority: opts.priority ?? 0 }, tx);
      return id;
    });
  }

  /** Stores input that can never be processed (e.g. not even a readable body), with the reason. */
  async reject(item: NewInboxItem, reason: string): Promise<number> {
    return this.inbox.insert(this.db, item, 'unparseable', reason);
  }
}
