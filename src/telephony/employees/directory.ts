// The employee mapping as other modules use it: in memory per integration, reloaded when any
// process changes it (generation in telephony_state).
import { eq } from 'drizzle-orm';
import { tables, type Db } from '../../db/index.ts';
import type { EmployeesRepository } from './employees-repository.ts';
import { GenerationCache } from './generation-cache.ts';
import type { Link, MsEmployee, UisEmployeeSnap } from './match.ts';

export type EmployeeDirectory = {
  ms: Map<string, MsEmployee>;
  msByExtension: Map<string, MsEmployee>;
  msByUid: Map<string, MsEmployee>;
  uis: Map<number, UisEmployeeSnap>;
  uisByExtension: Map<string, UisEmployeeSnap>;
  linkByMs: Map<string, Link>;
  linkByUis: Map<number, Link>;
  overrides: Map<string, number | null>;
};

export type UisTarget = { employeeId: number; extension: string | null; phones: string[]; name: string | null };

const DIRECTORY_CHECK_MS = 5_000;

export function createEmployeeDirectoryCache(db: Db, repo: EmployeesRepository) {
  return new GenerationCache<EmployeeDirectory>(
    async (integrationId) => {
      const [row] = await db
        .select({ g: tables.telephonyState.employeesGeneration })
        .from(tables.telephonyState)
        .where(eq(tables.telephonyState.integrationId, integrationId));
      return row?.g ?? 0;
    },
    async (integrationId) => {
      const d = await repo.load(integrationId);
      const byKey = <T, K>(rows: T[], key: (r: T) => K | null | undefined) => {
        const m = new Map<K, T>();
        for (const r of rows) {
          const k = key(r);
          if (k !== null && k !== undefined && k !== '' && !m.has(k)) m.set(k, r);
        }
        return m;
      };
      return {
        ms: byKey(d.ms, (m) => m.employeeId),
        msByExtension: byKey(d.ms, (m) => m.extension),
        msByUid: byKey(d.ms, (m) => m.uid?.toLowerCase()),
        uis: byKey(d.uis, (u) => u.employeeId),
        uisByExtension: byKey(d.uis, (u) => u.extension),
        linkByMs: byKey(d.links, (l) => l.msEmployeeId),
        linkByUis: byKey(d.links, (l) => l.uisEmployeeId),
        overrides: d.overrides,
      };
    },
    // Looked up for every card: changes made in this process apply at once (invalidate), another
    // process's employee sync within this.
    DIRECTORY_CHECK_MS,
  );
}


const target = (u: UisEmployeeSnap): UisTarget => ({ employeeId: u.employeeId, extension: u.extension ?? null, phones: u.phones, name: u.name ?? null });

/** The UIS employee behind a MoySklad employee (id, login or extension); default: same extension. */
export function uisEmployeeIn(d: EmployeeDirectory, who: { msEmployeeId?: string; uid?: string; msExtension?: string }): UisTarget | undefined {
  const ms =
    (who.msEmployeeId ? d.ms.get(who.msEmployeeId) : undefined) ??
    (who.uid ? d.msByUid.get(who.uid.toLowerCase()) : undefined) ??
    (who.msExtension ? d.msByExtension.get(who.msExtension) : undefined);
  if (ms) {
    const link = d.linkByMs.get(ms.employeeId);
    const u = link ? d.uis.get(link.uisEmployeeId) : undefined;
    if (u) return target(u);
    if (d.overrides.has(ms.employeeId)) return undefined; // the user said "not linked"
  }
  const ext = who.msExtension ?? ms?.extension ?? undefined;
  const byExt = ext ? d.uisByExtension.get(ext) : undefined;
  // Same-extension default, unless that UIS employee belongs to someone else.
  if (byExt && !(d.linkByUis.has(byExt.employeeId) && d.linkByUis.get(byExt.employeeId)!.msEmployeeId !== ms?.employeeId)) return target(byExt);
  return undefined;
}

/** The MoySklad extension for a UIS employee (by id or extension); default: the same extension. */
export function msExtensionIn(d: EmployeeDirectory, who: { uisEmployeeId?: number; uisExtension?: string }): string | undefined {
  const u =
    (who.uisEmployeeId !== undefined ? d.uis.get(who.uisEmployeeId) : undefined) ??
    (who.uisExtension ? d.uisByExtension.get(who.uisExtension) : undefined);
  if (u) {
    const link = d.linkByUis.get(u.employeeId);
    const ms = link ? d.ms.get(link.msEmployeeId) : undefined;
    if (ms?.extension) return ms.extension;
  }
  return who.uisExtension ?? u?.extension ?? undefined;
}
