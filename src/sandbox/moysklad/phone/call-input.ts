// Turns a raw Phone API request body into typed input, with MoySklad's error codes:
// type/format problems → 400 (as Jackson fails before validation), missing required → 412/3000.
import { PhoneApiError, badEnum, formatError, msError, requiredField, type MsErrorItem } from './errors.ts';
import { parseMoment } from './moment.ts';

export const EVENT_TYPES = ['SHOW', 'STARTTIME', 'HIDE', 'HIDE_ALL'] as const;
export type CardEventType = (typeof EVENT_TYPES)[number];

export interface MetaRef {
  id: string;
  href: string;
  type: string;
}

export interface CardEventInput {
  eventType: CardEventType;
  extension?: string;
  sequence: number;
  employee?: MetaRef;
}

export interface UpdateCallInput {
  extension?: string;
  employee?: MetaRef;
  endTime?: number;
  duration?: number;
  recordUrl?: string[];
  comment?: string;
  events: CardEventInput[];
}

export interface CreateCallInput extends UpdateCallInput {
  externalId: string;
  number: string;
  isIncoming: boolean;
  startTime: number;
  counterparty?: MetaRef;
}

export interface InputOptions {
  /** The docs demand a JSON boolean; one 3P client sends "true"/"false" strings. Default: reject. */
  coerceStringBooleans?: boolean;
}

export const COMMENT_MAX = 4096;

type Json = Record<string, unknown>;

class Collector {
  format: MsErrorItem[] = [];
  required: MsErrorItem[] = [];

  throwIfAny(): void {
    if (this.format.length > 0) throw new PhoneApiError(400, this.format);
    if (this.required.length > 0) throw new PhoneApiError(412, this.required);
  }
}

export function parseJsonBody(raw: string | undefined): Json {
  if (raw === undefined || raw.trim() === '') {
    throw new PhoneApiError(400, [msError(2005, 'Ошибка формата: входящий JSON должен начинаться либо с объекта, либо с массива')]);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new PhoneApiError(400, [msError(2001, 'Ошибка формата: входящий запрос не соответствует формату JSON')]);
  }
  if (Array.isArray(value)) {
    throw new PhoneApiError(400, [
      msError(2009, 'Ошибка формата: запрос на создание/обновление одной сущности не должен содержать массив'),
    ]);
  }
  if (typeof value !== 'object' || value === null) {
    throw new PhoneApiError(400, [msError(2005, 'Ошибка формата: входящий JSON должен начинаться либо с объекта, либо с массива')]);
  }
  return value as Json;
}

const present = (v: unknown): boolean => v !== undefined && v !== null;

// Jackson coerces JSON numbers into String fields, so we do too.
function str(body: Json, field: string, c: Collector, required: boolean): string | undefined {
  const v = body[field];
  if (!present(v) || v === '') {
    if (required) c.required.push(requiredField(field));
    return undefined;
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  c.format.push(formatError(field, 'ожидается строка'));
  return undefined;
}

function moment(body: Json, field: string, c: Collector, required: boolean): number | undefined {
  const text = str(body, field, c, required);
  if (text === undefined) return undefined;
  const value = parseMoment(text);
  if (value === undefined) c.format.push(formatError(field, `дата должна быть в формате yyyy-MM-dd HH:mm:ss[.SSS]: '${text}'`));
  return value;
}

function meta(body: Json, field: string, type: string, c: Collector): MetaRef | undefined {
  const v = body[field];
  if (!present(v)) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) {
    c.format.push(formatError(field, 'ожидается объект метаданных'));
    return undefined;
  }
  const m = v as Json;
  if (typeof m.href !== 'string' || m.href === '') {
    c.format.push(msError(2010, `Ошибка формата: отсутствует href для meta поля '${field}'`, field));
    return undefined;
  }
  if (typeof m.type !== 'string' || m.type === '') {
    c.format.push(msError(2011, `Ошибка формата: отсутствует type для meta поля '${field}'`, field));
    return undefined;
  }
  if (m.type !== type) {
    c.format.push(msError(1060, 'Некорректный тип данных в meta сущности, поле type', field));
    return undefined;
  }
  const id = m.href.split('?')[0]!.split('/').filter(Boolean).pop() ?? '';
  return { id, href: m.href, type: m.type };
}

function events(body: Json, c: Collector): CardEventInput[] {
  const v = body.events;
  if (!present(v)) return [];
  if (!Array.isArray(v)) {
    c.format.push(formatError('events', 'ожидается массив'));
    return [];
  }
  const out: CardEventInput[] = [];
  for (const item of v) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      c.format.push(formatError('events', 'элемент должен быть объектом'));
      continue;
    }
    const e = parseEventInto(item as Json, c);
    if (e) out.push(e);
  }
  return out;
}

function parseEventInto(body: Json, c: Collector): CardEventInput | undefined {
  const rawType = body.eventType;
  let eventType: CardEventType | undefined;
  if (!present(rawType) || rawType === '') c.required.push(requiredField('eventType'));
  else if (typeof rawType === 'string' && (EVENT_TYPES as readonly string[]).includes(rawType)) eventType = rawType as CardEventType;
  else c.format.push(badEnum('eventType', rawType, EVENT_TYPES));
  // extension is required for every type except HIDE_ALL.
  const extension = str(body, 'extension', c, eventType !== undefined && eventType !== 'HIDE_ALL');
  let sequence: number | undefined;
  const rawSeq = body.sequence;
  if (!present(rawSeq)) c.required.push(requiredField('sequence'));
  else if (typeof rawSeq === 'number' && Number.isInteger(rawSeq)) sequence = rawSeq;
  else c.format.push(formatError('sequence', 'ожидается целое число'));
  const employee = meta(body, 'employee', 'employee', c);
  if (eventType === undefined || sequence === undefined) return undefined;
  const e: CardEventInput = { eventType, sequence };
  if (extension !== undefined) e.extension = extension;
  if (employee) e.employee = employee;
  return e;
}

function updatable(body: Json, c: Collector): UpdateCallInput {
  const out: UpdateCallInput = { events: [] };
  const extension = str(body, 'extension', c, false);
  if (extension !== undefined) out.extension = extension;
  const employee = meta(body, 'employee', 'employee', c);
  if (employee) out.employee = employee;
  const endTime = moment(body, 'endTime', c, false);
  if (endTime !== undefined) out.endTime = endTime;
  const duration = body.duration;
  if (present(duration)) {
    if (typeof duration === 'number' && Number.isInteger(duration) && duration >= 0) out.duration = duration;
    else c.format.push(formatError('duration', 'ожидается целое число миллисекунд'));
  }
  const recordUrl = body.recordUrl;
  if (present(recordUrl)) {
    if (Array.isArray(recordUrl) && recordUrl.every((u) => typeof u === 'string')) out.recordUrl = recordUrl as string[];
    else c.format.push(formatError('recordUrl', 'ожидается массив строк'));
  }
  const comment = body.comment;
  if (present(comment)) {
    if (typeof comment === 'string' || typeof comment === 'number') out.comment = String(comment).slice(0, COMMENT_MAX);
    else c.format.push(formatError('comment', 'ожидается строка'));
  }
  out.events = events(body, c);
  return out;
}

export function parseCreateCall(body: Json, opts: InputOptions = {}): CreateCallInput {
  const c = new Collector();
  const externalId = str(body, 'externalId', c, true);
  const number = str(body, 'number', c, true);
  let isIncoming: boolean | undefined;
  const rawIncoming = body.isIncoming;
  if (!present(rawIncoming)) c.required.push(requiredField('isIncoming'));
  else if (typeof rawIncoming === 'boolean') isIncoming = rawIncoming;
  else if (opts.coerceStringBooleans && (rawIncoming === 'true' || rawIncoming === 'false')) isIncoming = rawIncoming === 'true';
  else c.format.push(formatError('isIncoming', 'ожидается логическое значение true/false'));
  const startTime = moment(body, 'startTime', c, true);
  const counterparty = meta(body, 'counterparty', 'counterparty', c);
  const rest = updatable(body, c);
  c.throwIfAny();
  const out: CreateCallInput = {
    ...rest,
    externalId: externalId!,
    number: number!,
    isIncoming: isIncoming!,
    startTime: startTime!,
  };
  if (counterparty) out.counterparty = counterparty;
  return out;
}

/** Create-only fields in a PUT are silently ignored, as the docs say. */
export function parseUpdateCall(body: Json): UpdateCallInput {
  const c = new Collector();
  const out = updatable(body, c);
  c.throwIfAny();
  return out;
}

export function parseEvent(body: Json): CardEventInput {
  const c = new Collector();
  const e = parseEventInto(body, c);
  c.throwIfAny();
  return e!;
}
