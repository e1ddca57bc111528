// The rules module as the program sees it: one evaluator per running program, its job, and the
// services the cabinet API uses.
import type { AppContext } from '../runtime/context.ts';
import type { JobDefinition } from '../queue/index.ts';
import { RulesEvaluator } from './evaluate.ts';
import { rulesEvaluateJob } from './jobs.ts';
import { patientGate } from './patient-gate.ts';

const evaluators = new WeakMap<AppContext, RulesEvaluator>();

export function rulesEvaluatorFor(ctx: AppContext): RulesEvaluator {
  let e = evaluators.get(ctx);
  if (!e) {
    const db = ctx.database.db;
    const log = ctx.log.child({ module: 'rules' });
    e = new RulesEvaluator({
      db,
      log,
      config: ctx.config,
      credentials: ctx.credentials,
      // The process's one gate (shared with calls and deals), patient for short waits.
      gate: patientGate(ctx.gate),
    });
    evaluators.set(ctx, e);
  }
  return e;
}

export function rulesJobs(ctx: AppContext): JobDefinition[] {
  return [rulesEvaluateJob(() => rulesEvaluatorFor(ctx))];
}
