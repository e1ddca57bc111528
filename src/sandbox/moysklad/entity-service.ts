import { Ref } from './model/ref.ts';
import { SPECS, type EntitySpec } from './model/specs.ts';
import type { Account } from './model/accounts.ts';
import type { Entity } from './model/types.ts';
import { MsError, err } from './json/errors.ts';
import { applyBody, changedFields, requireFields } from './json/write.ts';

export type Action = 'CREATE' | 'UPDATE' | 'DELETE';

export interface ChangeEvent {
  type: string;
  id: string;
  action: Action;
  updatedFields?: string[];
}

/** Who made a change and which webhook URL prefixes the request asked to suppress. */
export interface WriteContext {
  uid: string;
  disablePrefixes: string[];
  /** collects events; the caller publishes them once per request (one audit context) */
  events: ChangeEvent[];
}

export function newWriteContext(uid: string, disablePrefixes: string[] = []): WriteContext {
  return { uid, disablePrefixes, events: [] };
}

const WEBHOOK_ACTIONS = ['CREATE', 'UPDATE', 'DELETE', 'PROCESSED'];

function validateWebhook(account: Account, e: Entity, selfId: string | undefined): void {
  const url = e['url'];
  if (typeof url !== 'string' || !/^https?:\/\/[^\s/]+/i.test(url)) throw err.webhook.url();
  if (url.length > 255) throw err.webhook.urlLength();
  const action = String(e['action']);
  if (!WEBHOOK_ACTIONS.includes(action)) throw err.webhook.action(action);
  const entityType = String(e['entityType']);
  if (entityType === 'webhook' || entityType === 'discount' || !/^[a-z]+$/.test(entityType)) throw err.webhook.entityType(entityType);
  const method = e['method'] ?? 'POST';
  if (method !== 'POST') throw err.webhook.method(String(method));
  e['method'] = 'POST';
  if (e['diffType'] !== undefined && e['diffType'] !== 'NONE' && action !== 'UPDATE') throw err.webhook.diffType(action);
  if (e['diffType'] !== undefined && !['NONE', 'FIELDS'].includes(String(e['diffType']))) throw err.fieldType('diffType', 'Enum');
  if (action === 'UPDATE' && e['diffType'] === undefined) e['diffType'] = 'NONE';
  if (e['enabled'] === undefined) e['enabled'] = true;
  const same = account.data.col('webhook').all().filter((w) => w.id !== selfId && w['entityType'] === entityType && w['action'] === action);
  if (same.some((w) => w['url'] === url)) throw err.webhook.exists();
  if (same.length >= 5) throw err.webhook.limit();
}

function finishEmployee(e: Entity, account: Account): void {
  const last = String(e['lastName'] ?? '');
  const first = e['firstName'] ? String(e['firstName']) : '';
  const middle = e['middleName'] ? String(e['middleName']) : '';
  e['name'] = [last, first, middle].filter(Boolean).join(' ');
  e['fullName'] = e['name'];
  e['shortFio'] = `${last}${first ? ` ${first[0]}.` : ''}${middle ? `${middle[0]}.` : ''}`;
  if (!e['uid']) e['uid'] = `${e.id.slice(0, 8)}@${account.name}`;
}

function defaultsForCreate(spec: EntitySpec, account: Account, e: Entity, ctx: WriteContext, now: number): void {
  const data = account.data;
  if (spec.refs['owner'] && !e['owner'] && spec.type !== 'webhook') e['owner'] = Ref.entity('employee', data.adminEmployeeId);
  if (spec.refs['group'] && spec.type !== 'webhook') e['group'] = Ref.entity('group', data.groupId);
  if (spec.type !== 'webhook' && e['shared'] === undefined) e['shared'] = false;
  if (spec.archivable && e['archived'] === undefined) e['archived'] = false;
  if (spec.hasAttributes && !e['attributes']) e['attributes'] = [];
  switch (spec.type) {
    case 'customerorder':
      if (!e['name']) e['name'] = String(data.orderCounter).padStart(5, '0');
      data.orderCounter++;
      if (e['moment'] === undefined) e['moment'] = now;
      if (e['applicable'] === undefined) e['applicable'] = true;
      if (e['sum'] === undefined) e['sum'] = 0;
      for (const k of ['payedSum', 'shippedSum', 'invoicedSum', 'reservedSum', 'vatSum']) e[k] = e[k] ?? 0;
      e['vatEnabled'] = e['vatEnabled'] ?? true;
      e['vatIncluded'] = e['vatIncluded'] ?? true;
      e['printed'] = false;
      e['published'] = false;
      break;
    case 'counterparty':
      if (!e['companyType']) e['companyType'] = 'legal';
      if (!e['tags']) e['tags'] = [];
      e['_contactpersons'] = e['_contactpersons'] ?? [];
      e['_notes'] = [];
      break;
    case 'task': {
      const author = data.col('employee').all().find((x) => x['uid'] === ctx.uid);
      e['author'] = Ref.entity('employee', author?.id ?? data.adminEmployeeId);
      if (e['done'] === undefined) e['done'] = false;
      e['_notes'] = [];
      break;
    }
    case 'employee':
      finishEmployee(e, account);
      break;
  }
}

function checkSpec(type: string): EntitySpec {
  const spec = SPECS[type];
  if (!spec) throw err.unknownType(type);
  return spec;
}

/** Create one object; a repeated syncId returns the existing object and changes nothing. */
export function createEntity(account: Account, type: string, body: unknown, ctx: WriteContext, now = Date.now()): Entity {
  const spec = checkSpec(type);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw err.jsonStart();
  const col = account.data.col(type);
  const syncId = (body as Record<string, unknown>)['syncId'];
  if (spec.syncId && typeof syncId === 'string') {
    const existingId = col.bySyncId.get(syncId.toLowerCase());
    const existing = existingId ? col.get(existingId) : undefined;
    if (existing) return existing;
  }
  // a body that carries the meta of an existing object is an update inside a bulk POST
  const meta = (body as { meta?: { href?: unknown } }).meta;
  if (meta && typeof meta.href === 'string') {
    const id = meta.href.slice(meta.href.lastIndexOf('/') + 1).split('?')[0] ?? '';
    return updateEntity(account, type, id, body, ctx, now);
  }
  const e = applyBody(account.data, spec, body as Record<string, unknown>, undefined, now);
  defaultsForCreate(spec, account, e, ctx, now);
  requireFields(spec, e);
  if (type === 'webhook') validateWebhook(account, e, undefined);
  if (type === 'task' && e['done'] === true) {
    e['completed'] = now;
    e['implementer'] = e['author'];
  }
  col.add(e);
  ctx.events.push({ type, id: e.id, action: 'CREATE' });
  return e;
}

export function updateEntity(account: Account, type: string, id: string, body: unknown, ctx: WriteContext, now = Date.now()): Entity {
  const spec = checkSpec(type);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw err.jsonStart();
  const col = account.data.col(type);
  const current = col.get(id);
  if (!current) throw err.notFound(type, id);
  const next = applyBody(account.data, spec, body as Record<string, unknown>, current, now);
  if (type === 'employee') finishEmployee(next, account);
  if (type === 'webhook') validateWebhook(account, next, id);
  if (type === 'task' && next['done'] !== current['done']) {
    if (next['done'] === true) {
      next['completed'] = now;
      next['implementer'] = Ref.entity('employee', account.data.col('employee').all().find((x) => x['uid'] === ctx.uid)?.id ?? account.data.adminEmployeeId);
    } else {
      delete next['completed'];
      delete next['implementer'];
    }
  }
  requireFields(spec, next);
  const fields = changedFields(current, next);
  next.updated = now;
  // mutate in place so the collection's snapshot and id index keep pointing at the same object
  for (const k of Object.keys(current)) if (!(k in next)) delete current[k];
  Object.assign(current, next);
  col.bump();
  if (fields.length) ctx.events.push({ type, id, action: 'UPDATE', updatedFields: fields });
  return current;
}

export function deleteEntity(account: Account, type: string, id: string, ctx: WriteContext): void {
  const spec = checkSpec(type);
  if (!spec.deletable) throw err.notDeletable(type);
  const removed = account.data.col(type).remove(id);
  if (!removed) throw err.notFound(type, id);
  ctx.events.push({ type, id, action: 'DELETE' });
}

export { MsError };
