import { randomUUID } from 'node:crypto';
import { Ref, hrefToPath } from '../model/ref.ts';
import { SPECS, isStoredType, type EntitySpec } from '../model/specs.ts';
import type { AccountData } from '../model/account-data.ts';
import type { AttributeValue, ContactPerson, Entity, Position } from '../model/types.ts';
import { parseMsk } from '../util/time.ts';
import { err } from './errors.ts';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/** Reads a {meta:{href,type}} reference from a body and checks that it exists when we store that type. */
export function readRef(data: AccountData, ownerType: string, field: string, value: unknown, allowed: string[]): Ref {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw err.fieldType(field, 'Object');
  const meta = (value as { meta?: unknown }).meta;
  if (typeof meta !== 'object' || meta === null) throw err.metaField('meta', field);
  const { href, type } = meta as { href?: unknown; type?: unknown };
  if (typeof href !== 'string') throw err.metaField('href', field);
  if (typeof type !== 'string') throw err.metaField('type', field);
  if (!allowed.includes(type)) throw err.metaType();
  const path = hrefToPath(href);
  if (!path) throw err.fieldType(`${field}.meta.href`, 'href');
  const ref = new Ref(type, path);
  if (type === 'state') {
    const m = /^entity\/([a-z]+)\/metadata\/states\/([^/]+)$/.exec(path);
    if (!m || m[1] !== ownerType || !data.findState(ownerType, m[2] ?? '')) throw err.notFound('state', ref.id);
  } else if (isStoredType(type)) {
    if (!path.startsWith(`entity/${type}/`) || !data.col(type).get(ref.id)) throw err.notFound(type, ref.id);
  }
  return ref;
}

function readScalar(spec: EntitySpec, field: string, v: unknown): unknown {
  const kind = spec.fields[field];
  switch (kind) {
    case 'string':
      if (typeof v !== 'string') throw err.fieldType(field, 'String');
      return v;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw err.fieldType(field, 'Number');
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw err.fieldType(field, 'Boolean');
      return v;
    case 'date': {
      const ms = typeof v === 'string' ? parseMsk(v) : undefined;
      if (ms === undefined) throw err.fieldType(field, 'DateTime');
      return ms;
    }
    case 'strings':
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw err.fieldType(field, 'Array(String)');
      return [...v];
    default:
      return v;
  }
}

export function readAttributes(data: AccountData, entityType: string, v: unknown, current: AttributeValue[]): AttributeValue[] {
  if (!Array.isArray(v)) throw err.fieldType('attributes', 'Array(Object)');
  const next = current.map((a) => ({ ...a }));
  for (const item of v) {
    if (typeof item !== 'object' || item === null) throw err.fieldType('attributes', 'Array(Object)');
    const it = item as { meta?: { href?: unknown }; id?: unknown; value?: unknown };
    const id = typeof it.meta?.href === 'string' ? it.meta.href.slice(it.meta.href.lastIndexOf('/') + 1) : typeof it.id === 'string' ? it.id : undefined;
    if (!id) throw err.metaField('href', 'attributes');
    const def = data.attributesOf(entityType).find((d) => d.id === id);
    if (!def) throw err.notFound('attributemetadata', id);
    const idx = next.findIndex((a) => a.id === id);
    if (it.value === null || it.value === undefined) {
      if (idx >= 0) next.splice(idx, 1);
      continue;
    }
    let value: unknown;
    const val = it.value;
    const bad = (): never => { throw err.fieldType(`attributes.${def.name}`, def.type); };
    switch (def.type) {
      case 'string': case 'text': case 'link': if (typeof val !== 'string') bad(); value = val; break;
      case 'long': if (typeof val !== 'number' || !Number.isInteger(val)) bad(); value = val; break;
      case 'double': if (typeof val !== 'number') bad(); value = val; break;
      case 'boolean': if (typeof val !== 'boolean') bad(); value = val; break;
      case 'time': { const ms = typeof val === 'string' ? parseMsk(val) : undefined; if (ms === undefined) bad(); value = ms; break; }
      case 'file': value = val; break;
      default: value = readRef(data, entityType, `attributes.${def.name}`, val, [def.type]);
    }
    if (idx >= 0) next[idx] = { id, value };
    else next.push({ id, value });
  }
  return next;
}

function readContactPersons(v: unknown, now: number): ContactPerson[] {
  const rows = Array.isArray(v) ? v : (v as { rows?: unknown })?.rows;
  if (!Array.isArray(rows)) throw err.fieldType('contactpersons', 'Array(Object)');
  return rows.map((r) => readContactPerson(r, now));
}

export function readContactPerson(r: unknown, now: number, existing?: ContactPerson): ContactPerson {
  if (typeof r !== 'object' || r === null) throw err.fieldType('contactpersons', 'Object');
  const o = r as Record<string, unknown>;
  const cp: ContactPerson = existing ? { ...existing, updated: now } : { id: randomUUID(), name: '', created: now, updated: now };
  for (const k of ['name', 'phone', 'email', 'position', 'description', 'externalCode'] as const) {
    if (o[k] === undefined) continue;
    if (o[k] === null) { if (k !== 'name') delete cp[k]; continue; }
    if (typeof o[k] !== 'string') throw err.fieldType(k, 'String');
    cp[k] = o[k] as string;
  }
  if (!cp.name) throw err.required('name');
  return cp;
}

function readPositions(data: AccountData, v: unknown): Position[] {
  const rows = Array.isArray(v) ? v : (v as { rows?: unknown })?.rows;
  if (!Array.isArray(rows)) throw err.fieldType('positions', 'Array(Object)');
  if (rows.length > 1000) throw err.tooManyItems();
  return rows.map((r) => {
    const o = (r ?? {}) as Record<string, unknown>;
    const num = (k: string, d: number): number => {
      if (o[k] === undefined) return d;
      if (typeof o[k] !== 'number') throw err.fieldType(`positions.${k}`, 'Number');
      return o[k] as number;
    };
    const p: Position = { id: randomUUID(), quantity: num('quantity', 1), price: num('price', 0), discount: num('discount', 0), vat: num('vat', 0) };
    if (o['assortment'] !== undefined) {
      p.assortment = readRef(data, 'customerorder', 'assortment', o['assortment'], ['product', 'service', 'variant', 'bundle', 'consignment']);
    }
    return p;
  });
}

function positionsSum(ps: Position[]): number {
  return Math.round(ps.reduce((s, p) => s + p.quantity * p.price * (1 - p.discount / 100), 0));
}

/**
 * Applies a create/update body onto a copy of `current`. Unknown and read-only fields are ignored
 * (as MoySklad does); wrong types, broken metas and missing references are errors.
 */
export function applyBody(data: AccountData, spec: EntitySpec, body: Record<string, unknown>, current: Entity | undefined, now: number): Entity {
  const next: Entity = current ? { ...current } : { id: randomUUID(), created: now, updated: now };
  for (const [k, v] of Object.entries(body)) {
    if (spec.readOnly.includes(k)) continue;
    if (k === 'syncId') {
      if (!spec.syncId) continue;
      if (current) {
        if (v !== current['syncId']) throw err.syncIdChange();
        continue;
      }
      if (typeof v !== 'string' || !isUuid(v)) throw err.badUuid();
      next['syncId'] = v.toLowerCase();
      continue;
    }
    if (k === 'attributes' && spec.hasAttributes) {
      next['attributes'] = readAttributes(data, spec.type, v, (current?.['attributes'] as AttributeValue[] | undefined) ?? []);
      continue;
    }
    if (k === 'contactpersons' && spec.type === 'counterparty') {
      next['_contactpersons'] = readContactPersons(v, now);
      continue;
    }
    if (k === 'positions' && spec.type === 'customerorder') {
      const ps = readPositions(data, v);
      next['_positions'] = ps;
      next['sum'] = positionsSum(ps);
      continue;
    }
    const allowed = spec.refs[k];
    if (allowed) {
      if (v === null) delete next[k];
      else next[k] = readRef(data, spec.type, k, v, allowed);
      continue;
    }
    if (spec.fields[k] === undefined) continue;
    if (v === null) delete next[k];
    else next[k] = readScalar(spec, k, v);
  }
  return next;
}

export function requireFields(spec: EntitySpec, e: Entity): void {
  for (const f of spec.required) {
    const v = e[f];
    if (v === undefined || v === null || v === '') throw err.required(f);
  }
}

/** Field names whose stored value changed (for webhook updatedFields). */
export function changedFields(before: Entity, after: Entity): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const out: string[] = [];
  for (const k of keys) {
    if (k === 'updated' || k === '_notes') continue;
    if (!same(before[k], after[k])) out.push(k === '_contactpersons' ? 'contactpersons' : k === '_positions' ? 'positions' : k);
  }
  return out;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Ref && b instanceof Ref) return a.path === b.path;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  return JSON.stringify(a, refReplacer) === JSON.stringify(b, refReplacer);
}

function refReplacer(_k: string, v: unknown): unknown {
  return v instanceof Ref ? v.path : v;
}

export { SPECS };
