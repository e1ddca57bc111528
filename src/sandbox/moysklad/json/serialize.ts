import { Ref } from '../model/ref.ts';
import { SPECS } from '../model/specs.ts';
import type { Account } from '../model/accounts.ts';
import type { AttributeDef, AttributeValue, ContactPerson, Entity, Note, Position, StateDef } from '../model/types.ts';
import { formatMsk } from '../util/time.ts';

export type ExpandTree = Map<string, ExpandTree>;

/** What a serializer needs: the API base URL as the client sees it and the account. */
export interface Ctx {
  base: string; // e.g. http://127.0.0.1:4000/api/remap/1.2
  account: Account;
}

const MEDIA = 'application/json';

export function refMeta(ctx: Ctx, ref: Ref): Record<string, unknown> {
  const meta: Record<string, unknown> = { href: `${ctx.base}/${ref.path}` };
  if (ref.type in SPECS) meta['metadataHref'] = `${ctx.base}/entity/${ref.type}/metadata`;
  meta['type'] = ref.type;
  meta['mediaType'] = MEDIA;
  if (ref.type === 'counterparty') meta['uuidHref'] = `https://online.moysklad.ru/app/#company/edit?id=${ref.id}`;
  return meta;
}

function serializeRef(ctx: Ctx, ref: Ref, expand: ExpandTree | undefined): unknown {
  if (expand) {
    if (ref.type === 'state') {
      const [, entityType] = ref.path.split('/');
      const st = ctx.account.data.findState(entityType ?? '', ref.id);
      if (st) return serializeState(ctx, st);
    } else if (ref.type in SPECS) {
      const target = ctx.account.data.col(ref.type).get(ref.id);
      if (target) return serializeEntity(ctx, ref.type, target, expand);
    }
  }
  return { meta: refMeta(ctx, ref) };
}

export function serializeState(ctx: Ctx, s: StateDef): Record<string, unknown> {
  return {
    meta: { href: `${ctx.base}/entity/${s.entityType}/metadata/states/${s.id}`, type: 'state', mediaType: MEDIA },
    id: s.id, accountId: ctx.account.id, name: s.name, color: s.color, stateType: s.stateType, entityType: s.entityType,
  };
}

export function serializeAttributeDef(ctx: Ctx, entityType: string, a: AttributeDef): Record<string, unknown> {
  const out: Record<string, unknown> = {
    meta: { href: `${ctx.base}/entity/${entityType}/metadata/attributes/${a.id}`, type: 'attributemetadata', mediaType: MEDIA },
    id: a.id, name: a.name, type: a.type, required: a.required, show: a.show,
  };
  if (a.description) out['description'] = a.description;
  return out;
}

function serializeAttributes(ctx: Ctx, entityType: string, values: AttributeValue[]): unknown[] {
  const defs = ctx.account.data.attributesOf(entityType);
  const out: unknown[] = [];
  for (const v of values) {
    const def = defs.find((d) => d.id === v.id);
    if (!def) continue;
    let value: unknown = v.value;
    if (v.value instanceof Ref) {
      const target = v.value.type in SPECS ? ctx.account.data.col(v.value.type).get(v.value.id) : undefined;
      value = { meta: refMeta(ctx, v.value), ...(target ? { name: target['name'] } : {}) };
    } else if (def.type === 'time' && typeof v.value === 'number') {
      value = formatMsk(v.value);
    }
    out.push({
      meta: { href: `${ctx.base}/entity/${entityType}/metadata/attributes/${def.id}`, type: 'attributemetadata', mediaType: MEDIA },
      id: def.id, name: def.name, type: def.type, value,
    });
  }
  return out;
}

function metaArray(ctx: Ctx, parentPath: string, name: string, itemType: string, size: number, rows?: unknown[]): Record<string, unknown> {
  const meta = { href: `${ctx.base}/${parentPath}/${name}`, type: itemType, mediaType: MEDIA, size, limit: 1000, offset: 0 };
  return rows ? { meta, rows } : { meta };
}

export function serializeContactPerson(ctx: Ctx, counterpartyId: string, cp: ContactPerson): Record<string, unknown> {
  const out: Record<string, unknown> = {
    meta: { href: `${ctx.base}/entity/counterparty/${counterpartyId}/contactpersons/${cp.id}`, type: 'contactperson', mediaType: MEDIA },
    id: cp.id, accountId: ctx.account.id, updated: formatMsk(cp.updated), name: cp.name,
  };
  for (const k of ['externalCode', 'email', 'phone', 'position', 'description'] as const) if (cp[k] !== undefined) out[k] = cp[k];
  out['agent'] = { meta: refMeta(ctx, Ref.entity('counterparty', counterpartyId)) };
  return out;
}

export function serializeNote(ctx: Ctx, parentType: string, parentId: string, n: Note): Record<string, unknown> {
  const out: Record<string, unknown> = {
    meta: { href: `${ctx.base}/entity/${parentType}/${parentId}/notes/${n.id}`, type: parentType === 'task' ? 'tasknote' : 'note', mediaType: MEDIA },
    id: n.id, accountId: ctx.account.id, created: formatMsk(n.created), description: n.description,
  };
  if (n.author) out['author'] = { meta: refMeta(ctx, n.author) };
  if (parentType === 'counterparty') out['agent'] = { meta: refMeta(ctx, Ref.entity('counterparty', parentId)) };
  return out;
}

export function serializePosition(ctx: Ctx, orderId: string, p: Position): Record<string, unknown> {
  const out: Record<string, unknown> = {
    meta: { href: `${ctx.base}/entity/customerorder/${orderId}/positions/${p.id}`, type: 'customerorderposition', mediaType: MEDIA },
    id: p.id, accountId: ctx.account.id, quantity: p.quantity, price: p.price, discount: p.discount, vat: p.vat,
    shipped: 0, reserve: 0,
  };
  if (p.assortment) out['assortment'] = { meta: refMeta(ctx, p.assortment) };
  return out;
}

/** Entity → MoySklad JSON. Empty optional fields are omitted, dates are MSK strings, refs are metas. */
export function serializeEntity(ctx: Ctx, type: string, e: Entity, expand?: ExpandTree): Record<string, unknown> {
  const spec = SPECS[type];
  const path = `entity/${type}/${e.id}`;
  const meta: Record<string, unknown> = refMeta(ctx, Ref.entity(type, e.id));
  const out: Record<string, unknown> = { meta, id: e.id, accountId: ctx.account.id };
  for (const [k, v] of Object.entries(e)) {
    if (k === 'id' || k.startsWith('_') || v === undefined || v === null) continue;
    if (k === 'attributes') {
      const attrs = serializeAttributes(ctx, type, v as AttributeValue[]);
      if (attrs.length) out['attributes'] = attrs;
    } else if (v instanceof Ref) {
      out[k] = serializeRef(ctx, v, expand?.get(k));
    } else if (spec?.fields[k] === 'date' && typeof v === 'number') {
      out[k] = formatMsk(v);
    } else {
      out[k] = v;
    }
  }
  if (type === 'counterparty') {
    const cps = (e['_contactpersons'] as ContactPerson[] | undefined) ?? [];
    const notes = (e['_notes'] as Note[] | undefined) ?? [];
    out['accounts'] = metaArray(ctx, path, 'accounts', 'account', 0, expand?.has('accounts') ? [] : undefined);
    out['contactpersons'] = metaArray(ctx, path, 'contactpersons', 'contactperson', cps.length,
      expand?.has('contactpersons') ? cps.map((cp) => serializeContactPerson(ctx, e.id, cp)) : undefined);
    out['notes'] = metaArray(ctx, path, 'notes', 'note', notes.length,
      expand?.has('notes') ? notes.map((n) => serializeNote(ctx, type, e.id, n)) : undefined);
  } else if (type === 'customerorder') {
    const positions = (e['_positions'] as Position[] | undefined) ?? [];
    out['positions'] = metaArray(ctx, path, 'positions', 'customerorderposition', positions.length,
      expand?.has('positions') ? positions.map((p) => serializePosition(ctx, e.id, p)) : undefined);
  } else if (type === 'task') {
    const notes = (e['_notes'] as Note[] | undefined) ?? [];
    out['notes'] = metaArray(ctx, path, 'notes', 'tasknote', notes.length,
      expand?.has('notes') ? notes.map((n) => serializeNote(ctx, type, e.id, n)) : undefined);
  }
  return out;
}

/** "agent,state,agent.owner" → tree; max depth 3 as in MoySklad. */
export function parseExpand(raw: string | undefined): ExpandTree | undefined {
  if (!raw) return undefined;
  const root: ExpandTree = new Map();
  for (const part of raw.split(',')) {
    const segs = part.trim().split('.').filter(Boolean).slice(0, 3);
    let node = root;
    for (const s of segs) {
      let next = node.get(s);
      if (!next) node.set(s, (next = new Map()));
      node = next;
    }
  }
  return root.size ? root : undefined;
}
