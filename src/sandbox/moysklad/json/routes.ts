import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SPECS, type EntitySpec } from '../model/specs.ts';
import type { Account, Principal } from '../model/accounts.ts';
import type { AttributeDef, ContactPerson, Entity, Note, Position, StateDef } from '../model/types.ts';
import { Ref } from '../model/ref.ts';
import {
  createEntity, deleteEntity, newWriteContext, updateEntity, type WriteContext,
} from '../entity-service.ts';
import type { SandboxState } from '../state.ts';
import { authenticate, headerValues } from './auth.ts';
import { MsError, err } from './errors.ts';
import { parseFilter } from './filter.ts';
import { parsePaging, parseOrder, searchPredicate } from './query.ts';
import {
  parseExpand, serializeAttributeDef, serializeContactPerson, serializeEntity, serializeNote, serializePosition,
  serializeState, type Ctx, type ExpandTree,
} from './serialize.ts';
import { readContactPerson } from './write.ts';

declare module 'fastify' {
  interface FastifyRequest {
    msPrincipal?: Principal;
  }
}

type Q = Record<string, string | undefined>;
type P = Record<string, string>;
const MAX_BULK = 1000;
const ATTRIBUTE_TYPES = ['string', 'text', 'link', 'long', 'double', 'boolean', 'time', 'file', 'counterparty', 'employee', 'contract', 'project', 'store', 'product', 'organization', 'customentity'];

function principalOf(req: FastifyRequest): Principal {
  if (!req.msPrincipal) throw err.auth();
  return req.msPrincipal;
}

export function uidOf(p: Principal): string {
  if (p.kind === 'solution') return `${p.appId ?? 'sandbox-app'}.sandbox-vendor@${p.account.name}`;
  const admin = p.account.data.col('employee').get(p.account.data.adminEmployeeId);
  return String(admin?.['uid'] ?? p.account.creds.login);
}

function specOrThrow(type: string): EntitySpec {
  const spec = SPECS[type];
  if (!spec) throw err.unknownType(type);
  return spec;
}

function validateExpand(spec: EntitySpec, tree: ExpandTree, prefix = ''): void {
  for (const [k, sub] of tree) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (spec.metaArrays[k]) continue;
    const targets = spec.refs[k];
    if (!targets) throw err.expand(path);
    const nested = targets[0] ? SPECS[targets[0]] : undefined;
    if (sub.size && nested) validateExpand(nested, sub, path);
  }
}

/** The JSON API 1.2 emulator, registered under /api/remap/1.2. */
export async function jsonApiRoutes(app: FastifyInstance, opts: { state: SandboxState }): Promise<void> {
  const { state } = opts;
  const base = (): string => `${state.origin}/api/remap/1.2`;
  const ctxOf = (req: FastifyRequest): Ctx => ({ base: base(), account: principalOf(req).account });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json'], { parseAs: 'string', bodyLimit: 20 * 1024 * 1024 }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(err.json(), undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(err.contentType(), undefined));

  app.setErrorHandler((e: unknown, req, reply) => {
    if (e instanceof MsError) return reply.code(e.status).headers(e.headers).send(e.body());
    const fe = e as { code?: string; statusCode?: number; message?: string };
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendErr(reply, err.tooLarge());
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendErr(reply, err.contentType());
    if (fe.statusCode === 400) return sendErr(reply, err.json());
    req.log.error({ err: e }, 'sandbox json api error');
    return sendErr(reply, err.internal());
  });
  app.setNotFoundHandler((req, reply) => sendErr(reply, err.unknownPath(req.url.split('?')[0] ?? '')));

  // auth → parallel limit → rate budget; MoySklad's order of rejections as far as documented
  app.addHook('onRequest', async (req, reply) => {
    const accept = req.headers.accept;
    if (accept && !/^(\*\/\*|application\/json(\s*;\s*charset=utf-8)?)$/i.test(accept.split(',')[0]?.trim() ?? '')) {
      throw err.accept();
    }
    const p = authenticate(state.registry, req);
    const release = state.parallel.acquire(p.key, p.account.id);
    if (!release) throw err.parallel();
    reply.raw.once('close', release);
    const d = state.rate.take(p.key, p.weight);
    if (!d.ok) {
      release();
      throw err.rate(d.retryAfterMs, d.headers);
    }
    reply.headers(d.headers);
    req.msPrincipal = p;
  });

  const writeCtx = (req: FastifyRequest): WriteContext =>
    newWriteContext(uidOf(principalOf(req)), headerValues(req, 'x-lognex-webhook-disablebyprefix'));
  const publish = (req: FastifyRequest, w: WriteContext): void =>
    state.webhooks.publish(principalOf(req).account, w.events, { uid: w.uid, disablePrefixes: w.disablePrefixes });

  app.post('/security/token', async (req) => {
    const p = principalOf(req);
    if (p.kind !== 'password') throw err.auth('для получения токена используйте логин и пароль');
    return { access_token: state.registry.issueUserToken(p.account) };
  });

  app.get('/context/employee', async (req) => {
    const p = principalOf(req);
    if (p.kind === 'solution') throw new MsError(403, 55006, 'Запрос /context/employee недоступен для токена решения');
    const admin = p.account.data.col('employee').get(p.account.data.adminEmployeeId);
    if (!admin) throw err.notFound('employee', p.account.data.adminEmployeeId);
    return serializeEntity(ctxOf(req), 'employee', admin);
  });

  // ---- collections -------------------------------------------------------------------------
  app.get('/entity/:type', async (req) => {
    const { type = '' } = req.params as P;
    const q = req.query as Q;
    const spec = specOrThrow(type);
    const account = principalOf(req).account;
    const { limit, offset } = parsePaging(q);
    const preds: ((e: Entity) => boolean)[] = [];
    const filterFields = new Set<string>();
    if (q['filter']) {
      const f = parseFilter(q['filter'], spec, account.data);
      preds.push(f.predicate);
      for (const k of f.fields) filterFields.add(k);
    }
    if (spec.archivable && !filterFields.has('archived')) preds.push((e) => e['archived'] !== true);
    if (type === 'task' && !filterFields.has('done')) preds.push((e) => e['done'] !== true);
    if (q['search']) preds.push(searchPredicate(spec, q['search']));
    const col = account.data.col(type);
    let rows = q['order'] ? col.sortedBy(q['order'], parseOrder(q['order'], spec)) : col.all();
    if (preds.length) rows = rows.filter((e) => preds.every((p) => p(e)));
    // MoySklad ignores expand when limit > 100 (default limit is 1000)
    const expand = limit <= 100 ? parseExpand(q['expand']) : undefined;
    if (expand) validateExpand(spec, expand);
    const ctx = ctxOf(req);
    const page = rows.slice(offset, offset + limit).map((e) => serializeEntity(ctx, type, e, expand));
    return collection(ctx, req, type, rows.length, limit, offset, page);
  });

  app.post('/entity/:type', async (req) => {
    const { type = '' } = req.params as P;
    specOrThrow(type);
    const account = principalOf(req).account;
    const body = req.body;
    const w = writeCtx(req);
    const expand = parseExpand((req.query as Q)['expand']);
    const ctx = ctxOf(req);
    if (Array.isArray(body)) {
      if (body.length > MAX_BULK) throw err.tooManyItems();
      if (body.length === 0) throw err.noObjects();
      const out = body.map((item) => {
        try {
          return serializeEntity(ctx, type, createEntity(account, type, item, w), expand);
        } catch (e) {
          if (e instanceof MsError) return e.body();
          throw e;
        }
      });
      publish(req, w);
      return out;
    }
    if (body === undefined || body === null) throw err.noObjects();
    const e = createEntity(account, type, body, w);
    publish(req, w);
    return serializeEntity(ctx, type, e, expand);
  });

  app.post('/entity/:type/delete', async (req) => {
    const { type = '' } = req.params as P;
    specOrThrow(type);
    const account = principalOf(req).account;
    const body = req.body;
    if (!Array.isArray(body)) throw err.jsonStart();
    if (body.length > MAX_BULK) throw err.tooManyItems();
    const w = writeCtx(req);
    const out = body.map((item) => {
      const href = (item as { meta?: { href?: unknown } })?.meta?.href;
      try {
        if (typeof href !== 'string') throw err.metaField('href', type);
        deleteEntity(account, type, href.slice(href.lastIndexOf('/') + 1), w);
        return { info: 'Сущность удалена' };
      } catch (e) {
        if (e instanceof MsError) return e.body();
        throw e;
      }
    });
    publish(req, w);
    return out;
  });

  // ---- metadata: states and attributes --------------------------------------------------------
  app.get('/entity/:type/metadata', async (req) => {
    const { type = '' } = req.params as P;
    const spec = specOrThrow(type);
    const ctx = ctxOf(req);
    const data = ctx.account.data;
    const out: Record<string, unknown> = { meta: { href: `${ctx.base}/entity/${type}/metadata`, mediaType: 'application/json' } };
    if (spec.hasAttributes) {
      const size = data.attributesOf(type).length;
      out['attributes'] = { meta: { href: `${ctx.base}/entity/${type}/metadata/attributes`, type: 'attributemetadata', mediaType: 'application/json', size, limit: 1000, offset: 0 } };
    }
    if (spec.hasStates) out['states'] = data.statesOf(type).map((s) => serializeState(ctx, s));
    out['createShared'] = false;
    return out;
  });

  app.get('/entity/:type/metadata/attributes', async (req) => {
    const { type = '' } = req.params as P;
    const spec = specOrThrow(type);
    if (!spec.hasAttributes) throw err.unknownPath(req.url);
    const ctx = ctxOf(req);
    const rows = ctx.account.data.attributesOf(type).map((a) => serializeAttributeDef(ctx, type, a));
    return collection(ctx, req, 'attributemetadata', rows.length, 1000, 0, rows);
  });

  app.get('/entity/:type/metadata/attributes/:id', async (req) => {
    const { type = '', id = '' } = req.params as P;
    specOrThrow(type);
    const ctx = ctxOf(req);
    const a = ctx.account.data.attributesOf(type).find((x) => x.id === id);
    if (!a) throw err.notFound('attributemetadata', id);
    return serializeAttributeDef(ctx, type, a);
  });

  app.post('/entity/:type/metadata/attributes', async (req) => {
    const { type = '' } = req.params as P;
    const spec = specOrThrow(type);
    if (!spec.hasAttributes) throw err.unknownPath(req.url);
    const ctx = ctxOf(req);
    const make = (b: unknown): AttributeDef => {
      const o = (b ?? {}) as Record<string, unknown>;
      if (typeof o['name'] !== 'string' || !o['name']) throw err.required('name');
      if (typeof o['type'] !== 'string' || !ATTRIBUTE_TYPES.includes(o['type'])) throw err.required('type');
      const def: AttributeDef = { id: randomUUID(), name: o['name'], type: o['type'], required: o['required'] === true, show: o['show'] !== false };
      if (typeof o['description'] === 'string') def.description = o['description'];
      ctx.account.data.attributesOf(type).push(def);
      return def;
    };
    const body = req.body;
    if (Array.isArray(body)) return body.map((b) => serializeAttributeDef(ctx, type, make(b)));
    return serializeAttributeDef(ctx, type, make(body));
  });

  app.delete('/entity/:type/metadata/attributes/:id', async (req, reply) => {
    const { type = '', id = '' } = req.params as P;
    specOrThrow(type);
    const defs = principalOf(req).account.data.attributesOf(type);
    const i = defs.findIndex((d) => d.id === id);
    if (i < 0) throw err.notFound('attributemetadata', id);
    defs.splice(i, 1);
    return reply.code(200).send();
  });

  app.get('/entity/:type/metadata/states', async (req) => {
    const { type = '' } = req.params as P;
    const spec = specOrThrow(type);
    if (!spec.hasStates) throw err.unknownPath(req.url);
    const ctx = ctxOf(req);
    return ctx.account.data.statesOf(type).map((s) => serializeState(ctx, s));
  });

  app.get('/entity/:type/metadata/states/:id', async (req) => {
    const { type = '', id = '' } = req.params as P;
    specOrThrow(type);
    const ctx = ctxOf(req);
    const s = ctx.account.data.findState(type, id);
    if (!s) throw err.notFound('state', id);
    return serializeState(ctx, s);
  });

  app.post('/entity/:type/metadata/states', async (req) => {
    const { type = '' } = req.params as P;
    const spec = specOrThrow(type);
    if (!spec.hasStates) throw err.unknownPath(req.url);
    const ctx = ctxOf(req);
    const make = (b: unknown): StateDef => {
      const o = (b ?? {}) as Record<string, unknown>;
      if (typeof o['name'] !== 'string' || !o['name']) throw err.required('name');
      if (typeof o['color'] !== 'number') throw err.required('color');
      const stateType = o['stateType'] ?? 'Regular';
      if (!['Regular', 'Successful', 'Unsuccessful'].includes(String(stateType))) throw err.fieldType('stateType', 'Enum');
      const s: StateDef = { id: randomUUID(), name: o['name'], color: o['color'], stateType: stateType as StateDef['stateType'], entityType: type };
      ctx.account.data.statesOf(type).push(s);
      return s;
    };
    const body = req.body;
    if (Array.isArray(body)) return body.map((b) => serializeState(ctx, make(b)));
    return serializeState(ctx, make(body));
  });

  // ---- single objects -----------------------------------------------------------------------
  const getOne = (req: FastifyRequest, type: string, id: string): Entity => {
    specOrThrow(type);
    const e = principalOf(req).account.data.col(type).get(id);
    if (!e) throw err.notFound(type, id);
    return e;
  };
  const bySyncId = (req: FastifyRequest, type: string, syncId: string): Entity => {
    const spec = specOrThrow(type);
    const col = principalOf(req).account.data.col(type);
    const id = spec.syncId ? col.bySyncId.get(syncId.toLowerCase()) : undefined;
    const e = id ? col.get(id) : undefined;
    if (!e) throw err.notFound(type, syncId);
    return e;
  };

  app.get('/entity/:type/:id', async (req) => {
    const { type = '', id = '' } = req.params as P;
    const e = getOne(req, type, id);
    const expand = parseExpand((req.query as Q)['expand']);
    if (expand) validateExpand(specOrThrow(type), expand);
    return serializeEntity(ctxOf(req), type, e, expand);
  });

  app.get('/entity/:type/syncid/:syncId', async (req) => {
    const { type = '', syncId = '' } = req.params as P;
    return serializeEntity(ctxOf(req), type, bySyncId(req, type, syncId), parseExpand((req.query as Q)['expand']));
  });

  app.put('/entity/:type/:id', async (req) => {
    const { type = '', id = '' } = req.params as P;
    specOrThrow(type);
    if (req.body === undefined || req.body === null) throw err.noObjects();
    const w = writeCtx(req);
    const e = updateEntity(principalOf(req).account, type, id, req.body, w);
    publish(req, w);
    return serializeEntity(ctxOf(req), type, e, parseExpand((req.query as Q)['expand']));
  });

  app.delete('/entity/:type/:id', async (req, reply) => {
    const { type = '', id = '' } = req.params as P;
    const w = writeCtx(req);
    deleteEntity(principalOf(req).account, type, id, w);
    publish(req, w);
    return reply.code(200).send();
  });

  app.delete('/entity/:type/syncid/:syncId', async (req, reply) => {
    const { type = '', syncId = '' } = req.params as P;
    const e = bySyncId(req, type, syncId);
    const w = writeCtx(req);
    deleteEntity(principalOf(req).account, type, e.id, w);
    publish(req, w);
    return reply.code(200).send();
  });

  // ---- nested: contact persons, notes, positions ---------------------------------------------
  const touch = (req: FastifyRequest, type: string, e: Entity, field: string): void => {
    e.updated = Date.now();
    principalOf(req).account.data.col(type).bump();
    const w = writeCtx(req);
    w.events.push({ type, id: e.id, action: 'UPDATE', updatedFields: [field] });
    publish(req, w);
  };

  app.get('/entity/counterparty/:id/contactpersons', async (req) => {
    const { id = '' } = req.params as P;
    const e = getOne(req, 'counterparty', id);
    const q = req.query as Q;
    const { limit, offset } = parsePaging(q);
    const ctx = ctxOf(req);
    const all = (e['_contactpersons'] as ContactPerson[] | undefined) ?? [];
    const rows = all.slice(offset, offset + limit).map((cp) => serializeContactPerson(ctx, id, cp));
    return collection(ctx, req, 'contactperson', all.length, limit, offset, rows);
  });

  app.get('/entity/counterparty/:id/contactpersons/:cpId', async (req) => {
    const { id = '', cpId = '' } = req.params as P;
    const e = getOne(req, 'counterparty', id);
    const cp = ((e['_contactpersons'] as ContactPerson[] | undefined) ?? []).find((c) => c.id === cpId);
    if (!cp) throw err.notFound('contactperson', cpId);
    return serializeContactPerson(ctxOf(req), id, cp);
  });

  app.post('/entity/counterparty/:id/contactpersons', async (req) => {
    const { id = '' } = req.params as P;
    const e = getOne(req, 'counterparty', id);
    const list = ((e['_contactpersons'] as ContactPerson[] | undefined) ?? []).slice();
    const items = Array.isArray(req.body) ? req.body : [req.body];
    if (items.length > MAX_BULK) throw err.tooManyItems();
    const created = items.map((b) => readContactPerson(b, Date.now()));
    list.push(...created);
    e['_contactpersons'] = list;
    touch(req, 'counterparty', e, 'contactpersons');
    const ctx = ctxOf(req);
    return created.map((cp) => serializeContactPerson(ctx, id, cp));
  });

  app.put('/entity/counterparty/:id/contactpersons/:cpId', async (req) => {
    const { id = '', cpId = '' } = req.params as P;
    const e = getOne(req, 'counterparty', id);
    const list = ((e['_contactpersons'] as ContactPerson[] | undefined) ?? []).slice();
    const i = list.findIndex((c) => c.id === cpId);
    const cur = list[i];
    if (!cur) throw err.notFound('contactperson', cpId);
    list[i] = readContactPerson(req.body, Date.now(), cur);
    e['_contactpersons'] = list;
    touch(req, 'counterparty', e, 'contactpersons');
    return serializeContactPerson(ctxOf(req), id, list[i]!);
  });

  app.delete('/entity/counterparty/:id/contactpersons/:cpId', async (req, reply) => {
    const { id = '', cpId = '' } = req.params as P;
    const e = getOne(req, 'counterparty', id);
    const list = (e['_contactpersons'] as ContactPerson[] | undefined) ?? [];
    if (!list.some((c) => c.id === cpId)) throw err.notFound('contactperson', cpId);
    e['_contactpersons'] = list.filter((c) => c.id !== cpId);
    touch(req, 'counterparty', e, 'contactpersons');
    return reply.code(200).send();
  });

  for (const type of ['counterparty', 'customerorder', 'task']) {
    app.get(`/entity/${type}/:id/notes`, async (req) => {
      const { id = '' } = req.params as P;
      const e = getOne(req, type, id);
      const q = req.query as Q;
      const { limit, offset } = type === 'task' ? parsePaging(q, 25, 100) : parsePaging(q);
      const ctx = ctxOf(req);
      const all = (e['_notes'] as Note[] | undefined) ?? [];
      const rows = all.slice(offset, offset + limit).map((n) => serializeNote(ctx, type, id, n));
      return collection(ctx, req, type === 'task' ? 'tasknote' : 'note', all.length, limit, offset, rows);
    });
    app.post(`/entity/${type}/:id/notes`, async (req) => {
      const { id = '' } = req.params as P;
      const e = getOne(req, type, id);
      const items = Array.isArray(req.body) ? req.body : [req.body];
      const p = principalOf(req);
      const notes = items.map((b) => {
        const d = (b as { description?: unknown })?.description;
        if (typeof d !== 'string' || !d) throw err.required('description');
        if (d.length > 4096) throw err.fieldType('description', 'String(4096)');
        const n: Note = { id: randomUUID(), description: d, created: Date.now() };
        if (p.kind !== 'solution') n.author = Ref.entity('employee', p.account.data.adminEmployeeId);
        return n;
      });
      const existing = (e['_notes'] as Note[] | undefined) ?? [];
      if (existing.length + notes.length > 5000) throw new MsError(412, 3007, 'Ошибка валидации сохраняемого объекта: превышено число событий');
      e['_notes'] = [...existing, ...notes];
      const ctx = ctxOf(req);
      const out = notes.map((n) => serializeNote(ctx, type, id, n));
      return Array.isArray(req.body) ? out : out[0];
    });
  }

  app.get('/entity/customerorder/:id/positions', async (req) => {
    const { id = '' } = req.params as P;
    const e = getOne(req, 'customerorder', id);
    const { limit, offset } = parsePaging(req.query as Q);
    const ctx = ctxOf(req);
    const all = (e['_positions'] as Position[] | undefined) ?? [];
    const rows = all.slice(offset, offset + limit).map((x) => serializePosition(ctx, id, x));
    return collection(ctx, req, 'customerorderposition', all.length, limit, offset, rows);
  });
}

function sendErr(reply: FastifyReply, e: MsError): FastifyReply {
  return reply.code(e.status).headers(e.headers).send(e.body());
}

/** List envelope with size/limit/offset and nextHref/previousHref built from the request URL. */
function collection(ctx: Ctx, req: FastifyRequest, type: string, size: number, limit: number, offset: number, rows: unknown[]): Record<string, unknown> {
  const origin = ctx.base.slice(0, ctx.base.indexOf('/api/remap/1.2'));
  const [path = '', qs = ''] = req.url.split('?');
  const href = (o: number): string => {
    const params = new URLSearchParams(qs);
    params.set('limit', String(limit));
    params.set('offset', String(o));
    return `${origin}${path}?${params.toString()}`;
  };
  const meta: Record<string, unknown> = { href: `${origin}${req.url}`, type, mediaType: 'application/json', size, limit, offset };
  if (offset + limit < size) meta['nextHref'] = href(offset + limit);
  if (offset > 0) meta['previousHref'] = href(Math.max(0, offset - limit));
  return {
    context: { employee: { meta: { href: `${ctx.base}/context/employee`, metadataHref: `${ctx.base}/entity/employee/metadata`, type: 'employee', mediaType: 'application/json' } } },
    meta,
    rows,
  };
}

export type { Account };
