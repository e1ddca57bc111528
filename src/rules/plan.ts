// From rules to a plan: which actions a communication gets. Pure, so the cabinet's preview and the
// worker share it. For each action kind (counterparty, order, task) the first enabled matching rule
// that has it wins; a matching rule with `stop` ends the search.
import { phoneKey } from '../phone/index.ts';
import { ATTRIBUTION_KEYS, type Communication } from './communication.ts';
import { exclusionOf, failedConditions, type EvalContext } from './conditions.ts';
import type { CounterpartyAction, OrderAction, RuleSet, TaskAction } from './schema.ts';
import { isWithinWorkingHours, nextWorkingStart } from './working-hours.ts';

export interface PlannedField {
  entity: 'counterparty' | 'customerorder';
  attribute: string;
  value: string;
  overwrite: boolean;
}

export interface Plan {
  /** Not a client contact (internal call, own number …): nothing happens. */
  excluded?: { reason: string; message: string };
  firstContact: boolean;
  rules: Array<{ id: string; name: string; matched: boolean; failed: string[] }>;
  counterparty?: { ruleId: string; action: CounterpartyAction };
  order?: { ruleId: string; action: OrderAction; override?: number };
  task?: { ruleId: string; action: TaskAction; dueAt: Date };
  /** The client was reached: open auto-tasks for this number get closed. */
  closesTasks: boolean;
  fields: PlannedField[];
}

/** Attribution values a mapping can read. */
export function fieldSource(c: Communication, source: string): string | undefined {
  if (source === 'virtual_number') return c.channel === 'call' ? c.virtualNumber : (c.chatChannel ?? c.virtualNumber);
  if (source === 'channel') return c.channel === 'call' ? 'Звонок' : c.channel === 'chat' ? 'Чат' : 'Заявка';
  if ((ATTRIBUTION_KEYS as readonly string[]).includes(source)) return c.attribution[source as keyof typeof c.attribution];
  return undefined;
}

export function applyOrderOverride(a: OrderAction, c: Communication): { action: OrderAction; override?: number } {
  const campaign = c.attribution.campaign?.toLowerCase();
  const virtual = phoneKey(c.virtualNumber ?? '') ?? c.chatChannel ?? c.virtualNumber;
  const i = a.overrides.findIndex(
    (o) =>
      (!o.virtualNumbers || (virtual !== undefined && o.virtualNumbers.some((n) => (phoneKey(n) ?? n) === virtual))) &&
      (!o.campaigns || (campaign !== undefined && o.campaigns.some((x) => x.toLowerCase() === campaign))) &&
      (o.virtualNumbers !== undefined || o.campaigns !== undefined),
  );
  if (i < 0) return { action: a };
  const { virtualNumbers: _v, campaigns: _c, ...fields } = a.overrides[i]!;
  const set = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  // A stage chosen by id in the override beats a stage by name in the base, and vice versa.
  const base = { ...a };
  if (set.stateId || set.stateName) {
    delete base.stateId;
    delete base.stateName;
  }
  return { action: { ...base, ...set }, override: i };
}

export function taskDueAt(a: TaskAction, c: Communication, rs: RuleSet, now: Date): Date {
  const from = c.endedAt ?? c.startedAt;
  const base = from.getTime() > now.getTime() ? from : now;
  if (a.due.kind === 'minutes') return new Date(base.getTime() + a.due.minutes * 60_000);
  if (isWithinWorkingHours(base, rs.settings.workingHours)) return new Date(base.getTime() + a.due.minutes * 60_000);
  const start = nextWorkingStart(base, rs.settings.workingHours) ?? base;
  return new Date(start.getTime() + a.due.minutes * 60_000);
}

export function planActions(rs: RuleSet, c: Communication, ctx: EvalContext, now = new Date()): Plan {
  const plan: Plan = { firstContact: ctx.firstContact, rules: [], closesTasks: false, fields: [] };
  const excluded = exclusionOf(c, rs.settings);
  if (excluded) return { ...plan, excluded };
  plan.closesTasks = c.outcome === 'answered';
  let stopped = false;
  for (const r of rs.rules) {
    if (!r.enabled || stopped) {
      plan.rules.push({ id: r.id, name: r.name, matched: false, failed: r.enabled ? ['stopped'] : ['disabled'] });
      continue;
    }
    const failed = failedConditions(r.conditions, c, ctx, rs.settings);
    plan.rules.push({ id: r.id, name: r.name, matched: failed.length === 0, failed });
    if (failed.length) continue;
    const a = r.actions;
    if (a.counterparty && !plan.counterparty) plan.counterparty = { ruleId: r.id, action: a.counterparty };
    if (a.order && !plan.order) {
      const o = applyOrderOverride(a.order, c);
      plan.order = { ruleId: r.id, ...o };
    }
    if (a.task && !plan.task) plan.task = { ruleId: r.id, action: a.task, dueAt: taskDueAt(a.task, c, rs, now) };
    if (r.stop) stopped = true;
  }
  if (plan.order?.action.mode === 'never') delete plan.order;
  for (const m of rs.settings.fields) {
    const value = fieldSource(c, m.source);
    if (value !== undefined && value !== '') plan.fields.push({ entity: m.entity, attribute: m.attribute, value, overwrite: m.overwrite });
  }
  return plan;
}
