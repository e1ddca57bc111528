// Employee sync (MoySklad ↔ UIS) and the mapping port used by calls, click-to-call and routing.
export {
  employeeMapping,
  employeesView,
  refreshEmployees,
  overrideEmployee,
  type EmployeeMapping,
  type EmployeesView,
} from './employees-service.ts';
export type { UisTarget, EmployeeDirectory } from './directory.ts';
export { matchEmployees, type Link, type MatchedBy, type MsEmployee, type UisEmployeeSnap } from './match.ts';
export { GenerationCache } from './generation-cache.ts';
export { getTelephonyState, updateTelephonyState, type TelephonyStateRow } from './telephony-state.ts';

import type { Db } from '../../db/index.ts';
import { employeeMapping } from './employees-service.ts';

/**
 * Port for the call pipeline: the MoySklad extension whose call card a UIS employee's leg drives.
 * Backed by the employee mapping; default is the same extension.
 */
export const msExtensionFor = (db: Db, integrationId: string, who: { uisEmployeeId?: number; uisExtension?: string }) =>
  employeeMapping(db).msExtensionFor(integrationId, who);

/** The reverse, for click-to-call: the UIS employee of a MoySklad extension / login / employee id. */
export const uisEmployeeFor = (db: Db, integrationId: string, who: { msEmployeeId?: string; uid?: string; msExtension?: string }) =>
  employeeMapping(db).uisEmployeeFor(integrationId, who);
