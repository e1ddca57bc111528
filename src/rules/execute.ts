// Carries out a plan in MoySklad. State-based: every action's outcome is recorded per
// communication (rule_applications) — stored right after each MoySklad write, before the next one
// starts, and the rest together at the end — so a retry continues where the last attempt stopped
// and a duplicate job finds nothing left to do. Creates are idempotent (syncId), and "find or
// create the counterparty" runs under a per-(account, phone) lock.
import type { Logger } from 'pino';
import type { ActivityLink } from '../activity/index.ts';
import {
  idFromHref,
  isRetryable,
  MoyskladError,
  NotFoundError,
  type AttributeMetadata,
  type Counterparty,
  type GateLane,
  type JsonApiClient,
  type State,
} from '../moysklad/index.ts';
import { normalizePhone, phoneKey } from '../phone/index.ts';
import { commKey as keyOf, type Communication } from './communication.ts';
import type { EmployeeResolver } from './employees.ts';
import { counterpartySyncId, orderSyncId } from './ids.ts';
import { linkTo } from './links.ts';
import type { Plan, PlannedField } from './plan.ts';
import type { CounterpartyAction, EmployeeSource, RuleSet } from './schema.ts';
import type { OpenTask, RulesStore } from './store.ts';
import { displayPhone, renderTemplate, templateVars } from './template.ts';
import type { EvaluationWrites } from './writes.ts';

/** Another evaluation holds this number's lock: run again in a moment. */
export class PhoneLockedError extends Error {
  constructor(readonly retryAt: Date) {
    super('counterparty lock for this phone is held by another evaluation');
  }
}

export interface ExecuteDeps {
  store: RulesStore;
  /** The ledger as read and the writes still to be stored (this communication's). */
  writes: EvaluationWrites;
  log: Logger;
  /** undefined: the integration has no JSON API credential. */
  client: JsonApiClient | undefined;
  employees: EmployeeResolver;
  lane?: GateLane;
  /** The counterparty this number is linked to, when the evaluation already read it. */
  knownCounterpartyId?: string;
  /** The number's open auto-close tasks, when the evaluation already read them. */
  openTasks?: OpenTask[];
}

export interface ExecuteResult {
  counterpartyId?: string;
  counterpartyCreated?: boolean;
  orderId?: string;
  taskId?: string;
  closedTasks: string[];
  fieldsWritten: string[];
  failures: string[];
}

type Ids = { accountId: string; integrationId: string };
type Cp = { id: string; name: string; ownerId?: string; uuidHref?: string; attributes?: Counterparty['attributes'] };

const toCp = (c: Counterparty): Cp => ({
  id: c.id,
  name: c.name,
  ...(c.owner ? { ownerId: idFromHref(c.owner.meta.href) } : {}),
  ...(c.meta.uuidHref ? { uuidHref: c.meta.uuidHref } : {}),
  ...(c.attributes ? { attributes: c.attributes } : {}),
});

const FINAL_STATES = new Set(['Successful', 'Unsuccessful']);

export async function executePlan(deps: ExecuteDeps, c: Communication, plan: Plan, rs: RuleSet): Promise<ExecuteResult> {
  const out: ExecuteResult = { closedTasks: [], fieldsWritten: [], failures: [] };
  const w = deps.writes;
  const ids = w.ids;
  const key = keyOf(c);
  const pk = c.contactPhone ? phoneKey(c.contactPhone) : null;
  const client = deps.client;
  const lane = deps.lane ?? 'log';
  const tz = rs.settings.workingHours.timeZone;
  // Marks and log lines are collected; `stored()` writes them (one statement) after a MoySklad write.
  const activity = (kind: string, message: string, links: ActivityLink[] = []) => w.activity(kind, message, links);
  const applied = w.applied;
  const mark = (action: string, status: 'done' | 'skipped' | 'failed', result: Record<string, unknown> = {}) => w.mark(action, status, result);
  const stored = () => w.flush();
  const wantsAny = plan.counterparty || plan.order || plan.task || plan.closesTasks;
  if (!wantsAny || !pk) return out;

  if (!client) {
    if (!applied.has('no-json-api')) {
      mark('no-json-api', 'skipped');
      activity('rules.no_credentials', `Правила не выполнены для ${displayPhone(c.contactPhone)}: в интеграции не выбраны учётные данные JSON API МойСклад`);
    }
    return out;
  }

  /** Runs one action; a MoySklad refusal that retrying cannot fix is recorded and the rest go on. */
  const guarded = async (action: string, what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      if (err instanceof PhoneLockedError || !(err instanceof MoyskladError) || isRetryable(err)) throw err;
      deps.log.warn({ err, action, comm: key }, 'rule action refused by MoySklad');
      out.failures.push(action);
      mark(action, 'failed', { error: err.message.slice(0, 500) });
      activity(`${action.split(':')[0]}.failed`, `${what}: МойСклад отказал — ${err.message.slice(0, 300)}`);
    }
  };

  // ---- counterparty ------------------------------------------------------------------------
  let cp: Cp | undefined;
  const prev = applied.get('counterparty');
  if (prev?.status === 'done' && typeof prev.result.id === 'string') {
    cp = prev.result as unknown as Cp;
  } else if ((!prev || prev.status !== 'skipped') && (plan.counterparty || plan.order || plan.task || plan.fields.length)) {
    // Closing tasks alone needs no counterparty: an answered callback costs no lookup.
    await guarded('counterparty', 'Контрагент не найден и не создан', async () => {
      const create = plan.counterparty?.action.mode === 'find_or_create' ? plan.counterparty.action : undefined;
      const r = await findOrCreateCounterparty(deps, ids, c, pk, create, lane);
      if (!r.cp) mark('counterparty', 'skipped', { reason: 'not_found' });
      else {
        cp = r.cp;
        out.counterpartyCreated = r.created;
        mark('counterparty', 'done', { ...r.cp, created: r.created, attributes: undefined });
        if (r.created) {
          activity('counterparty.created', `Создан контрагент «${r.cp.name}» для номера ${displayPhone(c.contactPhone)} (правило «${ruleName(rs, plan.counterparty?.ruleId)}»)`, [
            linkTo('counterparty', r.cp.id, r.cp.name, r.cp),
          ]);
        }
      }
      // The lock goes with the mark; a held lock is not kept waiting for the rest of the plan.
      if (r.locked) await stored();
    });
  }
  if (cp) out.counterpartyId = cp.id;

  // ---- extra fields on the counterparty ----------------------------------------------------
  const cpFields = plan.fields.filter((f) => f.entity === 'counterparty');
  if (cp && cpFields.length && !applied.has('fields:counterparty')) {
    const target = cp;
    await guarded('fields:counterparty', 'Доп. поля контрагента не заполнены', async () => {
      const current = target.attributes ? target : toCp(await client.getById('counterparty', target.id, { lane }));
      const { writes, written, kept } = await fieldWrites(client, 'counterparty', current.attributes, cpFields, rs, lane);
      if (writes.length) await client.update('counterparty', target.id, { attributes: writes }, { lane });
      mark('fields:counterparty', 'done', { written, kept });
      out.fieldsWritten.push(...written);
      if (written.length) {
        activity('fields.written', `Контрагент «${target.name}»: заполнены доп. поля ${written.join(', ')}${kept.length ? `; не перезаписаны ${kept.join(', ')}` : ''}`, [
          linkTo('counterparty', target.id, target.name, target),
        ]);
      }
      if (writes.length) await stored();
    });
  }

  const employeeFrom = async (chain: EmployeeSource[], defaultId: string | undefined): Promise<string | undefined> => {
    for (const s of chain) {
      const id =
        s === 'answered' ? (c.answeredBy ? await deps.employees(c.answeredBy) : undefined)
        : s === 'last_rang' ? await lastRangEmployee(deps, c)
        : s === 'counterparty_owner' ? cp?.ownerId
        : defaultId;
      if (id) return id;
    }
    return undefined;
  };
  const vars = () => templateVars(c, { timeZone: tz, extra: { counterparty: cp?.name, counterparty_link: cp ? linkTo('counterparty', cp.id, cp.name, cp).url : '' } });

  // ---- order -------------------------------------------------------------------------------
  if (plan.order && cp && !applied.has('order')) {
    const a = plan.order.action;
    const target = cp;
    await guarded('order', 'Заказ не создан', async () => {
      let states: State[] | undefined;
      const getStates = async () => (states ??= await client.getStates('customerorder', { lane }));
      if (a.mode === 'if_no_open') {
        const since = new Date(c.startedAt.getTime() - a.openWithinDays * 86_400_000);
        const page = await client.list('customerorder', {
          lane,
          filter: [
            ['agent', '=', client.ref('counterparty', target.id).meta.href],
            ['moment', '>=', since],
          ],
          limit: 100,
        });
        const byId = new Map((await getStates()).map((s) => [s.id, s]));
        const open = page.rows.find((o) => !o.state || !FINAL_STATES.has(String(byId.get(idFromHref(o.state.meta.href))?.stateType ?? 'Regular')));
        if (open) {
          mark('order', 'skipped', { reason: 'open_order', orderId: open.id });
          activity('order.skipped', `Заказ не создан: у контрагента «${target.name}» уже есть открытый заказ №${open.name}`, [
            linkTo('customerorder', open.id, `Заказ №${open.name}`, open.meta),
          ]);
          return;
        }
      }
      const organizationId = a.organizationId ?? (await client.list('organization', { lane, limit: 1 })).rows[0]?.id;
      if (!organizationId) throw new MoyskladError('precondition', 'в МойСклад нет ни одного юрлица (организации)');
      let stateId = a.stateId;
      if (!stateId && a.stateName) {
        const want = a.stateName.trim().toLowerCase();
        stateId = (await getStates()).find((s) => s.name.trim().toLowerCase() === want)?.id;
        if (!stateId) throw new MoyskladError('precondition', `нет статуса заказа «${a.stateName}»`);
      }
      const ownerId = await employeeFrom(a.owner, a.defaultOwnerId);
      const orderFields = plan.fields.filter((f) => f.entity === 'customerorder');
      const { writes, written } = orderFields.length ? await fieldWrites(client, 'customerorder', undefined, orderFields, rs, lane) : { writes: [], written: [] };
      const body: Record<string, unknown> = {
        organization: client.ref('organization', organizationId),
        agent: client.ref('counterparty', target.id),
        description: renderTemplate(a.descriptionTemplate, vars()).slice(0, 4096),
        ...(stateId ? { state: { meta: { href: `${client.baseUrl}/entity/customerorder/metadata/states/${stateId}`, type: 'state', mediaType: 'application/json' } } } : {}),
        ...(a.storeId ? { store: client.ref('store', a.storeId) } : {}),
        ...(a.salesChannelId ? { salesChannel: client.ref('saleschannel', a.salesChannelId) } : {}),
        ...(a.projectId ? { project: client.ref('project', a.projectId) } : {}),
        ...(ownerId ? { owner: client.ref('employee', ownerId) } : {}),
        ...(writes.length ? { attributes: writes } : {}),
      };
      const order = await client.create('customerorder', body, { lane, syncId: orderSyncId(ids.integrationId, key) });
      out.orderId = order.id;
      mark('order', 'done', { id: order.id, name: order.name, stateId: stateId ?? null });
      await stored();
      const stateName = stateId ? ((await getStates()).find((s) => s.id === stateId)?.name ?? '') : '';
      activity(
        'order.created',
        `Создан заказ №${order.name} для «${target.name}»${stateName ? ` в статусе «${stateName}»` : ''}${written.length ? `, доп. поля: ${written.join(', ')}` : ''} (правило «${ruleName(rs, plan.order!.ruleId)}»)`,
        [linkTo('customerorder', order.id, `Заказ №${order.name}`, order.meta), linkTo('counterparty', target.id, target.name, target)],
      );
    });
  }

  // ---- task for a missed communication ------------------------------------------------------
  if (plan.task && !applied.has('task')) {
    const a = plan.task.action;
    const dueAt = plan.task.dueAt;
    await guarded('task', 'Задача не создана', async () => {
      const assignee = await employeeFrom(a.assignee, a.defaultAssigneeId);
      if (!assignee) {
        mark('task', 'failed', { reason: 'no_assignee' });
        activity('task.failed', `Задача не создана для ${displayPhone(c.contactPhone)}: не удалось определить ответственного (укажите сотрудника по умолчанию в правиле «${ruleName(rs, plan.task!.ruleId)}»)`);
        return;
      }
      const task = await client.createTask(
        {
          description: renderTemplate(a.descriptionTemplate, vars()).slice(0, 4096),
          assignee: client.ref('employee', assignee),
          ...(cp ? { agent: client.ref('counterparty', cp.id) } : {}),
          dueToDate: dueAt,
        },
        { lane },
      );
      out.taskId = task.id;
      mark('task', 'done', { id: task.id, assignee });
      w.addTask({ phoneKey: pk, msTaskId: task.id, occurredAt: c.startedAt, autoClose: a.autoClose });
      activity('task.created', `Создана задача по ${displayPhone(c.contactPhone)}: ${summaryLine(c)}; срок ${formatLocal(dueAt, tz)}`, [
        linkTo('task', task.id, 'Задача', task.meta),
        ...(cp ? [linkTo('counterparty', cp.id, cp.name, cp)] : []),
      ]);
      // Tasks have no syncId: the mark must be stored before anything else can fail.
      await stored();
    });
  }

  // ---- the client was reached: close earlier auto-tasks ------------------------------------
  // Closing twice is harmless (done: true again), so the local records wait for the final write.
  if (plan.closesTasks) {
    for (const t of deps.openTasks ?? (await deps.store.openTasks(ids.accountId, pk, c.startedAt))) {
      try {
        await client.updateTask(t.msTaskId, { done: true }, { lane });
      } catch (err) {
        // A task the user deleted needs no closing; anything else retryable is retried with the job.
        if (!(err instanceof NotFoundError) && (!(err instanceof MoyskladError) || isRetryable(err))) throw err;
        if (!(err instanceof NotFoundError)) {
          out.failures.push('task-close');
          activity('task.close_failed', `Не удалось закрыть задачу по ${displayPhone(c.contactPhone)}: ${(err as Error).message.slice(0, 300)}`, [linkTo('task', t.msTaskId, 'Задача')]);
        }
      }
      w.closeTask(t.id);
      out.closedTasks.push(t.msTaskId);
      activity(
        'task.closed',
        `Задача закрыта автоматически: ${c.direction === 'in' ? 'клиент дозвонился' : 'клиенту перезвонили'} (${summaryLine(c)}, ${formatLocal(c.startedAt, tz)})`,
        [linkTo('task', t.msTaskId, 'Задача')],
      );
    }
  }
  return out;
}

const ruleName = (rs: RuleSet, id: string | undefined) => rs.rules.find((r) => r.id === id)?.name ?? id ?? '';

function summaryLine(c: Communication): string {
  return renderTemplate('{{summary}}', templateVars(c, { timeZone: 'UTC' }));
}

function formatLocal(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('ru-RU', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

async function lastRangEmployee(deps: ExecuteDeps, c: Communication): Promise<string | undefined> {
  for (let i = c.rang.length - 1; i >= 0; i--) {
    const id = await deps.employees(c.rang[i]!);
    if (id) return id;
  }
  return undefined;
}

/**
 * The counterparty for this number, found or (with `create`) created. A number already linked to a
 * counterparty that still exists needs no lock (nothing is created); otherwise the per-(account,
 * phone) lock is taken and its release is left to the caller's next write (`locked`).
 */
async function findOrCreateCounterparty(
  deps: ExecuteDeps,
  ids: Ids,
  c: Communication,
  pk: string,
  create: CounterpartyAction | undefined,
  lane: GateLane,
): Promise<{ cp: Cp | undefined; created: boolean; locked: boolean }> {
  const client = deps.client!;
  if (deps.knownCounterpartyId) {
    try {
      return { cp: toCp(await client.getById('counterparty', deps.knownCounterpartyId, { lane })), created: false, locked: false };
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  const lock = await deps.store.lockPhone(ids.accountId, pk);
  if (!lock) throw new PhoneLockedError(new Date(Date.now() + 1000));
  let found: Cp | undefined;
  let created = false;
  try {
    if (lock.msCounterpartyId) {
      // MoySklad's search index may lag right after a create: the id we stored is the truth.
      try {
        found = toCp(await client.getById('counterparty', lock.msCounterpartyId, { lane }));
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    if (!found) {
      const hits = await client.findCounterpartiesByPhone(c.contactPhone!, { lane });
      if (hits[0]) found = toCp(hits[0].counterparty);
    }
    if (!found && create) {
      const ownerId = await (async () => {
        for (const s of create.owner) {
          const id = s === 'answered' ? (c.answeredBy ? await deps.employees(c.answeredBy) : undefined) : s === 'last_rang' ? await lastRangEmployee(deps, c) : s === 'default' ? create.defaultOwnerId : undefined;
          if (id) return id;
        }
        return undefined;
      })();
      const name = renderTemplate(create.nameTemplate, templateVars(c, { timeZone: 'Europe/Moscow' })).slice(0, 255) || displayPhone(c.contactPhone);
      const body: Record<string, unknown> = {
        name,
        companyType: create.companyType,
        phone: normalizePhone(c.contactPhone) ?? c.contactPhone,
        ...(create.tags.length ? { tags: create.tags } : {}),
        ...(ownerId ? { owner: client.ref('employee', ownerId) } : {}),
      };
      found = toCp(await client.create('counterparty', body, { lane, syncId: counterpartySyncId(ids.accountId, pk) }));
      created = true;
    }
  } catch (err) {
    await deps.store.unlockPhone(ids.accountId, pk, lock.token);
    throw err;
  }
  deps.writes.releaseLock({ phoneKey: pk, token: lock.token, ...(found ? { set: { msCounterpartyId: found.id, ...(created ? { createdByUs: true } : {}) } } : {}) });
  return { cp: found, created, locked: true };
}

const STRINGY = new Set(['string', 'text', 'link']);

/**
 * The attribute values to send: only where the field is empty or the mapping may overwrite.
 * Definitions are looked up by name; missing ones are created when the settings allow it.
 */
async function fieldWrites(
  client: JsonApiClient,
  entity: 'counterparty' | 'customerorder',
  current: Counterparty['attributes'] | undefined,
  fields: PlannedField[],
  rs: Pick<RuleSet, 'settings'>,
  lane: GateLane,
): Promise<{ writes: Array<Record<string, unknown>>; written: string[]; kept: string[] }> {
  const defs = new Map<string, AttributeMetadata>((await client.listAttributes(entity, { lane })).map((d) => [d.name.trim().toLowerCase(), d]));
  const missing = [...new Set(fields.map((f) => f.attribute).filter((n) => !defs.has(n.trim().toLowerCase())))];
  if (missing.length && rs.settings.createMissingFields) {
    for (const d of await client.createAttributes(entity, missing.map((name) => ({ name, type: 'string', description: 'Создано интеграцией UIS ↔ МойСклад' })), { lane })) {
      defs.set(d.name.trim().toLowerCase(), d);
    }
  }
  const writes: Array<Record<string, unknown>> = [];
  const written: string[] = [];
  const kept: string[] = [];
  const done = new Set<string>();
  for (const f of fields) {
    const def = defs.get(f.attribute.trim().toLowerCase());
    if (!def || !STRINGY.has(def.type) || done.has(def.id)) continue;
    done.add(def.id);
    const cur = current?.find((a) => a.id === def.id || (a.meta?.href !== undefined && idFromHref(a.meta.href) === def.id));
    const has = cur?.value !== undefined && cur.value !== null && cur.value !== '';
    if (has && String(cur!.value) === f.value) continue;
    if (has && !f.overwrite) {
      kept.push(def.name);
      continue;
    }
    writes.push({ ...client.attributeRef(entity, def.id), value: f.value });
    written.push(`«${def.name}» = ${f.value}`);
  }
  return { writes, written, kept };
}
