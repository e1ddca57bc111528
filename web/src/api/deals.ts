// Shapes of the deals API (src/http/routes/deals.ts): list, one deal, funnel, sync status, attribution.

export type Ref = { id: string; name: string | null };
export type Outcome = 'open' | 'won' | 'lost';

export type Deal = {
  id: string;
  integrationId: string;
  name: string;
  moment: string;
  created: string;
  updated: string;
  /** Kopecks. */
  sum: number;
  payedSum: number;
  stage: { id: string; name: string | null; outcome: string | null } | null;
  store: Ref | null;
  salesChannel: Ref | null;
  project: Ref | null;
  organization: Ref | null;
  manager: Ref | null;
  contact: { id: string; name: string | null; phones: string[]; emails: string[] } | null;
  description: string | null;
  attributes: Array<{ id: string; name: string; type: string; value: unknown }>;
  deletedAt: string | null;
};

export type DealsPage = { items: Deal[]; nextCursor: string | null };

export type DealSort = 'moment' | 'sum' | 'updated' | 'created';

export type Stage = {
  integrationId: string;
  id: string;
  name: string;
  color: number | null;
  stateType: string;
  outcome: Outcome | string;
  position: number;
  deleted: boolean;
};

export type StageHistoryEntry = {
  stageId: string | null;
  stageName: string | null;
  outcome: string | null;
  enteredAt: string;
  leftAt: string | null;
  secondsInStage: number;
  source: string;
};

export type Touch = {
  channel: string;
  phoneKey: string;
  occurredAt: string;
  campaign: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  site: string | null;
  externalRef: string;
};

export type DealDetail = Deal & { stageHistory: StageHistoryEntry[]; attribution: { first: Touch | null; last: Touch | null; count: number } };

export type DealsSync = {
  integrationId: string;
  name: string;
  active: boolean;
  status: string;
  statusReason: string | null;
  phase: string;
  phaseTitle: string;
  progress: { done: number; total: number | null; orders: { done: number; total: number | null }; rate: number; etaSeconds: number | null };
  requests: number;
  startedAt: string | null;
  finishedAt: string | null;
  lastWebhookAt: string | null;
  lastReconciledAt: string | null;
  webhooks: string[];
  newestDeal: (Deal & { receivedAt: string }) | null;
  error: string | null;
  authKind: 'basic' | 'token' | null;
  notice: string | null;
  checkHint: string;
};

export type AttributionBy = 'campaign' | 'utm_source' | 'utm_medium' | 'utm_campaign' | 'channel' | 'site';
export type AttributionReport = {
  by: AttributionBy;
  touch: 'first' | 'last';
  rows: Array<{ key: string | null; deals: number; revenue: number; wonDeals: number; wonRevenue: number }>;
};
