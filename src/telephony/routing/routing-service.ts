// «Переадресация на персонального менеджера»: the caller's number → counterparty (own phones and
// contact persons) → its owner → the owner's UIS employee → {"phones": [...]}; anything missing →
// {"returned_code": N}. Answers come from an in-memory index (loaded from the database, reloaded
// when any process changes it); a number not in the index is looked up in MoySklad once, bounded
// by the configured timeout, and the result is added to the index for the next call.
import type { Db } from '../../db/index.ts';
import type { IntegrationRow } from '../../integrations/index.ts';
import { RateLimitedError } from '../../moysklad/index.ts';
import { phoneKey } from '../../phone/index.ts';
import { jsonApiFor, problemText, telephonySettings, type TelephonyDeps } from '../connection-check/index.ts';
import { employeeMapping, GenerationCache, getTelephonyState } from '../employees/index.ts';
import { ensureCounterpartyWebhooks } from './counterparty-webhooks.ts';
import { entriesOf, type IndexEntry } from './index-entries.ts';
import { RoutingIndexRepository } from './routing-index-repository.ts';

export type RoutingAnswer = { phones: string[] } | { returned_code: number };

export type RoutingDecision = {
  answer: RoutingAnswer;
  /** Why, in Russian, for the cabinet's routing test. */
  reason: string;
  source: 'index' | 'moysklad' | 'none';
  phone: string | null;
  counterparty?: { id: string; name: string | null; via: string };
  ownerEmployeeId?: string | null;
  uisEmployeeId?: number;
  ms: number;
};

type PhoneIndex = Map<string, IndexEntry[]>;

/** Unknown numbers are not looked up in MoySklad again for this long (webhooks add new clients). */
const NEGATIVE_TTL_MS = 5 * 60_000;

function buildIndex(entries: IndexEntry[]): PhoneIndex {
  const m: PhoneIndex = new Map();
  for (const e of entries) m.set(e.phoneKey, [...(m.get(e.phoneKey) ?? []), e]);
  return m;
}

// A contact person's number is more specific than a company's shared line.
const best = (list: IndexEntry[]) => list.find((e) => e.via === 'contactperson' && e.ownerEmployeeId) ?? list.find((e) => e.ownerEmployeeId) ?? list[0];

export class RoutingService {
  readonly repo: RoutingIndexRepository;
  private readonly cache: GenerationCache<PhoneIndex>;
  private readonly negative = new Map<string, number>();
  private readonly pendingCold = new Map<string, Promise<IndexEntry[] | null>>();

  constructor(private readonly deps: TelephonyDeps) {
    this.repo = new RoutingIndexRepository(deps.db);
    this.cache = new GenerationCache(
      async (id) => (await getTelephonyState(deps.db, id))?.routingGeneration ?? 0,
      async (id) => buildIndex(await this.repo.loadAll(id)),
      1000,
      (err) => deps.log.warn({ err }, 'routing index reload failed'),
    );
  }

  async decide(row: IntegrationRow, rawPhone: string | null | undefined, opts: { waitForCold?: boolean } = {}): Promise<RoutingDecision> {
    const started = performance.now();
    const settings = telephonySettings(row);
    const fallback = { returned_code: settings.routingReturnedCode };
    const done = (d: Omit<RoutingDecision, 'ms'>): RoutingDecision => ({ ...d, ms: Math.round((performance.now() - started) * 10) / 10 });
    const key = phoneKey(rawPhone ?? '');
    if (!row.active) return done({ answer: fallback, reason: 'Интеграция выключена', source: 'none', phone: key });
    if (!settings.routingEnabled) return done({ answer: fallback, reason: 'Переадресация на персонального менеджера выключена в настройках', source: 'none', phone: key });
    if (!key) return done({ answer: fallback, reason: `Номер звонящего не распознан: «${rawPhone ?? ''}»`, source: 'none', phone: null });

    const index = await this.cache.get(row.id);
    let entries = index.get(key);
    let source: RoutingDecision['source'] = 'index';
    if (!entries?.length) {
      const negKey = `${row.id}:${key}`;
      if ((this.negative.get(negKey) ?? 0) > Date.now()) {
        return done({ answer: fallback, reason: 'Клиент с таким номером не найден в МойСклад', source: 'none', phone: key });
      }
      if (!row.credentialIds.moysklad) {
        return done({ answer: fallback, reason: 'Номера нет в индексе, а учётные данные JSON API МойСклад не заданы — искать клиента негде', source: 'none', phone: key });
      }
      const cold = this.coldLookup(row, key);
      const timeoutMs = settings.routingColdLookupTimeoutMs;
      let timer: NodeJS.Timeout | undefined;
      const found = opts.waitForCold
        ? await cold.catch(() => undefined)
        : await Promise.race([cold.catch(() => undefined), new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)))]);
      clearTimeout(timer);
      if (found === 'timeout') {
        return done({ answer: fallback, reason: `МойСклад не ответил за ${timeoutMs} мс — номер будет добавлен в индекс, когда ответ придёт`, source: 'moysklad', phone: key });
      }
      if (found === undefined) return done({ answer: fallback, reason: 'Поиск клиента в МойСклад не удался', source: 'moysklad', phone: key });
      if (found === null || !found.length) return done({ answer: fallback, reason: 'Клиент с таким номером не найден в МойСклад', source: 'moysklad', phone: key });
      entries = found;
      source = 'moysklad';
    }
    const entry = best(entries)!;
    const counterparty = { id: entry.counterpartyId, name: entry.counterpartyName, via: entry.via };
    if (!entry.ownerEmployeeId) {
      return done({ answer: fallback, reason: `У контрагента «${entry.counterpartyName ?? entry.counterpartyId}» не указан владелец`, source, phone: key, counterparty, ownerEmployeeId: null });
    }
    const target = await employeeMapping(this.deps.db).uisEmployeeFor(row.id, { msEmployeeId: entry.ownerEmployeeId });
    if (!target) {
      return done({
        answer: fallback,
        reason: `Владелец контрагента «${entry.counterpartyName ?? entry.counterpartyId}» не сопоставлен с сотрудником UIS`,
        source,
        phone: key,
        counterparty,
        ownerEmployeeId: entry.ownerEmployeeId,
      });
    }
    const phones = target.phones.length ? target.phones : target.extension ? [target.extension] : [];
    if (!phones.length) {
      return done({ answer: fallback, reason: `У сотрудника UIS «${target.name ?? target.employeeId}» нет активных номеров`, source, phone: key, counterparty, ownerEmployeeId: entry.ownerEmployeeId, uisEmployeeId: target.employeeId });
    }
    return done({
      answer: { phones },
      reason: `Клиент «${entry.counterpartyName ?? entry.counterpartyId}» → менеджер ${target.name ?? target.employeeId}`,
      source,
      phone: key,
      counterparty,
      ownerEmployeeId: entry.ownerEmployeeId,
      uisEmployeeId: target.employeeId,
    });
  }

  /**
   * One MoySklad search per number at a time; it keeps running after the caller's timeout and
   * stores what it found, so the next call is answered from the index.
   */
  private coldLookup(row: IntegrationRow, key: string): Promise<IndexEntry[] | null> {
    const k = `${row.id}:${key}`;
    const running = this.pendingCold.get(k);
    if (running) return running;
    const p = (async () => {
      const json = await jsonApiFor(this.deps, row, { timeoutMs: 10_000 });
      const matches = await json!.findCounterpartiesByPhone(`+${key}`, { lane: 'live' });
      if (!matches.length) {
        this.negative.set(k, Date.now() + NEGATIVE_TTL_MS);
        return null;
      }
      const cps = matches.map((m) => m.counterparty);
      const all = cps.flatMap(entriesOf);
      await this.repo.replaceCounterparties(row.id, cps.map((c) => c.id!), all);
      await this.cache.invalidate(row.id);
      return all.filter((e) => e.phoneKey === key);
    })();
    p.catch((err) => this.deps.log.warn({ integrationId: row.id, err: problemText(err) }, 'routing cold lookup failed')).finally(() => this.pendingCold.delete(k));
    this.pendingCold.set(k, p);
    return p;
  }

  /** Periodic full rebuild from MoySklad; also (re)registers the counterparty webhooks. */
  async refreshAll(row: IntegrationRow): Promise<{ ok: boolean; error: string | null; entries: number }> {
    const json = await jsonApiFor(this.deps, row);
    if (!json) {
      const error = 'Не заданы учётные данные JSON API МойСклад — индекс клиентов для переадресации не строится';
      await this.repo.recordError(row.id, { routingError: error, routingRefreshedAt: new Date() });
      return { ok: false, error, entries: 0 };
    }
    let webhooksError: string | null = null;
    try {
      const ids = await ensureCounterpartyWebhooks(json, this.deps.config.publicUrl, row);
      await this.repo.recordError(row.id, { webhookIds: ids, webhooksError: null });
    } catch (err) {
      webhooksError = `Не удалось подписаться на изменения контрагентов: ${problemText(err)}`;
      await this.repo.recordError(row.id, { webhooksError });
    }
    try {
      const entries: IndexEntry[] = [];
      // Paged by hand so a 429 waits for MoySklad's retry-after and resumes at the same page.
      for (let offset = 0, attempts = 0; ; ) {
        let page;
        try {
          page = await json.list('counterparty', { expand: 'contactpersons', limit: 100, offset, lane: 'backfill' });
        } catch (err) {
          if (!(err instanceof RateLimitedError) || ++attempts > 20) throw err;
          await new Promise((r) => setTimeout(r, Math.min(err.retryAfterMs, 60_000)));
          continue;
        }
        for (const cp of page.rows) entries.push(...entriesOf(cp));
        offset += page.rows.length;
        if (!page.rows.length || offset >= (page.meta.size ?? 0)) break;
      }
      await this.repo.replaceAll(row.id, entries);
      this.clearNegative(row.id);
      await this.cache.invalidate(row.id);
      return { ok: webhooksError === null, error: webhooksError, entries: entries.length };
    } catch (err) {
      const error = problemText(err);
      // The attempt time counts as "refreshed" so a broken credential is retried on schedule, not every minute.
      await this.repo.recordError(row.id, { routingError: error, routingRefreshedAt: new Date() });
      return { ok: false, error, entries: 0 };
    }
  }

  /** A MoySklad webhook said these counterparties changed: refetch them (deleted ones just go). */
  async applyChanges(row: IntegrationRow, changedIds: string[], deletedIds: string[]): Promise<void> {
    const json = await jsonApiFor(this.deps, row);
    if (!json) return;
    const fetched = changedIds.length ? await json.getByIds('counterparty', changedIds, { expand: 'contactpersons', lane: 'live' }) : [];
    await this.repo.replaceCounterparties(row.id, [...new Set([...changedIds, ...deletedIds])], fetched.flatMap(entriesOf));
    this.clearNegative(row.id);
    await this.cache.invalidate(row.id);
  }

  private clearNegative(integrationId: string) {
    for (const k of this.negative.keys()) if (k.startsWith(`${integrationId}:`)) this.negative.delete(k);
  }
}

const services = new WeakMap<Db, RoutingService>();

/** One service per database: the HTTP route and the jobs of a process share its index. */
export function routingService(deps: TelephonyDeps): RoutingService {
  let s = services.get(deps.db);
  if (!s) services.set(deps.db, (s = new RoutingService(deps)));
  return s;
}
