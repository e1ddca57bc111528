// The rules a user edits: an ordered list per integration, each with conditions and actions, plus
// integration-wide settings (own numbers, working hours, extra-field mapping). Strict zod objects:
// a typo is a 400, not a silently ignored rule.
import { z } from 'zod';
import { ATTRIBUTION_KEYS } from './communication.ts';

const msId = z.string().regex(/^[0-9a-zA-Z-]{1,64}$/, 'id объекта МойСклад');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'время ЧЧ:ММ');
const digits = z.string().regex(/^\+?[\d\s()-]{3,20}$/, 'номер телефона');

export const conditionsSchema = z.strictObject({
  channels: z.array(z.enum(['call', 'chat', 'offline'])).min(1).optional(),
  directions: z.array(z.enum(['in', 'out'])).min(1).optional(),
  /** missed = nobody answered (UIS "lost" included); lost = only what UIS counts as lost. */
  outcomes: z.array(z.enum(['answered', 'missed', 'lost'])).min(1).optional(),
  contact: z.enum(['any', 'first', 'returning']).default('any'),
  /** Dialled virtual numbers (calls) or chat channel names (chats). */
  virtualNumbers: z.array(z.string().min(1).max(100)).min(1).optional(),
  campaigns: z.array(z.string().min(1).max(255)).min(1).optional(),
  utmSources: z.array(z.string().min(1).max(255)).min(1).optional(),
  minTalkSec: z.number().int().min(0).max(86_400).optional(),
  workingHours: z.enum(['any', 'inside', 'outside']).default('any'),
});
export type Conditions = z.infer<typeof conditionsSchema>;

/** Who becomes responsible: tried in order, the first that resolves to a MoySklad employee wins. */
export const employeeSourceSchema = z.enum(['answered', 'counterparty_owner', 'last_rang', 'default']);
export type EmployeeSource = z.infer<typeof employeeSourceSchema>;

export const counterpartyActionSchema = z.strictObject({
  /** find: link to an existing one only; find_or_create: create when absent. */
  mode: z.enum(['find', 'find_or_create']).default('find_or_create'),
  nameTemplate: z.string().min(1).max(255).default('Клиент {{phone}}'),
  companyType: z.enum(['individual', 'legal', 'entrepreneur']).default('individual'),
  tags: z.array(z.string().min(1).max(100)).max(20).default([]),
  owner: z.array(employeeSourceSchema).default(['answered', 'default']),
  defaultOwnerId: msId.optional(),
});
export type CounterpartyAction = z.infer<typeof counterpartyActionSchema>;

const orderFields = {
  organizationId: msId.optional(),
  stateId: msId.optional(),
  /** Alternative to stateId: the funnel stage by name (resolved at run time). */
  stateName: z.string().min(1).max(255).optional(),
  storeId: msId.optional(),
  salesChannelId: msId.optional(),
  projectId: msId.optional(),
};

export const orderOverrideSchema = z.strictObject({
  virtualNumbers: z.array(z.string().min(1)).min(1).optional(),
  campaigns: z.array(z.string().min(1)).min(1).optional(),
  ...orderFields,
});

export const orderActionSchema = z.strictObject({
  mode: z.enum(['never', 'always', 'if_no_open']).default('if_no_open'),
  /** if_no_open: an order of the counterparty in a non-final stage within this many days blocks a new one. */
  openWithinDays: z.number().int().min(1).max(3650).default(30),
  ...orderFields,
  owner: z.array(employeeSourceSchema).default(['answered', 'counterparty_owner', 'default']),
  defaultOwnerId: msId.optional(),
  descriptionTemplate: z.string().max(4096).default('Обращение: {{summary}} от {{phone}} ({{date}} {{time}}) {{campaign}}'),
  /** First matching override (by virtual number or campaign) replaces the fields it sets. */
  overrides: z.array(orderOverrideSchema).max(50).default([]),
});
export type OrderAction = z.infer<typeof orderActionSchema>;

export const taskActionSchema = z.strictObject({
  assignee: z.array(employeeSourceSchema).min(1).default(['counterparty_owner', 'last_rang', 'default']),
  defaultAssigneeId: msId.optional(),
  due: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('minutes'), minutes: z.number().int().min(0).max(60 * 24 * 30) }),
      /** Within working hours: in `minutes`; outside: at the next working-hours start plus `minutes`. */
      z.strictObject({ kind: z.literal('next_working_start'), minutes: z.number().int().min(0).max(60 * 24).default(30) }),
    ])
    .default({ kind: 'minutes', minutes: 30 }),
  descriptionTemplate: z
    .string()
    .min(1)
    .max(4096)
    .default('Перезвонить клиенту {{phone}}: {{summary}} {{date}} {{time}} на {{virtual_number}}. {{counterparty_link}}'),
  /** Mark the task done when the client is reached later (answered call, callback, answered chat). */
  autoClose: z.boolean().default(true),
});
export type TaskAction = z.infer<typeof taskActionSchema>;

export const ruleSchema = z.strictObject({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  enabled: z.boolean().default(true),
  conditions: conditionsSchema.default({ contact: 'any', workingHours: 'any' }),
  actions: z.strictObject({
    counterparty: counterpartyActionSchema.optional(),
    order: orderActionSchema.optional(),
    task: taskActionSchema.optional(),
  }),
  /** No rule after this one is looked at when this one matched. */
  stop: z.boolean().default(false),
});
export type Rule = z.infer<typeof ruleSchema>;

const dayHours = z.tuple([hhmm, hhmm]).nullable();
export const workingHoursSchema = z.strictObject({
  timeZone: z.string().min(1).max(64).default('Europe/Moscow'),
  /** Monday … Sunday; null = day off. */
  days: z.tuple([dayHours, dayHours, dayHours, dayHours, dayHours, dayHours, dayHours]).default([
    ['09:00', '18:00'], ['09:00', '18:00'], ['09:00', '18:00'], ['09:00', '18:00'], ['09:00', '18:00'], null, null,
  ]),
});
export type WorkingHours = z.infer<typeof workingHoursSchema>;

export const fieldMappingSchema = z.strictObject({
  source: z.enum([...ATTRIBUTION_KEYS, 'virtual_number', 'channel']),
  entity: z.enum(['counterparty', 'customerorder']),
  /** The MoySklad attribute (additional field) by name. */
  attribute: z.string().min(1).max(255),
  /** Replace a value that is already there (default: never). */
  overwrite: z.boolean().default(false),
});
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

export const ruleSettingsSchema = z.strictObject({
  /** Numbers that are never clients (own offices, employees' mobiles). */
  ownNumbers: z.array(digits).max(500).default([]),
  excludeInternal: z.boolean().default(true),
  workingHours: workingHoursSchema.default({ timeZone: 'Europe/Moscow', days: workingHoursSchema.shape.days.parse(undefined) }),
  fields: z.array(fieldMappingSchema).max(100).default([]),
  /** Create attribute definitions that do not exist yet (string type). */
  createMissingFields: z.boolean().default(false),
  /** Ask UIS (get.calls_report) for UTM, campaign, search query … when the integration has a UIS key. */
  enrichFromUis: z.boolean().default(true),
  /** Record the communication into the attribution index (end-to-end analytics). */
  recordCommunications: z.boolean().default(true),
});
export type RuleSettings = z.infer<typeof ruleSettingsSchema>;

export const ruleSetSchema = z
  .strictObject({
    rules: z.array(ruleSchema).max(100),
    settings: ruleSettingsSchema.default(() => ruleSettingsSchema.parse({})),
  })
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `повторяется id правила «${r.id}»` });
      seen.add(r.id);
    });
  });
export type RuleSet = z.infer<typeof ruleSetSchema>;
export type RuleSetInput = z.input<typeof ruleSetSchema>;

/**
 * What a new integration does without any editing: a new number becomes a counterparty, a missed
 * incoming call becomes a task for the owner (closed when the client is reached), no orders.
 */
export function defaultRuleSet(): RuleSet {
  return ruleSetSchema.parse({
    rules: [
      {
        id: 'new-number-counterparty',
        name: 'Новый номер → контрагент',
        conditions: { directions: ['in'] },
        actions: { counterparty: { mode: 'find_or_create' } },
      },
      {
        id: 'missed-task',
        name: 'Пропущенный → задача ответственному',
        conditions: { directions: ['in'], outcomes: ['missed'] },
        actions: { task: {} },
      },
    ],
  });
}
