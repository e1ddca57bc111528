// What happens to an inbox item after it is stored: one processor per source. A processor works
// inside the item's transaction (domain writes + follow-up jobs commit with the "processed" mark),
// never calls out over the network, and says "unparseable" with a reason instead of throwing on
// garbage, so bad input is kept and shown rather than retried forever.
import type { Tx } from '../db/index.ts';
import type { JobQueue } from '../queue/index.ts';
import type { InboxRow } from './inbox-repository.ts';

export type ProcessOutcome =
  /** `afterCommit` runs once the item's transaction committed (e.g. kick a latency-critical worker). */
  | { status: 'processed'; afterCommit?: () => void }
  | { status: 'unparseable'; reason: string };

export type InboxProcessor = {
  source: string;
  /**
   * Latency-critical source (e.g. UIS call notifications driving pop-up cards): processed in-process
   * right after intake when the receiving process runs workers; the job is then only the fallback.
   */
  inline?: boolean;
  process(item: InboxRow, ctx: { tx: Tx; queue: JobQueue }): Promise<ProcessOutcome>;
  /**
   * Optional: the outcomes `process` would give for each of `items` in turn, with fewer statements
   * (a batch's writes together). Used whenever several items of this source are processed at once.
   */
  processMany?(items: InboxRow[], ctx: { tx: Tx; queue: JobQueue }): Promise<ProcessOutcome[]>;
};

export class InboxProcessors {
  private readonly bySource = new Map<string, InboxProcessor>();

  register(p: InboxProcessor): this {
    if (this.bySource.has(p.source)) throw new Error(`inbox processor for ${p.source} registered twice`);
    this.bySource.set(p.source, p);
    return this;
  }

  get(source: string): InboxProcessor | undefined {
    return this.bySource.get(source);
  }
}
