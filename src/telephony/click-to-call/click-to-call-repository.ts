// The click-to-call log: every request MoySklad sent, what we did, and why it failed if it did.
import { and, desc, eq } from 'drizzle-orm';
import { tables, type Db, type DbOrTx } from '../../db/index.ts';
import type { ClickToCallStatus } from '../../db/schema/telephony.ts';

export type ClickToCallRow = typeof tables.telephonyClickToCall.$inferSelect;

export type ClickToCallView = {
  id: number;
  receivedAt: string;
  finishedAt: string | null;
  srcNumber: string | null;
  destNumber: string | null;
  uid: string | null;
  signature: string | null;
  signatureVariant: string | null;
  status: ClickToCallStatus;
  reason: string | null;
  uisEmployeeId: number | null;
  uisCallSessionId: number | null;
};

export const clickToCallView = (r: ClickToCallRow): ClickToCallView => ({
  id: r.id,
  receivedAt: r.receivedAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
  srcNumber: r.srcNumber,
  destNumber: r.destNumber,
  uid: r.uid,
  signature: r.signature,
  signatureVariant: r.signatureVariant,
  status: r.status,
  reason: r.reason,
  uisEmployeeId: r.uisEmployeeId,
  uisCallSessionId: r.uisCallSessionId,
});

export class ClickToCallRepository {
  constructor(private readonly db: Db) {}

  async insert(tx: DbOrTx, row: typeof tables.telephonyClickToCall.$inferInsert): Promise<number> {
    const [r] = await tx.insert(tables.telephonyClickToCall).values(row).returning({ id: tables.telephonyClickToCall.id });
    return r!.id;
  }

  async get(id: number): Promise<ClickToCallRow | undefined> {
    const [r] = await this.db.select().from(tables.telephonyClickToCall).where(eq(tables.telephonyClickToCall.id, id));
    return r;
  }

  async update(id: number, patch: Partial<Omit<ClickToCallRow, 'id'>>): Promise<void> {
    await this.db.update(tables.telephonyClickToCall).set(patch).where(eq(tables.telephonyClickToCall.id, id));
  }

  /** Moves queued → dialing exactly once; false when another attempt already took it. */
  async claim(id: number): Promise<boolean> {
    const t = tables.telephonyClickToCall;
    const rows = await this.db.update(t).set({ status: 'dialing' }).where(and(eq(t.id, id), eq(t.status, 'queued'))).returning({ id: t.id });
    return rows.length === 1;
  }

  async recent(accountId: string, integrationId: string, limit: number): Promise<ClickToCallView[]> {
    const t = tables.telephonyClickToCall;
    const rows = await this.db
      .select()
      .from(t)
      .where(and(eq(t.accountId, accountId), eq(t.integrationId, integrationId)))
      .orderBy(desc(t.id))
      .limit(limit);
    return rows.map(clickToCallView);
  }
}
