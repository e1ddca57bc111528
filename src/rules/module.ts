// The rules module as the program sees it: one evaluator per running program, its job, and the
// services the cabinet API uses.
import type { AppContext } from '../runtime/context.ts';
import { DbRateGate } from '../moysklad/index.ts';
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
      integrationsRepo: ctx.integrationsRepo,
      gate: patientGate(new DbRateGate(db, { log: ctx.log.child({ module: 'rate-gate' }) })),
    });
    evaluators.set(ctx, e);
  }
  return e;
}

export function rulesJobs(ctx: AppContext): JobDefinition[] {
  return [rulesEvaluateJob(() => rulesEvaluatorFor(ctx))];
}
