// Phone API 1.0 wire types. References here are FLAT meta objects ({href,type,mediaType}), unlike
// JSON API's {meta:{…}}; the employee list spells the extension field "extention".
import { z } from 'zod';

export const flatMetaSchema = z.looseObject({
  href: z.string(),
  type: z.string(),
  mediaType: z.string().optional(),
});
export type FlatMeta = z.infer<typeof flatMetaSchema>;

export const CALL_EVENT_TYPES = ['SHOW', 'STARTTIME', 'HIDE', 'HIDE_ALL'] as const;
export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

export type CallEvent =
  | { eventType: 'SHOW' | 'STARTTIME' | 'HIDE'; extension: string; sequence: number; employee?: FlatMeta }
  | { eventType: 'HIDE_ALL'; sequence: number; extension?: string; employee?: FlatMeta };

export interface NewCall {
  /** Our own call id; `/call/extid/{externalId}` routes use it. */
  externalId: string;
  /** The client's number (E.164 recommended). */
  number: string;
  isIncoming: boolean;
  startTime: Date | string;
  counterparty?: FlatMeta;
  /** Set only once someone answered: PUT can never change it afterwards. */
  extension?: string;
  employee?: FlatMeta;
  endTime?: Date | string;
  /** Milliseconds. */
  durationMs?: number;
  recordUrl?: string[];
  comment?: string;
  events?: CallEvent[];
}

/** PUT semantics: fields already set on the call are NOT overwritten (except `comment`); recordUrl appends. */
export interface CallPatch {
  extension?: string;
  employee?: FlatMeta;
  endTime?: Date | string;
  durationMs?: number;
  recordUrl?: string[];
  /** `null` = leave unchanged (documented), so `{comment: null}` is a harmless no-op update. */
  comment?: string | null;
  events?: CallEvent[];
}

const nullable = <T extends z.ZodType>(s: T) => s.nullable().optional();

export const callSchema = z.looseObject({
  meta: flatMetaSchema.optional(),
  id: z.string(),
  externalId: nullable(z.string()),
  number: nullable(z.string()),
  counterparty: nullable(flatMetaSchema),
  counterpartyowner: nullable(z.looseObject({ extention: nullable(z.string()), meta: flatMetaSchema.optional() })),
  extension: nullable(z.string()),
  employee: nullable(flatMetaSchema),
  comment: nullable(z.string()),
  isIncoming: nullable(z.boolean()),
  startTime: nullable(z.string()),
  endTime: nullable(z.string()),
  /** Milliseconds. */
  duration: nullable(z.number()),
  recordUrl: nullable(z.array(z.string())),
});
export type PhoneCall = z.infer<typeof callSchema>;

export const employeesResponseSchema = z.looseObject({
  employees: z.array(z.looseObject({ meta: flatMetaSchema, extention: nullable(z.string()) })),
});

export interface PhoneEmployee {
  employeeId: string;
  href: string;
  extension: string | null;
}
