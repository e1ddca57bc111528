// The backfill: everything MoySklad holds, read in full pages of 1000 rows without expand.
// Reference entities (stores, channels, projects, organizations, employees) and the funnel are
// read once and joined locally; counterparties come in full pages too, and only those that have
// contact persons are read again, 100 at a time with expand. Pages are read ahead of the writer
// (the rate gate paces them) and each commits with the cursor that points past it, so a restart
// resumes at the page it stopped.
import { defineJob } from '../queue/index.ts';
import type { IntegrationRow } from '../integrations/index.ts';
import type { Counterparty, JsonApiClient, ListPage } from '../moysklad/index.ts';
import { clientFor, reportAuthFailure, type DealsDeps } from './deps.ts';
import { contactRow, dealRow, stageRows } from './mapping.ts';
import type { Scope, SyncRow } from './deals-repository.ts';
import { inSlices, ordered, stepAside } from './pipeline.ts';
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
      case 'persons':
      case 'orders':
        await sideBySide(new Run(deps, client, s, deps.backfillParallel ?? 4, deadline, signal), sync);
        break;
      default:
        return true;
    }
  }
}

type Tx = Parameters<Parameters<DealsDeps['db']['transaction']>[0]>[0];

class Run {
  constructor(
    readonly deps: DealsDeps,
    readonly client: JsonApiClient,
    readonly s: Scope,
    readonly parallel: number,
    readonly deadline: number,
    readonly signal: AbortSignal | undefined,
  ) {}

  /** Past the slice: plan nothing new (what is already fetched is still written). */
  stopNow(): boolean {
    return Date.now() > this.deadline || this.signal?.aborted === true;
  }

  with(signal: AbortSignal): Run {
    return new Run(this.deps, this.client, this.s, this.parallel, this.deadline, signal);
  }
}

/** Rows written per statement; between slices the event loop gets a turn (see inSlices). */
const SLICE_ROWS = 250;
/** Units read ahead of the writer: enough to keep the gate busy through a slow write. */
const AHEAD = 8;

/**
 * Contacts (counterparties, then their persons) and orders are independent, so they are read side
 * by side through the same gate. The orders' pages are the expensive ones to write (ten indexes,
 * stage history) and the persons' requests the cheap ones, so together the database keeps up with
 * the rate budget where the orders alone would leave the gate idle while they are written.
 * Each stream resumes on its own: contacts from the cursor (counterparties) or the flags (persons),
 * orders from their progress.
 */
async function sideBySide(run: Run, sync: SyncRow): Promise<void> {
  const ctrl = new AbortController();
  const onAbort = () => ctrl.abort();
  run.signal?.addEventListener('abort', onAbort, { once: true });
  const shared = run.with(ctrl.signal);
  // One stream failing stops the other (no request outlives the run); its error is the run's.
  let failure: { err: unknown } | undefined;
  const guard = (p: Promise<void>) =>
    p.catch((err: unknown) => {
      failure ??= { err };
      ctrl.abort();
    });
  try {
    await Promise.all([guard(contactsStream(shared, sync)), guard(ordersStream(shared, sync))]);
    if (failure) throw failure.err;
  } finally {
    run.signal?.removeEventListener('abort', onAbort);
  }
}

async function contactsStream(run: Run, sync: SyncRow): Promise<void> {
  const { deps, s } = run;
  if (sync.phase === 'counterparties') {
    const done = await pagesPhase(run, sync.cursor, sync.progress['counterparty']?.total, 'counterparty', 'counterparties', async (rows, tx) => {
      await deps.repo.upsertContacts(s, rows.map((c) => contactRow(c as never)), tx);
    }, async (tx) => {
      await deps.repo.updateSync(s.integrationId, { phase: 'persons', cursor: 0 }, tx);
    });
    if (!done) return;
  } else if (sync.phase !== 'persons') return;
  let persons = sync.progress['persons'];
  for (let pass = 0; ; pass++) {
    if (pass > 0 && run.stopNow()) return;
    const r = await personsPass(run, persons);
    persons = r.persons;
    if (r.finished) return;
  }
}

async function ordersStream(run: Run, sync: SyncRow): Promise<void> {
  const p = sync.progress['customerorder'];
  if (p && p.done >= p.total) return;
  const { deps, s } = run;
  await pagesPhase(run, p?.done ?? 0, p?.total, 'customerorder', 'orders', async (rows, tx) => {
    const deals = rows.map((o) => dealRow(o as never));
    await deps.repo.upsertDeals(s, deals, 'backfill', tx);
    const newest = deals.reduce<Date | undefined>((m, r) => (!m || r.msUpdated > m ? r.msUpdated : m), undefined);
    if (newest) await deps.repo.raiseWatermark(s.integrationId, newest, tx);
  }, async (tx) => {
    if ((await deps.repo.finishBackfillStream(s.integrationId, 'orders', tx)) === 'live') {
      deps.log.info({ integrationId: s.integrationId }, 'deals backfill finished');
    }
  });
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

function fetchPage(client: JsonApiClient, entity: 'counterparty' | 'customerorder', offset: number, signal: AbortSignal): Promise<ListPage<unknown>> {
  return client.list(entity, {
    limit: PAGE,
    offset,
    order: PAGE_ORDER,
    lane: 'backfill',
    signal,
    // Archived counterparties are hidden by default, yet old orders point at them.
    ...(entity === 'counterparty' && { filter: ALL_ARCHIVED }),
  }) as Promise<ListPage<unknown>>;
}

/**
 * Full pages from `from` to the end, read ahead of the writer; each page commits with the
 * progress (and cursor, in `cursorPhase`) that points past it; the last one also runs `finish`.
 * Until the total is known (the stream's first page) one page is read. True when the end was written.
 */
async function pagesPhase(
  run: Run,
  from: number,
  knownTotal: number | undefined,
  entity: 'counterparty' | 'customerorder',
  cursorPhase: Phase,
  apply: (rows: unknown[], tx: Tx) => Promise<void>,
  finish: (tx: Tx) => Promise<void>,
): Promise<boolean> {
  const { deps, s } = run;
  let total = knownTotal;
  let planned = from;
  let first = true;
  let finished = false;
  await ordered<number, ListPage<unknown>>({
    parallel: run.parallel,
    ahead: Math.max(run.parallel, AHEAD),
    signal: run.signal,
    plan: () => {
      if (!first && (run.stopNow() || total === undefined || planned >= total)) return undefined;
      first = false;
      const offset = planned;
      planned += PAGE;
      return offset;
    },
    fetch: async (offset, signal) => {
      const page = await fetchPage(run.client, entity, offset, signal);
      if (page.meta.size !== undefined) total = page.meta.size;
      return page;
    },
    write: async (offset, page) => {
      const rows = page.rows.length;
      // A short page, or the end MoySklad reports (saves reading an empty page at a multiple of 1000).
      const last = rows < PAGE || (page.meta.size !== undefined && offset + rows >= page.meta.size);
      const done = offset + rows;
      await deps.db.transaction(async (tx) => {
        await inSlices(page.rows, SLICE_ROWS, (slice) => apply(slice, tx), deps.gate);
        await stepAside(deps.gate, 20);
        await deps.repo.advanceBackfill(s.integrationId, { key: entity, value: { total: last ? done : page.meta.size ?? done, done }, requests: 1, cursor: { phase: cursorPhase, at: done } }, tx);
        if (last) await finish(tx);
      });
      finished = last;
      return last;
    },
  });
  return finished;
}

/** Ids read per request with expand (MoySklad's expand limit is 100 rows). */
const PERSONS_CHUNK = 100;
/** Ids planned per pass; a pass that is full is followed by another. */
const PERSONS_PASS = 50 * PERSONS_CHUNK;

type Progress = { total: number; done: number };

/**
 * Contact persons of counterparties that have them: 100 ids per request with expand. A contact's
 * flag is cleared as its chunk commits, so the flags are the cursor. Finished when no id is left.
 */
async function personsPass(run: Run, known: Progress | undefined): Promise<{ finished: boolean; persons: Progress }> {
  const { deps, client, s } = run;
  const ids = await deps.repo.contactsNeedingPersons(s.integrationId, PERSONS_PASS);
  let persons = known ?? { total: await deps.repo.countContactsNeedingPersons(s.integrationId), done: 0 };
  // A pass shorter than the limit holds every id left: its last chunk ends the stream.
  const finalPass = ids.length < PERSONS_PASS;
  if (ids.length === 0) {
    await deps.db.transaction(async (tx) => {
      await deps.repo.advanceBackfill(s.integrationId, { key: 'persons', value: persons, requests: 0 }, tx);
      await deps.repo.finishBackfillStream(s.integrationId, 'contacts', tx);
    });
    return { finished: true, persons };
  }
  let next = 0;
  let first = true;
  let finished = false;
  await ordered<{ ids: string[]; end: boolean }, Counterparty[]>({
    parallel: run.parallel,
    ahead: Math.max(run.parallel, AHEAD),
    signal: run.signal,
    plan: () => {
      if (next >= ids.length || (!first && run.stopNow())) return undefined;
      first = false;
      const part = ids.slice(next, next + PERSONS_CHUNK);
      next += part.length;
      return { ids: part, end: next >= ids.length };
    },
    fetch: async (unit, signal) => (await readByIds(client, 'counterparty', unit.ids, { expand: 'contactpersons', lane: 'backfill', signal })).rows,
    write: async (unit, found) => {
      const seen = new Set(found.map((c) => c.id));
      persons = { total: persons.total, done: persons.done + unit.ids.length };
      const last = unit.end && finalPass;
      await stepAside(deps.gate, 40);
      await deps.db.transaction(async (tx) => {
        // Expanded rows always carry their persons: even an empty list settles the flag.
        await deps.repo.upsertContacts(s, found.map((c) => ({ ...contactRow(c), needsPersons: false })), tx);
        await deps.repo.markContactsDeleted(s, unit.ids.filter((id) => !seen.has(id)), tx);
        await deps.repo.advanceBackfill(s.integrationId, { key: 'persons', value: persons, requests: 1 }, tx);
        if (last && (await deps.repo.finishBackfillStream(s.integrationId, 'contacts', tx)) === 'live') {
          deps.log.info({ integrationId: s.integrationId }, 'deals backfill finished');
        }
      });
      finished = last;
      return last;
    },
  });
  return { finished, persons };
}
