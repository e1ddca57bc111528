// The per-integration telephony_state row: refresh bookkeeping and cache generations.
import { eq, sql } from 'drizzle-orm';
import { tables, type DbOrTx } from '../../db/index.ts';

export type TelephonyStateRow = typeof tables.telephonyState.$inferSelect;
type Patch = Partial<Omit<TelephonyStateRow, 'integrationId' | 'employeesGeneration' | 'routingGeneration'>>;

export async function getTelephonyState(db: DbOrTx, integrationId: string): Promise<TelephonyStateRow | undefined> {
  const [row] = await db.select().from(tables.telephonyState).where(eq(tables.telephonyState.integrationId, integrationId));
  return row;
}

/** Upserts the row; `bump` increments a generation so every process reloads its cache. */
export async function updateTelephonyState(db: DbOrTx, integrationId: string, patch: Patch, bump?: 'employees' | 'routing'): Promise<void> {
  const t = tables.telephonyState;
  const gen =
    bump === 'employees'
      ? { employeesGeneration: sql`${t.employeesGeneration} + 1` }
      : bump === 'routing'
        ? { routingGeneration: sql`${t.routingGeneration} + 1` }
        : {};
  await db
    .insert(t)
    .values({ integrationId, ...patch, ...(bump === 'employees' && { employeesGeneration: 1 }), ...(bump === 'routing' && { routingGeneration: 1 }) })
    .onConflictDoUpdate({ target: t.integrationId, set: { ...patch, ...gen } });
}
