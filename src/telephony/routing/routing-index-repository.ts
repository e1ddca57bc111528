// The routing index in the database: the durable copy every process loads into memory.
import { and, eq, inArray } from 'drizzle-orm';
import { tables, type Db, type DbOrTx } from '../../db/index.ts';
import { updateTelephonyState } from '../employees/index.ts';
import type { IndexEntry } from './index-entries.ts';

const CHUNK = 1000;

async function insertAll(tx: DbOrTx, integrationId: string, entries: IndexEntry[]) {
  for (let i = 0; i < entries.length; i += CHUNK) {
    const part = entries.slice(i, i + CHUNK).map((e) => ({ integrationId, ...e, updatedAt: new Date() }));
    await tx.insert(tables.telephonyRoutingIndex).values(part).onConflictDoNothing();
  }
}

export class RoutingIndexRepository {
  constructor(private readonly db: Db) {}

  async loadAll(integrationId: string): Promise<IndexEntry[]> {
    const t = tables.telephonyRoutingIndex;
    return this.db
      .select({ phoneKey: t.phoneKey, counterpartyId: t.counterpartyId, counterpartyName: t.counterpartyName, ownerEmployeeId: t.ownerEmployeeId, via: t.via })
      .from(t)
      .where(eq(t.integrationId, integrationId)) as Promise<IndexEntry[]>;
  }

  /** Full rebuild (periodic refresh). */
  async replaceAll(integrationId: string, entries: IndexEntry[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(tables.telephonyRoutingIndex).where(eq(tables.telephonyRoutingIndex.integrationId, integrationId));
      await insertAll(tx, integrationId, entries);
      await updateTelephonyState(tx, integrationId, { routingRefreshedAt: new Date(), routingError: null }, 'routing');
    });
  }

  /** Incremental: these counterparties now have exactly `entries` (none = deleted/archived). */
  async replaceCounterparties(integrationId: string, counterpartyIds: string[], entries: IndexEntry[]): Promise<void> {
    if (!counterpartyIds.length) return;
    const t = tables.telephonyRoutingIndex;
    await this.db.transaction(async (tx) => {
      await tx.delete(t).where(and(eq(t.integrationId, integrationId), inArray(t.counterpartyId, counterpartyIds)));
      await insertAll(tx, integrationId, entries);
      await updateTelephonyState(tx, integrationId, {}, 'routing');
    });
  }

  async recordError(integrationId: string, patch: { routingError?: string | null; routingRefreshedAt?: Date; webhooksError?: string | null; webhookIds?: string[] }): Promise<void> {
    await updateTelephonyState(this.db, integrationId, patch);
  }
}
