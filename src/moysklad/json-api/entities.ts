// Minimal, loose zod schemas for the JSON API 1.2 entities the connector reads. Only the fields the
// domain uses are declared; MoySklad adds fields over time, so every object keeps unknown keys
// (z.looseObject) and optional fields stay optional.
import { z } from 'zod';

export const metaSchema = z.looseObject({
  href: z.string(),
  type: z.string(),
  mediaType: z.string().optional(),
  metadataHref: z.string().optional(),
  uuidHref: z.string().optional(),
  downloadHref: z.string().optional(),
  size: z.number().optional(),
  limit: z.number().optional(),
  offset: z.number().optional(),
  nextHref: z.string().optional(),
  previousHref: z.string().optional(),
});
export type Meta = z.infer<typeof metaSchema>;

/** `{meta}` reference as MoySklad returns it (possibly expanded: then more fields are present). */
export const refSchema = z.looseObject({ meta: metaSchema, id: z.string().optional(), name: z.string().optional() });
export type Ref = z.infer<typeof refSchema>;

const base = {
  id: z.string(),
  accountId: z.string().optional(),
  meta: metaSchema,
  updated: z.string().optional(),
  created: z.string().optional(),
};

export const attributeValueSchema = z.looseObject({
  meta: metaSchema.optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  type: z.string().optional(),
  value: z.unknown().optional(),
});
export type AttributeValue = z.infer<typeof attributeValueSchema>;

export const attributeSchema = z.looseObject({
  ...base,
  name: z.string(),
  type: z.string(),
  required: z.boolean().optional(),
  show: z.boolean().optional(),
  description: z.string().optional(),
  customEntityMeta: metaSchema.optional(),
});
export type AttributeMetadata = z.infer<typeof attributeSchema>;

export const stateSchema = z.looseObject({
  ...base,
  name: z.string(),
  color: z.number().optional(),
  stateType: z.enum(['Regular', 'Successful', 'Unsuccessful']).or(z.string()).optional(),
  entityType: z.string().optional(),
});
export type State = z.infer<typeof stateSchema>;

export const contactPersonSchema = z.looseObject({
  ...base,
  name: z.string(),
  phone: z.string().optional(),
  email: z.string().optional(),
  position: z.string().optional(),
  description: z.string().optional(),
  externalCode: z.string().optional(),
});
export type ContactPerson = z.infer<typeof contactPersonSchema>;

/** `contactpersons` is a MetaArray: `{meta}` unless expanded, then `{meta, rows}`. */
const contactPersonsField = z.looseObject({ meta: metaSchema, rows: z.array(contactPersonSchema).optional() });

export const counterpartySchema = z.looseObject({
  ...base,
  name: z.string(),
  syncId: z.string().optional(),
  externalCode: z.string().optional(),
  code: z.string().optional(),
  description: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  companyType: z.string().optional(),
  legalTitle: z.string().optional(),
  tags: z.array(z.string()).optional(),
  archived: z.boolean().optional(),
  owner: refSchema.optional(),
  group: refSchema.optional(),
  state: refSchema.optional(),
  attributes: z.array(attributeValueSchema).optional(),
  contactpersons: contactPersonsField.optional(),
});
export type Counterparty = z.infer<typeof counterpartySchema>;

export const customerOrderSchema = z.looseObject({
  ...base,
  name: z.string(),
  syncId: z.string().optional(),
  externalCode: z.string().optional(),
  description: z.string().optional(),
  moment: z.string().optional(),
  deleted: z.string().optional(),
  applicable: z.boolean().optional(),
  /** Kopecks. */
  sum: z.number().optional(),
  payedSum: z.number().optional(),
  shippedSum: z.number().optional(),
  agent: refSchema.optional(),
  organization: refSchema.optional(),
  state: refSchema.optional(),
  store: refSchema.optional(),
  project: refSchema.optional(),
  salesChannel: refSchema.optional(),
  owner: refSchema.optional(),
  group: refSchema.optional(),
  attributes: z.array(attributeValueSchema).optional(),
});
export type CustomerOrder = z.infer<typeof customerOrderSchema>;

const namedEntity = z.looseObject({
  ...base,
  name: z.string(),
  code: z.string().optional(),
  externalCode: z.string().optional(),
  description: z.string().optional(),
  archived: z.boolean().optional(),
});

export const storeSchema = namedEntity;
export type Store = z.infer<typeof storeSchema>;
export const projectSchema = namedEntity;
export type Project = z.infer<typeof projectSchema>;
export const organizationSchema = namedEntity.extend({ legalTitle: z.string().optional() });
export type Organization = z.infer<typeof organizationSchema>;
export const salesChannelSchema = namedEntity.extend({ type: z.string().optional() });
export type SalesChannel = z.infer<typeof salesChannelSchema>;

export const employeeSchema = z.looseObject({
  ...base,
  name: z.string().optional(),
  firstName: z.string().optional(),
  middleName: z.string().optional(),
  lastName: z.string().optional(),
  fullName: z.string().optional(),
  shortFio: z.string().optional(),
  uid: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  position: z.string().optional(),
  archived: z.boolean().optional(),
});
export type Employee = z.infer<typeof employeeSchema>;

export const taskSchema = z.looseObject({
  ...base,
  description: z.string(),
  assignee: refSchema.optional(),
  author: refSchema.optional(),
  agent: refSchema.optional(),
  operation: refSchema.optional(),
  dueToDate: z.string().optional(),
  done: z.boolean().optional(),
  completed: z.string().optional(),
  state: refSchema.optional(),
});
export type Task = z.infer<typeof taskSchema>;

export const webhookActionSchema = z.enum(['CREATE', 'UPDATE', 'DELETE', 'PROCESSED']);
export type WebhookAction = z.infer<typeof webhookActionSchema>;

export const webhookSchema = z.looseObject({
  ...base,
  entityType: z.string(),
  action: webhookActionSchema.or(z.string()),
  url: z.string(),
  method: z.string().optional(),
  enabled: z.boolean().optional(),
  diffType: z.string().optional(),
  authorApplication: refSchema.optional(),
});
export type Webhook = z.infer<typeof webhookSchema>;

export const noteSchema = z.looseObject({
  id: z.string().optional(),
  meta: metaSchema.optional(),
  description: z.string(),
  created: z.string().optional(),
});
export type Note = z.infer<typeof noteSchema>;

export const entityMetadataSchema = z.looseObject({
  // The metadata object's own meta carries only href + mediaType (no type).
  meta: z.unknown().optional(),
  states: z.array(stateSchema).optional(),
  attributes: z.unknown().optional(),
});
export type EntityMetadata = z.infer<typeof entityMetadataSchema>;

export function listSchema<T extends z.ZodType>(row: T) {
  return z.looseObject({
    context: z.unknown().optional(),
    meta: metaSchema.extend({ size: z.number().optional() }),
    rows: z.array(row),
  });
}
export interface ListPage<T> {
  meta: Meta;
  rows: T[];
}

/** Maps the entity keyword to its row schema; unknown entities are read with a generic loose schema. */
export const entitySchemas = {
  counterparty: counterpartySchema,
  contactperson: contactPersonSchema,
  customerorder: customerOrderSchema,
  store: storeSchema,
  project: projectSchema,
  organization: organizationSchema,
  saleschannel: salesChannelSchema,
  employee: employeeSchema,
  task: taskSchema,
  webhook: webhookSchema,
} as const;
export type KnownEntity = keyof typeof entitySchemas;
export type EntityOf<E extends KnownEntity> = z.infer<(typeof entitySchemas)[E]>;

/** The id is the last path segment of a meta href (MoySklad has no other place to read it from in refs). */
export function idFromHref(href: string): string {
  const path = href.split('?')[0] ?? href;
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Builds a `{meta}` reference for writing (href + type + mediaType is what MoySklad wants). */
export function ref(baseUrl: string, type: string, idOrPath: string): { meta: { href: string; type: string; mediaType: string } } {
  const path = idOrPath.includes('/') ? idOrPath : `entity/${type}/${idOrPath}`;
  return { meta: { href: `${baseUrl.replace(/\/+$/, '')}/${path}`, type, mediaType: 'application/json' } };
}
