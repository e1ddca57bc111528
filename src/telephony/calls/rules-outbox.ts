// The rules' outbox. The statement that writes a call session also marks when the call's rules
// evaluation is due (`call_sessions.rules_due_at`, see session-batch-sql.ts), so the intake
// transaction on the pop-up path inserts no job; here the due marks become `rules.evaluate` jobs,
// many per statement, each mark cleared in the transaction that queues its job.
//
// Fast path: a timer in this process, armed after the commit that made a call due. Durable
// fallback: the call sweeper (every minute) dispatches whatever is due, e.g. after a restart.
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/index.ts';
import type { JobQueue } from '../../queue/index.ts';
import { scheduleRulesEvaluations } from '../../rules/index.ts';
import { rowsOf } from './call-store.ts';
import { RULES_DUE_DELAY_MS } from './session-batch-sql.ts';

const BATCH = 500;
/** The database's clock decides what is due; a little slack so the timer does not fire early. */
const TIMER_SLACK_MS = 50;

export class RulesOutbox {
  private timer: NodeJS.Timeout | undefined;
  /** The latest moment some committed write asked to be dispatched at. */
  private wanted = 0;
  private running: Promise<number> = Promise.resolve(0);

  constructor(
    private readonly db: Db,
    private readonly queue: () => JobQueue,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Call after the commit of a write that made a call's rules due. */
  due(): void {
    this.wanted = Math.max(this.wanted, Date.now() + RULES_DUE_DELAY_MS + TIMER_SLACK_MS);
    if (!this.timer) this.arm();
  }

  private arm(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.dispatch()
        .catch(this.onError) // the sweeper dispatches it later
        .finally(() => {
          if (this.wanted > Date.now() && !this.timer) this.arm();
        });
    }, Math.max(0, this.wanted - Date.now()));
    this.timer.unref();
  }

  /** Queues every due evaluation; one dispatch at a time in this process. Resolves with how many. */
  dispatch(): Promise<number> {
    const run = this.running.catch(() => 0).then(() => this.dispatchAll());
    this.running = run;
    return run;
  }

  private async dispatchAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.db.transaction(async (tx) => {
        // skip locked: another worker process dispatching at the same time takes other rows.
        const rows = await rowsOf<{ account_id: string; integration_id: string; call_session_id: string }>(tx, sql`
          with due as (
            select integration_id, call_session_id from call_sessions
            where rules_due_at <= now()
            order by rules_due_at
            limit ${BATCH}
            for update skip locked
          )
          update call_sessions s set rules_due_at = null
          from due where s.integration_id = due.integration_id and s.call_session_id = due.call_session_id
          returning s.account_id::text, s.integration_id::text, s.call_session_id`);
        await scheduleRulesEvaluations(
          tx,
          this.queue(),
          rows.map((r) => ({ accountId: r.account_id, integrationId: r.integration_id, channel: 'call' as const, ref: r.call_session_id })),
        );
        return rows.length;
      });
      total += n;
      if (n < BATCH) return total;
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
