// "What would these rules do for this sample communication?" — the plan, rendered for a person,
// without a single request to MoySklad or UIS.
import { z } from 'zod';
import { phoneKey } from '../phone/index.ts';
import { ATTRIBUTION_KEYS, type Communication } from './communication.ts';
import { planActions, type Plan } from './plan.ts';
import type { RuleSet } from './schema.ts';
import type { RulesStore } from './store.ts';
import { displayPhone, renderTemplate, templateVars } from './template.ts';

export const sampleSchema = z.strictObject({
  channel: z.enum(['call', 'chat', 'offline']).default('call'),
  direction: z.enum(['in', 'out']).default('in'),
  outcome: z.enum(['answered', 'missed', 'lost']).default('answered'),
  contactPhone: z.string().min(1).max(40).optional(),
  virtualNumber: z.string().max(100).optional(),
  chatChannel: z.string().max(100).optional(),
  internal: z.boolean().default(false),
  startedAt: z.iso.datetime({ offset: true }).optional(),
  talkDurationSec: z.number().int().min(0).default(0),
  /** Override the history check: is this number new to the account? */
  firstContact: z.boolean().optional(),
  attribution: z.partialRecord(z.enum(ATTRIBUTION_KEYS), z.string().max(1000)).default({}),
});
export type Sample = z.infer<typeof sampleSchema>;

export function sampleCommunication(s: Sample): Communication {
  const startedAt = s.startedAt ? new Date(s.startedAt) : new Date();
  return {
    channel: s.channel,
    ref: 'preview',
    direction: s.direction,
    outcome: s.outcome === 'answered' ? 'answered' : 'missed',
    lost: s.outcome === 'lost',
    finished: true,
    internal: s.internal,
    ...(s.contactPhone ? { contactPhone: s.contactPhone } : {}),
    ...(s.virtualNumber ? { virtualNumber: s.virtualNumber } : {}),
    ...(s.chatChannel ? { chatChannel: s.chatChannel } : {}),
    startedAt,
    endedAt: new Date(startedAt.getTime() + s.talkDurationSec * 1000),
    talkDurationSec: s.outcome === 'answered' ? s.talkDurationSec : 0,
    rang: [],
    attribution: s.attribution,
  };
}

export interface PreviewAction {
  kind: 'counterparty' | 'order' | 'task' | 'close_tasks' | 'fields';
  rule?: string;
  /** Russian, for the user. */
  text: string;
  details: Record<string, unknown>;
}

export async function previewRules(store: RulesStore, accountId: string, rs: RuleSet, sample: Sample, now = new Date()) {
  const c = sampleCommunication(sample);
  const pk = c.contactPhone ? phoneKey(c.contactPhone) : null;
  const firstContact =
    sample.firstContact ?? (pk ? !(await store.contactedBefore(accountId, pk, c.startedAt, c.ref)) && !(await store.knownCounterparty(accountId, pk)) : true);
  const plan = planActions(rs, c, { firstContact }, now);
  return { plan: serialisePlan(plan), actions: describe(plan, c, rs) };
}

function serialisePlan(p: Plan) {
  return { ...p, ...(p.task ? { task: { ...p.task, dueAt: p.task.dueAt.toISOString() } } : {}) };
}

function describe(p: Plan, c: Communication, rs: RuleSet): PreviewAction[] {
  if (p.excluded) return [];
  const out: PreviewAction[] = [];
  const name = (id: string) => rs.rules.find((r) => r.id === id)?.name ?? id;
  const vars = templateVars(c, { timeZone: rs.settings.workingHours.timeZone, extra: { counterparty_link: '<ссылка на контрагента>' } });
  const phone = displayPhone(c.contactPhone);
  if (p.counterparty) {
    const a = p.counterparty.action;
    out.push({
      kind: 'counterparty',
      rule: name(p.counterparty.ruleId),
      text:
        a.mode === 'find_or_create'
          ? `Найти контрагента по номеру ${phone} (и контактным лицам); если нет — создать «${renderTemplate(a.nameTemplate, vars)}»`
          : `Найти контрагента по номеру ${phone}; не создавать`,
      details: { ...a, name: renderTemplate(a.nameTemplate, vars) },
    });
  }
  if (p.order) {
    const a = p.order.action;
    out.push({
      kind: 'order',
      rule: name(p.order.ruleId),
      text: `${a.mode === 'always' ? 'Создать заказ' : `Создать заказ, если у контрагента нет открытого заказа за ${a.openWithinDays} дн.`}${a.stateName ? ` в статусе «${a.stateName}»` : a.stateId ? ` в статусе ${a.stateId}` : ''}`,
      details: { ...a, description: renderTemplate(a.descriptionTemplate, vars), ...(p.order.override !== undefined ? { override: p.order.override } : {}) },
    });
  }
  if (p.task) {
    const a = p.task.action;
    out.push({
      kind: 'task',
      rule: name(p.task.ruleId),
      text: `Создать задачу (ответственный: ${a.assignee.map((x) => ASSIGNEE[x]).join(' → ')}), срок ${p.task.dueAt.toISOString()}${a.autoClose ? '; закрыть, когда до клиента дозвонятся' : ''}`,
      details: { ...a, dueAt: p.task.dueAt.toISOString(), description: renderTemplate(a.descriptionTemplate, vars) },
    });
  }
  if (p.closesTasks) out.push({ kind: 'close_tasks', text: `Закрыть открытые автоматические задачи по номеру ${phone}`, details: {} });
  if (p.fields.length) {
    out.push({
      kind: 'fields',
      text: `Заполнить доп. поля: ${p.fields.map((f) => `${f.entity === 'counterparty' ? 'контрагент' : 'заказ'} «${f.attribute}» = ${f.value}${f.overwrite ? ' (с перезаписью)' : ''}`).join('; ')}`,
      details: { fields: p.fields },
    });
  }
  return out;
}

const ASSIGNEE = { answered: 'ответивший сотрудник', counterparty_owner: 'ответственный за контрагента', last_rang: 'последний, кому звонили', default: 'сотрудник по умолчанию' } as const;
