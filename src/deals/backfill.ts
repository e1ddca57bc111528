// The backfill: everything MoySklad holds, read in full pages of 1000 rows without expand.
// Reference entities (stores, channels, projects, organizations, employees) and the funnel are
// read once and joined locally; counterparties come in full pages too, and only those that have
// contact persons are read again, 100 at a time with expand. Each batch of pages commits together
// with the cursor that points past it, so a restart resumes at the page it stopped.
import { defineJob } from '../queue/index.ts';
import type { IntegrationRow } from '../integrations/index.ts';
import type { JsonApiClient, ListPage } from '../moysklad/index.ts';
import { clientFor, reportAuthFailure, type DealsDeps } from './deps.ts';
import { contactRow, dealRow, stageRows } from './mapping.ts';
import type { Scope, SyncRow } from './deals-repository.ts';
import { readByIds } from './read-by-ids.ts';

export const DEALS_BACKFILL_JOB = 'deals.backfill';
export const PAGE = 1000;
/** Stable order: rows created while we read land after the cursor, not before it. */
export const PAGE_ORDER = 'created,asc;id,asc';
const REF_TYPES = ['store', 'saleschannel', 'project', 'organization', 'employee'] as const;
const SLICE_MS = 60_000;
export const ALL_ARCHIVED: Array<[string, '=', boolean]> = [['archived', '=', true], ['archived', '=', false]];

export type Phase = 'refs' | 'counterparties' | 'persons' | 'orders' | 'live' | 'failed';

export async function enqueueBackfill(deps: DealsDeps, integrationId: string): Promise<void> {
  await deps.queue().send(DEALS_BACKFILL_JOB, { integrationId }, { singletonKey: integrationId });
}

export function backfillJob(deps: DealsDeps) {
  return defineJob<{ integrationId: string }>({
    name: DEALS_BACKFILL_JOB,
    queue: { retryLimit: 20, retryDelay: 5, retryBackoff: true, retryDelayMax: 300, expireInSeconds: 600 },
    work: { localConcurrency: 2 },
    handler: async ({ integrationId }, job) => {
      const sync = await deps.repo.getSync(integrationId);
      if (!sync || sync.phase === 'live' || sync.phase === 'failed') return;
      const integration = await deps.integrations.get(sync.accountId, integrationId);
      if (!integration || !integration.active) return; // paused: activation enqueues it again
      try {
        const finished = await runBackfill(deps, integration, Date.now() + SLICE_MS, job.signal);
        // A slice ended with work left: continue in a fresh job (keeps each job short and visible).
        if (!finished) await deps.queue().send(DEALS_BACKFILL_JOB, { integrationId }, { singletonKey: `${integrationId}:next` });
      } catch (err) {
        if (await reportAuthFailure(deps, integration, err)) {
          await deps.repo.updateSync(integrationId, { error: 'credentials_rejected' });
          return;
        }
        await deps.repo.updateSync(integrationId, { error: err instanceof Error ? err.message.slice(0, 500) : String(err) });
        throw err;
      }
    },
  });
}

/** Runs backfill phases until done (true) or the deadline (false). */
export async function runBackfill(deps: DealsDeps, integration: IntegrationRow, deadline: number, signal?: AbortSignal): Promise<boolean> {
  const { client } = await clientFor(deps, integration);
  const s: Scope = { integrationId: integration.id, accountId: integration.accountId };
  const parallel = deps.backfillParallel ?? 4;
  const readAhead: ReadAhead = {};
  try {
    return await backfillSteps(deps, client, s, parallel, readAhead, deadline, signal);
  } finally {
    // No request outlives the run (a read-ahead left behind at the deadline is simply not used).
    await readAhead.next?.pages.catch(() => {});
  }
}

async function backfillSteps(
  deps: DealsDeps,
  client: JsonApiClient,
  s: Scope,
  parallel: number,
  readAhead: ReadAhead,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  for (let step = 0; ; step++) {
    const sync = await deps.repo.getSync(s.integrationId);
    if (!sync) return true;
    if (sync.phase === 'live' || sync.phase === 'failed') return true;
    // At least one step per call, so even a tiny slice makes progress.
    if (step > 0 && (Date.now() > deadline || signal?.aborted)) return false;
    switch (sync.phase as Phase) {
      case 'refs':
        await loadReferences(deps, client, s);
        break;
      case 'counterparties':
        await pagesStep(readAhead, deps, client, s, sync, 'counterparty', parallel, 'persons', async (page, tx) => {
          await deps.repo.upsertContacts(s, page.rows.map((c) => contactRow(c as never)), tx);
        });
        break;
      case 'persons':
        await personsStep(deps, client, s, sync, parallel);
        break;
      case 'orders':
        await pagesStep(readAhead, deps, client, s, sync, 'customerorder', parallel, 'live', async (page, tx) => {
          const rows = page.rows.map((o) => dealRow(o as never));
          await deps.repo.upsertDeals(s, rows, 'backfill', tx);
          const newest = rows.reduce<Date | undefined>((m, r) => (!m || r.msUpdated > m ? r.msUpdated : m), undefined);
          if (newest) await deps.repo.raiseWatermark(s.integrationId, newest, tx);
        });
        break;
      default:
        return true;
    }
  }
}

async function loadReferences(deps: DealsDeps, client: JsonApiClient, s: Scope): Promise<void> {
  let requests = 1;
  const states = await client.getStates('customerorder', { lane: 'backfill' });
  const refs: Record<string, Array<{ id: string; name: string; extra: Record<string, unknown> }>> = {};
  await Promise.all(
    REF_TYPES.map(async (type) => {
      const rows: Array<{ id: string; name: string; extra: Record<string, unknown> }> = [];
      // Archived references still name old orders' stores and managers.
      for (const archived of type === 'organization' || type === 'store' || type === 'saleschannel' || type === 'project' || type === 'employee' ? [false, true] : [false]) {
        for await (const page of client.pages(type, { limit: PAGE, filter: { archived }, lane: 'backfill' })) {
          requests++;
          for (const r of page.rows as Array<Record<string, unknown> & { id: string }>) {
            rows.push({ id: r.id, name: String(r['name'] ?? r['fullName'] ?? ''), extra: pickExtra(type, r) });
          }
        }
      }
      refs[type] = rows;
    }),
  );
  await deps.db.transaction(async (tx) => {
    await deps.repo.replaceStages(s, stageRows(states), tx);
    for (const [type, rows] of Object.entries(refs)) await deps.repo.upsertRefs(s, type, rows, tx);
    await deps.repo.addRequests(s.integrationId, requests, tx);
    await deps.repo.updateSync(s.integrationId, { phase: 'counterparties', cursor: 0 }, tx);
  });
}

function pickExtra(type: string, r: Record<string, unknown>): Record<string, unknown> {
  const keys = type === 'employee' ? ['uid', 'email', 'phone', 'archived'] : type === 'saleschannel' ? ['type', 'archived'] : ['archived'];
  return Object.fromEntries(keys.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));
}

/** Reads `parallel` full pages from the cursor and commits them with the advanced cursor. */
/** Before the total is known, read one page to learn it; then up to `parallel` at once. */
function pageCount(known: number | undefined, cursor: number, parallel: number): number {
  return known === undefined ? 1 : Math.max(1, Math.min(parallel, Math.ceil((known - cursor) / PAGE) || 1));
}

function fetchPages(client: JsonApiClient, entity: 'counterparty' | 'customerorder', offsets: number[]): Promise<ListPage<unknown>[]> {
  return Promise.all(
    offsets.map(
      (offset) =>
        client.list(entity, {
          limit: PAGE,
          offset,
          order: PAGE_ORDER,
          lane: 'backfill',
          // Archived counterparties are hidden by default, yet old orders point at them.
          ...(entity === 'counterparty' && { filter: ALL_ARCHIVED }),
        }) as Promise<ListPage<unknown>>,
    ),
  );
}

type ReadAhead = { next?: { key: string; pages: Promise<ListPage<unknown>[]> } | undefined };

async function pagesStep(
  readAhead: ReadAhead,
  deps: DealsDeps,
  client: JsonApiClient,
  s: Scope,
  sync: SyncRow,
  entity: 'counterparty' | 'customerorder',
  parallel: number,
  nextPhase: Phase,
  apply: (page: ListPage<unknown>, tx: Parameters<Parameters<DealsDeps['db']['transaction']>[0]>[0]) => Promise<void>,
): Promise<void> {
  const count = pageCount(sync.progress[entity]?.total, sync.cursor, parallel);
  const offsets = Array.from({ length: count }, (_, i) => sync.cursor + i * PAGE);
  const key = `${entity}:${sync.cursor}:${count}`;
  const pages = await (readAhead.next?.key === key ? readAhead.next.pages : fetchPages(client, entity, offsets));
  readAhead.next = undefined;
  let rows = 0;
  let last = false;
  pages.forEach((p, i) => {
    rows += p.rows.length;
    // A short page, or the end MoySklad reports (saves reading an empty page at a multiple of 1000).
    if (p.rows.length < PAGE || (p.meta.size !== undefined && offsets[i]! + p.rows.length >= p.meta.size)) last = true;
  });
  const total = pages[pages.length - 1]?.meta.size ?? sync.cursor + rows;
  if (!last) {
    // Read the next pages while this batch is written: fetching and writing overlap, so the rate
    // budget is not left idle during the database work.
    const nextCursor = sync.cursor + rows;
    const nextCount = pageCount(total, nextCursor, parallel);
    const nextOffsets = Array.from({ length: nextCount }, (_, i) => nextCursor + i * PAGE);
    readAhead.next = { key: `${entity}:${nextCursor}:${nextCount}`, pages: fetchPages(client, entity, nextOffsets) };
    readAhead.next.pages.catch(() => {}); // awaited (and its error seen) by the next step, if any
  }
  await deps.db.transaction(async (tx) => {
    for (const p of pages) if (p.rows.length) await apply(p, tx);
    const progress = { ...sync.progress, [entity]: { total, done: sync.cursor + rows } };
    await deps.repo.addRequests(s.integrationId, pages.length, tx);
    if (last) {
      const done = nextPhase === 'live';
      await deps.repo.updateSync(s.integrationId, { phase: nextPhase, cursor: 0, progress, ...(done && { finishedAt: new Date(), error: null }) }, tx);
    } else {
      await deps.repo.updateSync(s.integrationId, { cursor: sync.cursor + rows, progress }, tx);
    }
  });
  if (last && nextPhase === 'live') {
    deps.log.info({ integrationId: s.integrationId, orders: total }, 'deals backfill finished');
  }
}

/** Contact persons of counterparties that have them: 100 ids per request with expand. */
async function personsStep(deps: DealsDeps, client: JsonApiClient, s: Scope, sync: SyncRow, parallel: number): Promise<void> {
  const CHUNK = 100;
  const ids = await deps.repo.contactsNeedingPersons(s.integrationId, CHUNK * parallel);
  if (sync.progress['persons'] === undefined) {
    const total = await deps.repo.countContactsNeedingPersons(s.integrationId);
    sync.progress = { ...sync.progress, persons: { total, done: 0 } };
  }
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += CHUNK) chunks.push(ids.slice(i, i + CHUNK));
  const results = await Promise.all(chunks.map((part) => readByIds(client, 'counterparty', part, { expand: 'contactpersons', lane: 'backfill' })));
  const found = results.flatMap((r) => r.rows);
  const seen = new Set(found.map((c) => c.id));
  await deps.db.transaction(async (tx) => {
    // Expanded rows always carry their persons: even an empty list settles the flag.
    await deps.repo.upsertContacts(s, found.map((c) => ({ ...contactRow(c), needsPersons: false })), tx);
    await deps.repo.markContactsDeleted(s, ids.filter((id) => !seen.has(id)), tx);
    await deps.repo.addRequests(s.integrationId, chunks.length, tx);
    const prev = sync.progress['persons'] ?? { total: 0, done: 0 };
    const progress = { ...sync.progress, persons: { total: prev.total, done: prev.done + ids.length } };
    await deps.repo.updateSync(s.integrationId, ids.length < CHUNK * parallel ? { phase: 'orders', cursor: 0, progress } : { progress }, tx);
  });
}
