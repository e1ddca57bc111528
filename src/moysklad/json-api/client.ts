// Typed client for MoySklad JSON API 1.2.
//
// Why there is no `/security/token` call anywhere: issuing a token for a user REVOKES every token
// previously issued to that user, so calling it with a customer's login would silently break their
// other integrations (and the marketplace forbids collecting logins anyway). With login+password we
// send Basic auth on every request; with a token we send Bearer. `request()` refuses that path.
import { z } from 'zod';
import { BadResponseError, MoyskladHttpError } from '../errors.ts';
import type { GateLane } from '../gate.ts';
import { formatMoscowTime } from '../time.ts';
import { Transport, type CommonClientOptions, type HttpMethod, type QueryValue, type RawResult } from '../transport.ts';
import { findCounterpartiesByPhone, type CounterpartyPhoneMatch } from './phone-search.ts';
import { buildExpand, buildFilter, buildOrder, type FilterInput, type OrderInput } from './filter.ts';
import {
  attributeSchema,
  employeeSchema,
  entityMetadataSchema,
  entitySchemas,
  listSchema,
  metaSchema,
  noteSchema,
  taskSchema,
  webhookSchema,
  type AttributeMetadata,
  type EntityMetadata,
  type Employee,
  type KnownEntity,
  type ListPage,
  type Meta,
  type Note,
  type State,
  type Task,
  type Webhook,
  type WebhookAction,
} from './entities.ts';

export const DEFAULT_JSON_API_BASE_URL = 'https://api.moysklad.ru/api/remap/1.2';
/** Max elements MoySklad accepts in one array body (more → 413). */
export const BULK_LIMIT = 1000;
/** `expand` is silently ignored when limit > 100. */
export const EXPAND_PAGE_LIMIT = 100;

export type JsonApiAuth =
  | { kind: 'basic'; login: string; password: string }
  | { kind: 'bearer'; token: string };

export interface JsonApiClientOptions extends CommonClientOptions {
  auth: JsonApiAuth;
  baseUrl?: string;
  /**
   * Rate units per request for the gate. Published solution token: 1; draft solution token or
   * user credentials (login/password or user token) from 2026-12-01: 4. Defaults: bearer 1, basic 4.
   */
  weight?: number;
  /** Our webhook URL prefix; sent as `X-Lognex-WebHook-DisableByPrefix` on writes to avoid echo loops. */
  webhookDisablePrefix?: string;
}

export interface CallOptions {
  lane?: GateLane;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ListOptions extends CallOptions {
  filter?: FilterInput;
  search?: string;
  order?: OrderInput;
  expand?: string | string[];
  limit?: number;
  offset?: number;
  /** Extra raw query parameters (e.g. `fields`, `namedfilter`). */
  query?: Record<string, QueryValue>;
}

export type BulkItemResult<T> =
  | { ok: true; index: number; value: T }
  | { ok: false; index: number; error: MoyskladHttpError };

export type AnyEntity = z.infer<typeof genericEntitySchema>;
const genericEntitySchema = z.looseObject({ id: z.string(), meta: metaSchema });

type RowOf<E extends string> = E extends KnownEntity ? z.infer<(typeof entitySchemas)[E]> : AnyEntity;

function schemaFor(entity: string): z.ZodType {
  return (entitySchemas as Record<string, z.ZodType>)[entity] ?? genericEntitySchema;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new BadResponseError(what, issues);
  }
  return r.data;
}

const entityName = /^[a-z][a-z0-9_]*$/i;
function checkEntity(entity: string): void {
  if (!entityName.test(entity)) throw new RangeError(`bad entity keyword: ${entity}`);
}
function checkId(id: string): void {
  if (!/^[0-9a-zA-Z-]+$/.test(id)) throw new RangeError(`bad MoySklad id: ${id}`);
}

export class JsonApiClient {
  readonly baseUrl: string;
  private readonly transport: Transport;
  private readonly disablePrefix: string | undefined;

  constructor(opts: JsonApiClientOptions) {
    const auth = opts.auth;
    const authHeader =
      auth.kind === 'basic'
        ? `Basic ${Buffer.from(`${auth.login}:${auth.password}`, 'utf8').toString('base64')}`
        : `Bearer ${auth.token}`;
    if (opts.webhookDisablePrefix !== undefined && !/^https?:\/\/[^/]+/i.test(opts.webhookDisablePrefix)) {
      // MoySklad rejects a bare "https://"; a host is required.
      throw new RangeError('webhookDisablePrefix must be an http(s) URL with a host');
    }
    this.disablePrefix = opts.webhookDisablePrefix;
    this.transport = new Transport({
      ...opts,
      api: 'json',
      baseUrl: opts.baseUrl ?? DEFAULT_JSON_API_BASE_URL,
      weight: opts.weight ?? (auth.kind === 'basic' ? 4 : 1),
      authHeaders: () => ({ Authorization: authHeader }),
      // 1073 (parallel limit) comes without X-Lognex-Retry-After; one window is a safe pause.
      defaultRetryAfterMs: 3000,
    });
    this.baseUrl = this.transport.baseUrl;
  }

  /** Low-level escape hatch: one request, JSON in/out, typed errors. */
  async request(
    method: HttpMethod,
    path: string,
    opts: CallOptions & { query?: Record<string, QueryValue>; body?: unknown } = {},
  ): Promise<RawResult> {
    if (/\/security\/token/i.test(path)) {
      throw new RangeError('JSON API /security/token is never called: it revokes the customer’s other tokens');
    }
    const write = method !== 'GET';
    return this.transport.request({
      method,
      path,
      ...(opts.query ? { query: opts.query } : {}),
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      ...(write && this.disablePrefix ? { headers: { 'X-Lognex-WebHook-DisableByPrefix': this.disablePrefix } } : {}),
      ...(opts.lane ? { lane: opts.lane } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    });
  }

  private async call<T>(method: HttpMethod, path: string, schema: z.ZodType<T>, opts: CallOptions & { query?: Record<string, QueryValue>; body?: unknown } = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    return parse(schema, res.body, `${method} ${path}`);
  }

  private listQuery(opts: ListOptions): Record<string, QueryValue> {
    const limit = opts.limit ?? (opts.expand ? EXPAND_PAGE_LIMIT : BULK_LIMIT);
    return {
      filter: buildFilter(opts.filter, (d) => formatMoscowTime(d, { millis: false })),
      search: opts.search,
      order: buildOrder(opts.order),
      expand: buildExpand(opts.expand),
      limit: opts.expand ? Math.min(limit, EXPAND_PAGE_LIMIT) : Math.min(limit, BULK_LIMIT),
      offset: opts.offset,
      ...opts.query,
    };
  }

  // ---- reading -------------------------------------------------------------------------------

  /** One page of `/entity/{entity}`. */
  async list<E extends string>(entity: E, opts: ListOptions = {}): Promise<ListPage<RowOf<E>>> {
    checkEntity(entity);
    const schema = listSchema(schemaFor(entity));
    const page = await this.call('GET', `/entity/${entity}`, schema, { ...opts, query: this.listQuery(opts) });
    return page as unknown as ListPage<RowOf<E>>;
  }

  /**
   * Every page of a collection, full pages (1000 rows; 100 with expand), following `meta.nextHref`
   * and falling back to stepping `offset` against `meta.size`.
   */
  async *pages<E extends string>(entity: E, opts: ListOptions = {}): AsyncGenerator<ListPage<RowOf<E>>> {
    checkEntity(entity);
    const schema = listSchema(schemaFor(entity));
    let query = this.listQuery(opts);
    let path = `/entity/${entity}`;
    let offset = opts.offset ?? 0;
    for (;;) {
      const page = (await this.call('GET', path, schema, { ...opts, query })) as unknown as ListPage<RowOf<E>>;
      yield page;
      offset += page.rows.length;
      const next = page.meta.nextHref;
      if (next) {
        path = next; // absolute URL with filter/limit/offset already in it
        query = {};
      } else if (page.rows.length > 0 && page.meta.size !== undefined && offset < page.meta.size) {
        query = { ...query, offset };
      } else {
        return;
      }
    }
  }

  /** Every row of a collection (see `pages`). */
  async *iterate<E extends string>(entity: E, opts: ListOptions = {}): AsyncGenerator<RowOf<E>> {
    for await (const page of this.pages(entity, opts)) yield* page.rows;
  }

  async getById<E extends string>(entity: E, id: string, opts: CallOptions & { expand?: string | string[] } = {}): Promise<RowOf<E>> {
    checkEntity(entity);
    checkId(id);
    const expand = buildExpand(opts.expand);
    return (await this.call('GET', `/entity/${entity}/${id}`, schemaFor(entity), {
      ...opts,
      ...(expand ? { query: { expand } } : {}),
    })) as RowOf<E>;
  }

  /**
   * Fetches many objects by id with `filter=id=a;id=b;…` (repeated "=" is OR), `chunkSize` ids per
   * request. Missing ids are simply absent from the result.
   */
  async getByIds<E extends string>(
    entity: E,
    ids: Iterable<string>,
    opts: CallOptions & { expand?: string | string[]; chunkSize?: number } = {},
  ): Promise<RowOf<E>[]> {
    const unique = [...new Set(ids)];
    unique.forEach(checkId);
    // ~40 URL characters per id; 100 ids keep the URL well under MoySklad's 8 KB header limit,
    // and 100 is also the page size that keeps `expand` working.
    const chunk = Math.max(1, Math.min(opts.chunkSize ?? 100, EXPAND_PAGE_LIMIT));
    const out: RowOf<E>[] = [];
    for (let i = 0; i < unique.length; i += chunk) {
      const part = unique.slice(i, i + chunk);
      const page = await this.list(entity, {
        ...opts,
        filter: { id: part },
        limit: part.length,
        ...(opts.expand ? { expand: opts.expand } : {}),
      });
      out.push(...page.rows);
    }
    return out;
  }

  // ---- writing -------------------------------------------------------------------------------

  /** POST one object. Give `syncId` (a UUID) to make the create idempotent: a resend returns the same object. */
  async create<E extends string>(entity: E, body: Record<string, unknown>, opts: CallOptions & { syncId?: string; expand?: string } = {}): Promise<RowOf<E>> {
    checkEntity(entity);
    const payload = opts.syncId ? { ...body, syncId: opts.syncId } : body;
    return (await this.call('POST', `/entity/${entity}`, schemaFor(entity), {
      ...opts,
      body: payload,
      ...(opts.expand ? { query: { expand: opts.expand } } : {}),
    })) as RowOf<E>;
  }

  /**
   * Bulk create/update by array (items with `meta` update, others create), ≤1000 per request.
   * MoySklad answers an array where failed items are `{errors:[…]}`; each is reported per index.
   */
  async createMany<E extends string>(entity: E, items: Record<string, unknown>[], opts: CallOptions = {}): Promise<BulkItemResult<RowOf<E>>[]> {
    checkEntity(entity);
    const schema = schemaFor(entity);
    const out: BulkItemResult<RowOf<E>>[] = [];
    for (let start = 0; start < items.length; start += BULK_LIMIT) {
      const part = items.slice(start, start + BULK_LIMIT);
      const res = await this.request('POST', `/entity/${entity}`, { ...opts, body: part });
      if (!Array.isArray(res.body) || res.body.length !== part.length) {
        throw new BadResponseError(`POST /entity/${entity} (bulk)`, 'expected an array with one element per item');
      }
      res.body.forEach((el: unknown, i) => {
        const index = start + i;
        if (el && typeof el === 'object' && 'errors' in el && Array.isArray(el.errors)) {
          out.push({
            ok: false,
            index,
            error: new MoyskladHttpError('collection', { status: res.status, method: 'POST', url: `${this.baseUrl}/entity/${entity}`, errors: el.errors }),
          });
        } else {
          out.push({ ok: true, index, value: parse(schema, el, `POST /entity/${entity} [${index}]`) as RowOf<E> });
        }
      });
    }
    return out;
  }

  /** PUT: only the given fields change (note: `positions` on PUT replaces the whole set). */
  async update<E extends string>(entity: E, id: string, patch: Record<string, unknown>, opts: CallOptions = {}): Promise<RowOf<E>> {
    checkEntity(entity);
    checkId(id);
    return (await this.call('PUT', `/entity/${entity}/${id}`, schemaFor(entity), { ...opts, body: patch })) as RowOf<E>;
  }

  async remove(entity: string, id: string, opts: CallOptions = {}): Promise<void> {
    checkEntity(entity);
    checkId(id);
    await this.request('DELETE', `/entity/${entity}/${id}`, opts);
  }

  // ---- metadata, attributes, states -----------------------------------------------------------

  async getMetadata(entity: string, opts: CallOptions = {}): Promise<EntityMetadata> {
    checkEntity(entity);
    return this.call('GET', `/entity/${entity}/metadata`, entityMetadataSchema, opts);
  }

  /** Funnel stages of e.g. `customerorder` (order of the array = MoySklad's; UI order is unverified). */
  async getStates(entity: string, opts: CallOptions = {}): Promise<State[]> {
    return (await this.getMetadata(entity, opts)).states ?? [];
  }

  async listAttributes(entity: string, opts: CallOptions = {}): Promise<AttributeMetadata[]> {
    checkEntity(entity);
    const page = await this.call('GET', `/entity/${entity}/metadata/attributes`, listSchema(attributeSchema), opts);
    return page.rows;
  }

  /** Creates attribute definitions (admin / `useOwnAttributeMetadata`). */
  async createAttributes(
    entity: string,
    defs: Array<{ name: string; type: string; required?: boolean; show?: boolean; description?: string }>,
    opts: CallOptions = {},
  ): Promise<AttributeMetadata[]> {
    checkEntity(entity);
    return this.call('POST', `/entity/${entity}/metadata/attributes`, z.array(attributeSchema), { ...opts, body: defs });
  }

  /** `{meta}` for writing an attribute value: `{ ...attributeRef(def), value }`. */
  attributeRef(entity: string, attributeId: string): { meta: { href: string; type: string; mediaType: string } } {
    return { meta: { href: `${this.baseUrl}/entity/${entity}/metadata/attributes/${attributeId}`, type: 'attributemetadata', mediaType: 'application/json' } };
  }

  /** `{meta}` reference to an entity for writing. */
  ref(type: string, id: string): { meta: { href: string; type: string; mediaType: string } } {
    checkEntity(type);
    checkId(id);
    return { meta: { href: `${this.baseUrl}/entity/${type}/${id}`, type, mediaType: 'application/json' } };
  }

  // ---- tasks, notes -----------------------------------------------------------------------------

  async createTask(
    task: { description: string; assignee: { meta: Meta }; agent?: { meta: Meta }; operation?: { meta: Meta }; dueToDate?: Date | string; [k: string]: unknown },
    opts: CallOptions = {},
  ): Promise<Task> {
    return this.call('POST', '/entity/task', taskSchema, { ...opts, body: withMoments(task) });
  }

  async updateTask(id: string, patch: Record<string, unknown>, opts: CallOptions = {}): Promise<Task> {
    checkId(id);
    return this.call('PUT', `/entity/task/${id}`, taskSchema, { ...opts, body: withMoments(patch) });
  }

  /** Adds an event-feed note to a counterparty or a document (customerorder, …). */
  async addNote(entity: string, id: string, description: string, opts: CallOptions = {}): Promise<Note> {
    checkEntity(entity);
    checkId(id);
    return this.call('POST', `/entity/${entity}/${id}/notes`, noteSchema, { ...opts, body: { description: description.slice(0, 4096) } });
  }

  // ---- webhooks ------------------------------------------------------------------------------

  async listWebhooks(opts: CallOptions = {}): Promise<Webhook[]> {
    const page = await this.call('GET', '/entity/webhook', listSchema(webhookSchema), opts);
    return page.rows;
  }

  async createWebhook(hook: { url: string; action: WebhookAction; entityType: string; diffType?: 'NONE' | 'FIELDS' }, opts: CallOptions = {}): Promise<Webhook> {
    if (hook.url.length > 255) throw new RangeError('webhook url longer than 255 characters');
    return this.call('POST', '/entity/webhook', webhookSchema, { ...opts, body: hook });
  }

  async updateWebhook(id: string, patch: { enabled?: boolean; url?: string; diffType?: 'NONE' | 'FIELDS' }, opts: CallOptions = {}): Promise<Webhook> {
    checkId(id);
    return this.call('PUT', `/entity/webhook/${id}`, webhookSchema, { ...opts, body: patch });
  }

  async deleteWebhook(id: string, opts: CallOptions = {}): Promise<void> {
    await this.remove('webhook', id, opts);
  }

  // ---- phone lookup --------------------------------------------------------------------------

  /** Counterparties whose own phone or a contact person's phone is this number (any spelling). */
  async findCounterpartiesByPhone(rawPhone: string, opts: CallOptions & { includeArchived?: boolean } = {}): Promise<CounterpartyPhoneMatch[]> {
    return findCounterpartiesByPhone(this, rawPhone, opts);
  }

  // ---- employees, context ------------------------------------------------------------------------

  async listEmployees(opts: ListOptions = {}): Promise<Employee[]> {
    const out: Employee[] = [];
    for await (const e of this.iterate('employee', opts)) out.push(e);
    return out;
  }

  /** The employee behind user credentials (fails with 55006 for a solution token). */
  async contextEmployee(opts: CallOptions = {}): Promise<Employee> {
    return this.call('GET', '/context/employee', employeeSchema, opts);
  }
}

function withMoments<T extends Record<string, unknown>>(body: T): T {
  const out: Record<string, unknown> = { ...body };
  for (const [k, v] of Object.entries(out)) if (v instanceof Date) out[k] = formatMoscowTime(v);
  return out as T;
}
