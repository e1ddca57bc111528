// Attribution: a deal is linked to the calls and chats of its counterparty by normalised phone —
// the first and the last touch before the order was created — so revenue can be reported by
// campaign, UTM source or channel. Calls and chats are written into `communications` by the
// telephony and chats modules; deals only read it, through this port.
import { sql } from 'drizzle-orm';
import { tables, type Db } from '../db/index.ts';
import { phoneKey } from '../phone/index.ts';
import { run } from './sql-rows.ts';

export type Touch = {
  channel: 'call' | 'chat' | 'offline' | (string & {});
  phoneKey: string;
  occurredAt: Date;
  campaign: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  site: string | null;
  externalRef: string;
};

/** The read port deals use; telephony/chats write through `record`. */
export interface CommunicationsIndex {
  touchesByPhoneKeys(accountId: string, phoneKeys: string[], before: Date): Promise<Touch[]>;
  record(accountId: string, touch: Omit<Touch, 'phoneKey'> & { phone: string }): Promise<void>;
}

export class SqlCommunicationsIndex implements CommunicationsIndex {
  constructor(private readonly db: Db) {}

  async touchesByPhoneKeys(accountId: string, phoneKeys: string[], before: Date): Promise<Touch[]> {
    if (!phoneKeys.length) return [];
    const c = tables.communications;
    const rows = await this.db
      .select()
      .from(c)
      .where(sql`${c.accountId} = ${accountId} and ${c.phoneKey} in (${sql.join(phoneKeys.map((k) => sql`${k}`), sql`, `)}) and ${c.occurredAt} <= ${before}`)
      .orderBy(c.occurredAt);
    return rows.map((r) => ({
      channel: r.channel,
      phoneKey: r.phoneKey,
      occurredAt: r.occurredAt,
      campaign: r.campaign,
      utmSource: r.utmSource,
      utmMedium: r.utmMedium,
      utmCampaign: r.utmCampaign,
      site: r.site,
      externalRef: r.externalRef,
    }));
  }

  /** Idempotent per (account, channel, externalRef). Numbers that are not phones are ignored. */
  async record(accountId: string, t: Omit<Touch, 'phoneKey'> & { phone: string }): Promise<void> {
    const key = phoneKey(t.phone);
    if (!key) return;
    const { phone: _phone, ...rest } = t;
    await this.db
      .insert(tables.communications)
      .values({ accountId, ...rest, phoneKey: key })
      .onConflictDoNothing();
  }
}

export type AttributionDimension = 'campaign' | 'utm_source' | 'utm_medium' | 'utm_campaign' | 'channel' | 'site';
export type TouchModel = 'first' | 'last';

export type AttributionRow = {
  key: string | null;
  deals: number;
  /** Kopecks. */
  revenue: number;
  wonDeals: number;
  wonRevenue: number;
};

const DIMENSIONS: Record<AttributionDimension, string> = {
  campaign: 'campaign',
  utm_source: 'utm_source',
  utm_medium: 'utm_medium',
  utm_campaign: 'utm_campaign',
  channel: 'channel',
  site: 'site',
};

/**
 * Revenue by the chosen dimension of the first or last touch before each deal's creation.
 * Deals without any touch are reported under key null ("без коммуникаций").
 */
export async function attributionReport(
  db: Db,
  accountId: string,
  opts: { by: AttributionDimension; touch: TouchModel; from?: Date | undefined; to?: Date | undefined; integrationId?: string | undefined },
): Promise<AttributionRow[]> {
  const dim = sql.raw(DIMENSIONS[opts.by]);
  const dir = sql.raw(opts.touch === 'first' ? 'asc' : 'desc');
  const res = await run(db, sql`
    select t.${dim} as key, count(*)::int as deals, coalesce(sum(d.sum), 0)::float8 as revenue,
      count(*) filter (where st.outcome = 'won')::int as won_deals,
      coalesce(sum(d.sum) filter (where st.outcome = 'won'), 0)::float8 as won_revenue
    from deals d
    left join deal_stages st on st.integration_id = d.integration_id and st.id = d.state_id
    left join lateral (
      select c.* from deal_contact_phones p
      join communications c on c.account_id = d.account_id and c.phone_key = p.phone_key and c.occurred_at <= d.ms_created
      where p.integration_id = d.integration_id and p.contact_id = d.agent_id
      order by c.occurred_at ${dir}, c.id ${dir} limit 1
    ) t on true
    where d.account_id = ${accountId} and d.deleted_at is null
      ${opts.integrationId ? sql`and d.integration_id = ${opts.integrationId}` : sql``}
      ${opts.from ? sql`and d.moment >= ${opts.from}` : sql``}
      ${opts.to ? sql`and d.moment < ${opts.to}` : sql``}
    group by 1 order by revenue desc, key nulls last`);
  return (res.rows as Record<string, unknown>[]).map((r) => ({
    key: (r['key'] as string | null) ?? null,
    deals: Number(r['deals']),
    revenue: Number(r['revenue']),
    wonDeals: Number(r['won_deals']),
    wonRevenue: Number(r['won_revenue']),
  }));
}

/** First and last touch of one deal's counterparty before the deal was created. */
export async function dealTouches(
  db: Db,
  index: CommunicationsIndex,
  accountId: string,
  deal: { integrationId: string; agentId: string | null; createdAt: Date },
): Promise<{ first: Touch | null; last: Touch | null; count: number }> {
  if (!deal.agentId) return { first: null, last: null, count: 0 };
  const p = tables.dealContactPhones;
  const keys = await db
    .select({ k: p.phoneKey })
    .from(p)
    .where(sql`${p.integrationId} = ${deal.integrationId} and ${p.contactId} = ${deal.agentId}`);
  const touches = await index.touchesByPhoneKeys(accountId, keys.map((k) => k.k), deal.createdAt);
  return { first: touches[0] ?? null, last: touches[touches.length - 1] ?? null, count: touches.length };
}
