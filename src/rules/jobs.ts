// The trigger and the job: one `rules.evaluate` per (integration, communication), coalesced — a
// newer change while one waits adds nothing, since the job reads the latest state when it runs.
import type { Tx } from '../db/index.ts';
import { rethrowAsReschedule } from '../moysklad/index.ts';
import { defineJob, RescheduleError, type JobQueue } from '../queue/index.ts';
import type { Channel } from './communication.ts';
import type { EvaluateData, RulesEvaluator } from './evaluate.ts';
import { PhoneLockedError } from './execute.ts';

export const RULES_EVALUATE_JOB = 'rules.evaluate';

export const evaluateKey = (integrationId: string, channel: Channel, ref: string) => `${integrationId}:${channel}:${ref}`;

/** A communication whose change should be evaluated by the rules. */
export type RulesTrigger = { accountId: string; integrationId: string; channel: Channel; ref: string };

/**
 * Queues evaluations of communications whose change is settled (inside the caller's transaction:
 * the jobs commit with whatever marked them due), several in one statement. Idempotent: while a
 * job for a communication waits, this adds nothing for it. Events of one communication come in
 * bursts; the caller waits for the burst to pass (calls: the session's rules_due_at, see
 * src/telephony/calls/rules-outbox.ts) so that one job sees the final state.
 */
export async function scheduleRulesEvaluations(tx: Tx | undefined, queue: JobQueue, list: RulesTrigger[]): Promise<void> {
  if (list.length === 0) return;
  await queue.insert(
    RULES_EVALUATE_JOB,
    list.map((c) => ({
      data: { accountId: c.accountId, integrationId: c.integrationId, channel: c.channel, ref: c.ref } satisfies EvaluateData,
      singletonKey: evaluateKey(c.integrationId, c.channel, c.ref),
    })),
    tx,
  );
}

export function rulesEvaluateJob(evaluator: () => RulesEvaluator) {
  return defineJob<EvaluateData>({
    name: RULES_EVALUATE_JOB,
    // MoySklad can be down for a while; keep trying with back-off rather than lose a task.
    queue: { policy: 'stately', retryLimit: 200, retryDelay: 2, retryBackoff: true, retryDelayMax: 300, expireInSeconds: 300 },
    handler: async (d) => {
      try {
        const out = await evaluator().evaluate(d);
        return out.kind === 'done' ? { result: out.result } : out;
      } catch (err) {
        if (err instanceof PhoneLockedError) throw new RescheduleError(err.retryAt, { cause: err });
        return rethrowAsReschedule(err, d);
      }
    },
  });
}
