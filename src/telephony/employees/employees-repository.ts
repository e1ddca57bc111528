// Storage of both employee snapshots, the user's overrides and the computed links.
import { and, eq } from 'drizzle-orm';
import { tables, type Db, type DbOrTx } from '../../db/index.ts';
import { matchEmployees, type Link, type MsEmployee, type UisEmployeeSnap } from './match.ts';
import { updateTelephonyState } from './telephony-state.ts';

export type EmployeeData = { ms: MsEmployee[]; uis: UisEmployeeSnap[]; overrides: Map<string, number | null>; links: Link[] };

export class EmployeesRepository {
  constructor(private readonly db: Db) {}

  async load(integrationId: string, db: DbOrTx = this.db): Promise<EmployeeData> {
    // One after another: inside a transaction they share one connection (pg refuses overlapping queries).
    const ms = await db.select().from(tables.telephonyMsEmployees).where(eq(tables.telephonyMsEmployees.integrationId, integrationId));
    const uis = await db.select().from(tables.telephonyUisEmployees).where(eq(tables.telephonyUisEmployees.integrationId, integrationId));
    const overrides = await db.select().from(tables.telephonyEmployeeOverrides).where(eq(tables.telephonyEmployeeOverrides.integrationId, integrationId));
    const links = await db.select().from(tables.telephonyEmployeeLinks).where(eq(tables.telephonyEmployeeLinks.integrationId, integrationId));
    return {
      ms,
      uis,
      overrides: new Map(overrides.map((o) => [o.msEmployeeId, o.uisEmployeeId])),
      links: links.map((l) => ({ msEmployeeId: l.msEmployeeId, uisEmployeeId: l.uisEmployeeId, matchedBy: l.matchedBy as Link['matchedBy'] })),
    };
  }

  /** Replaces the snapshots (a side left undefined is kept) and recomputes the links. */
  async replaceSnapshots(integrationId: string, snap: { ms?: MsEmployee[]; uis?: UisEmployeeSnap[] }, error: string | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (snap.ms) {
        await tx.delete(tables.telephonyMsEmployees).where(eq(tables.telephonyMsEmployees.integrationId, integrationId));
        if (snap.ms.length) {
          await tx.insert(tables.telephonyMsEmployees).values(
            snap.ms.map((m) => ({
              integrationId,
              employeeId: m.employeeId,
              extension: m.extension,
              name: m.name ?? null,
              email: m.email ?? null,
              phone: m.phone ?? null,
              uid: m.uid ?? null,
            })),
          );
        }
      }
      if (snap.uis) {
        await tx.delete(tables.telephonyUisEmployees).where(eq(tables.telephonyUisEmployees.integrationId, integrationId));
        if (snap.uis.length) {
          await tx.insert(tables.telephonyUisEmployees).values(
            snap.uis.map((u) => ({ integrationId, employeeId: u.employeeId, name: u.name ?? null, email: u.email ?? null, extension: u.extension ?? null, phones: u.phones })),
          );
        }
      }
      await this.relink(tx, integrationId);
      await updateTelephonyState(tx, integrationId, { employeesRefreshedAt: new Date(), employeesError: error }, 'employees');
    });
  }

  async setOverride(integrationId: string, msEmployeeId: string, uisEmployeeId: number | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      const t = tables.telephonyEmployeeOverrides;
      await tx
        .insert(t)
        .values({ integrationId, msEmployeeId, uisEmployeeId })
        .onConflictDoUpdate({ target: [t.integrationId, t.msEmployeeId], set: { uisEmployeeId, createdAt: new Date() } });
      await this.relink(tx, integrationId);
      await updateTelephonyState(tx, integrationId, {}, 'employees');
    });
  }

  async clearOverride(integrationId: string, msEmployeeId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const t = tables.telephonyEmployeeOverrides;
      await tx.delete(t).where(and(eq(t.integrationId, integrationId), eq(t.msEmployeeId, msEmployeeId)));
      await this.relink(tx, integrationId);
      await updateTelephonyState(tx, integrationId, {}, 'employees');
    });
  }

  async recordError(integrationId: string, error: string): Promise<void> {
    await updateTelephonyState(this.db, integrationId, { employeesError: error });
  }

  private async relink(tx: DbOrTx, integrationId: string): Promise<void> {
    const data = await this.load(integrationId, tx);
    const links = matchEmployees(data.ms, data.uis, data.overrides);
    await tx.delete(tables.telephonyEmployeeLinks).where(eq(tables.telephonyEmployeeLinks.integrationId, integrationId));
    if (links.length) await tx.insert(tables.telephonyEmployeeLinks).values(links.map((l) => ({ integrationId, ...l })));
  }
}
