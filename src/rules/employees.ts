// UIS employee (who rang / answered) → MoySklad employee id, through the telephony employee mapping.
import type { Db } from '../db/index.ts';
import { employeeMapping } from '../telephony/employees/index.ts';
import type { CommEmployee } from './communication.ts';

export type EmployeeResolver = (e: CommEmployee) => Promise<string | undefined>;

export function msEmployeeResolver(db: Db, integrationId: string): EmployeeResolver {
  let dir: ReturnType<ReturnType<typeof employeeMapping>['directory']> | undefined;
  return async (e) => {
    dir ??= employeeMapping(db).directory(integrationId);
    const d = await dir;
    const uisId = e.uisEmployeeId !== undefined && /^\d+$/.test(e.uisEmployeeId) ? Number(e.uisEmployeeId) : undefined;
    const link = uisId !== undefined ? d.linkByUis.get(uisId) : undefined;
    if (link) return link.msEmployeeId;
    const uis = uisId !== undefined ? d.uis.get(uisId) : undefined;
    const ext = e.extension ?? uis?.extension ?? undefined;
    // Same extension on both sides is the mapping's default too.
    return ext ? d.msByExtension.get(ext)?.employeeId : undefined;
  };
}
