// Employee sync as the rest of the program sees it: the mapping port, the cabinet views, refresh
// and overrides. One instance per database (the cache is shared by every caller in the process).
import type { Db } from '../../db/index.ts';
import type { IntegrationRow } from '../../integrations/index.ts';
import type { TelephonyDeps } from '../connection-check/index.ts';
import { createEmployeeDirectoryCache, msExtensionIn, uisEmployeeIn, type EmployeeDirectory, type UisTarget } from './directory.ts';
import { syncEmployees, type SyncOutcome } from './employee-sync.ts';
import { EmployeesRepository } from './employees-repository.ts';
import { getTelephonyState } from './telephony-state.ts';

export type EmployeeMapping = {
  /** For the call pipeline: which MoySklad extension a UIS employee's card goes to. */
  msExtensionFor(integrationId: string, who: { uisEmployeeId?: number; uisExtension?: string }): Promise<string | undefined>;
  /** For click-to-call and routing: the UIS employee of a MoySklad employee. */
  uisEmployeeFor(integrationId: string, who: { msEmployeeId?: string; uid?: string; msExtension?: string }): Promise<UisTarget | undefined>;
  directory(integrationId: string): Promise<EmployeeDirectory>;
  /** Drop this process's cached copy (after a change made here). */
  invalidate(integrationId: string): Promise<void>;
  readonly repo: EmployeesRepository;
};

const mappings = new WeakMap<Db, EmployeeMapping>();

export function employeeMapping(db: Db): EmployeeMapping {
  let m = mappings.get(db);
  if (!m) {
    const repo = new EmployeesRepository(db);
    const cache = createEmployeeDirectoryCache(db, repo);
    m = {
      repo,
      directory: (id) => cache.get(id),
      invalidate: (id) => cache.invalidate(id),
      msExtensionFor: async (id, who) => msExtensionIn(await cache.get(id), who),
      uisEmployeeFor: async (id, who) => uisEmployeeIn(await cache.get(id), who),
    };
    mappings.set(db, m);
  }
  return m;
}

export type EmployeesView = {
  refreshedAt: string | null;
  error: string | null;
  matched: Array<{ moysklad: MsView; uis: UisView; matchedBy: string }>;
  unmatchedMoysklad: Array<MsView & { overridden: boolean }>;
  unmatchedUis: UisView[];
};
type MsView = { employeeId: string; extension: string | null; name: string | null; email: string | null; uid: string | null };
type UisView = { employeeId: number; name: string | null; extension: string | null; email: string | null; phones: string[] };

export async function employeesView(deps: TelephonyDeps, integrationId: string): Promise<EmployeesView> {
  const mapping = employeeMapping(deps.db);
  const data = await mapping.repo.load(integrationId);
  const state = await getTelephonyState(deps.db, integrationId);
  const msView = (m: (typeof data.ms)[number]): MsView => ({ employeeId: m.employeeId, extension: m.extension, name: m.name ?? null, email: m.email ?? null, uid: m.uid ?? null });
  const uisView = (u: (typeof data.uis)[number]): UisView => ({ employeeId: u.employeeId, name: u.name ?? null, extension: u.extension ?? null, email: u.email ?? null, phones: u.phones });
  const msById = new Map(data.ms.map((m) => [m.employeeId, m]));
  const uisById = new Map(data.uis.map((u) => [u.employeeId, u]));
  const matched = data.links.flatMap((l) => {
    const m = msById.get(l.msEmployeeId);
    const u = uisById.get(l.uisEmployeeId);
    return m && u ? [{ moysklad: msView(m), uis: uisView(u), matchedBy: l.matchedBy }] : [];
  });
  const linkedMs = new Set(data.links.map((l) => l.msEmployeeId));
  const linkedUis = new Set(data.links.map((l) => l.uisEmployeeId));
  return {
    refreshedAt: state?.employeesRefreshedAt?.toISOString() ?? null,
    error: state?.employeesError ?? null,
    matched,
    unmatchedMoysklad: data.ms.filter((m) => !linkedMs.has(m.employeeId)).map((m) => ({ ...msView(m), overridden: data.overrides.has(m.employeeId) })),
    unmatchedUis: data.uis.filter((u) => !linkedUis.has(u.employeeId)).map(uisView),
  };
}

export async function refreshEmployees(deps: TelephonyDeps, row: IntegrationRow): Promise<SyncOutcome> {
  const mapping = employeeMapping(deps.db);
  const outcome = await syncEmployees(deps, mapping.repo, row);
  await mapping.invalidate(row.id);
  return outcome;
}

export async function overrideEmployee(deps: TelephonyDeps, integrationId: string, msEmployeeId: string, uisEmployeeId: number | null | 'auto'): Promise<void> {
  const mapping = employeeMapping(deps.db);
  if (uisEmployeeId === 'auto') await mapping.repo.clearOverride(integrationId, msEmployeeId);
  else await mapping.repo.setOverride(integrationId, msEmployeeId, uisEmployeeId);
  await mapping.invalidate(integrationId);
}
