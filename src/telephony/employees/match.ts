// Pairs MoySklad employees with UIS employees: the user's overrides first, then by extension,
// e-mail and phone, each UIS employee used at most once. Pure, so it is easy to test.
import { phoneKey } from '../../phone/index.ts';

export type MsEmployee = { employeeId: string; extension: string | null; name?: string | null; email?: string | null; phone?: string | null; uid?: string | null };
export type UisEmployeeSnap = { employeeId: number; name?: string | null; email?: string | null; extension?: string | null; phones: string[] };
export type MatchedBy = 'manual' | 'extension' | 'email' | 'phone';
export type Link = { msEmployeeId: string; uisEmployeeId: number; matchedBy: MatchedBy };

const email = (v: string | null | undefined) => (v ? v.trim().toLowerCase() : '') || null;

export function matchEmployees(ms: MsEmployee[], uis: UisEmployeeSnap[], overrides: Map<string, number | null>): Link[] {
  const uisById = new Map(uis.map((u) => [u.employeeId, u]));
  const links: Link[] = [];
  const takenUis = new Set<number>();
  const doneMs = new Set<string>();
  const link = (m: MsEmployee, u: UisEmployeeSnap, by: MatchedBy) => {
    links.push({ msEmployeeId: m.employeeId, uisEmployeeId: u.employeeId, matchedBy: by });
    takenUis.add(u.employeeId);
    doneMs.add(m.employeeId);
  };

  for (const m of ms) {
    if (!overrides.has(m.employeeId)) continue;
    doneMs.add(m.employeeId); // "do not link" (null) is a decision too
    const u = uisById.get(overrides.get(m.employeeId) ?? NaN);
    if (u && !takenUis.has(u.employeeId)) link(m, u, 'manual');
  }
  // Overrides may also claim UIS employees of MoySklad employees that no longer have an extension.
  for (const id of overrides.values()) if (id !== null) takenUis.add(id);

  const pass = (by: MatchedBy, keysOfMs: (m: MsEmployee) => string[], keysOfUis: (u: UisEmployeeSnap) => string[]) => {
    const index = new Map<string, UisEmployeeSnap[]>();
    for (const u of uis) {
      if (takenUis.has(u.employeeId)) continue;
      for (const k of keysOfUis(u)) index.set(k, [...(index.get(k) ?? []), u]);
    }
    for (const m of ms) {
      if (doneMs.has(m.employeeId)) continue;
      for (const k of keysOfMs(m)) {
        // Ambiguous keys (two UIS employees with one e-mail) are left for the user to decide.
        const candidates = (index.get(k) ?? []).filter((u) => !takenUis.has(u.employeeId));
        if (candidates.length === 1) {
          link(m, candidates[0]!, by);
          break;
        }
      }
    }
  };
  pass('extension', (m) => (m.extension ? [m.extension.trim()] : []), (u) => (u.extension ? [u.extension.trim()] : []));
  pass('email', (m) => [email(m.email)].filter((x): x is string => !!x), (u) => [email(u.email)].filter((x): x is string => !!x));
  pass(
    'phone',
    (m) => (m.phone ? m.phone.split(/[,;]/).map((p) => phoneKey(p)).filter((x): x is string => !!x) : []),
    (u) => u.phones.map((p) => phoneKey(p)).filter((x): x is string => !!x),
  );
  return links;
}
