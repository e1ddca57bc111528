// Employee sync: MoySklad employees with extensions (Phone API; names, e-mails, phones and logins
// from the JSON API when the integration has it) and UIS employees (Data API get.employees).
// A side that fails keeps its previous snapshot; the error is recorded and shown.
import type { IntegrationRow } from '../../integrations/index.ts';
import { jsonApiFor, phoneApiFor, problemText, uisClientsFor, type TelephonyDeps } from '../connection-check/index.ts';
import type { EmployeesRepository } from './employees-repository.ts';
import type { MsEmployee, UisEmployeeSnap } from './match.ts';

async function fetchMs(deps: TelephonyDeps, row: IntegrationRow): Promise<MsEmployee[]> {
  const { client } = await phoneApiFor(deps, row);
  const withExt = await client.listEmployees({ lane: 'backfill' });
  const json = await jsonApiFor(deps, row);
  const details = new Map<string, { name?: string; email?: string; phone?: string; uid?: string }>();
  if (json && withExt.length) {
    for (const e of await json.getByIds('employee', withExt.map((w) => w.employeeId), { lane: 'backfill' })) details.set(e.id!, e);
  }
  return withExt.map((w) => {
    const d = details.get(w.employeeId);
    return { employeeId: w.employeeId, extension: w.extension, name: d?.name ?? null, email: d?.email ?? null, phone: d?.phone ?? null, uid: d?.uid ?? null };
  });
}

async function fetchUis(deps: TelephonyDeps, row: IntegrationRow): Promise<UisEmployeeSnap[]> {
  const { data } = await uisClientsFor(deps, row);
  const all = await data.getAllEmployees();
  return all.map((u) => ({
    employeeId: u.id,
    name: u.full_name ?? ([u.last_name, u.first_name].filter(Boolean).join(' ') || null),
    email: u.email ?? null,
    extension: u.extension?.extension_phone_number ?? null,
    phones: (u.phone_numbers ?? []).filter((p) => p.status !== 'inactive').map((p) => p.phone_number),
  }));
}

export type SyncOutcome = { ok: boolean; error: string | null };

export async function syncEmployees(deps: TelephonyDeps, repo: EmployeesRepository, row: IntegrationRow): Promise<SyncOutcome> {
  const [ms, uis] = await Promise.allSettled([fetchMs(deps, row), row.credentialIds.uis ? fetchUis(deps, row) : Promise.resolve(undefined)]);
  const errors: string[] = [];
  if (ms.status === 'rejected') errors.push(`МойСклад: ${problemText(ms.reason)}`);
  if (uis.status === 'rejected') errors.push(`UIS: ${problemText(uis.reason)}`);
  if (!row.credentialIds.uis) errors.push('UIS: не выбран ключ API UIS — сотрудники UIS неизвестны');
  const error = errors.length ? errors.join('; ') : null;
  await repo.replaceSnapshots(
    row.id,
    {
      ...(ms.status === 'fulfilled' && { ms: ms.value }),
      ...(uis.status === 'fulfilled' && uis.value && { uis: uis.value }),
    },
    error,
  );
  if (error) deps.log.warn({ integrationId: row.id, error }, 'telephony employee sync incomplete');
  return { ok: error === null, error };
}
