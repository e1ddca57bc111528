// One evaluation of the rules for one finished communication: load it, enrich it from UIS, record it
// for attribution, decide (plan) and act (execute). Safe to run again at any time: what was done is
// recorded per communication and never repeated.
import type { Logger } from 'pino';
import type { CredentialsRepository } from '../accounts/index.ts';
import { recordActivity } from '../activity/index.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { SqlCommunicationsIndex } from '../deals/index.ts';
import type { IntegrationRow, IntegrationsRepository } from '../integrations/index.ts';
import type { JsonApiClient, RequestGate } from '../moysklad/index.ts';
import { phoneKey } from '../phone/index.ts';
import { jsonApiFor, uisClientsFor, type TelephonyDeps } from '../telephony/connection-check/index.ts';
import { ATTRIBUTION_KEYS, commKey, type Attribution, type Communication } from './communication.ts';
import { msEmployeeResolver } from './employees.ts';
import { executePlan, type ExecuteResult } from './execute.ts';
import { communicationLoader } from './loaders.ts';
import { planActions, type Plan } from './plan.ts';
import type { RuleSet } from './schema.ts';
import { RulesStore } from './store.ts';

export interface EvaluatorDeps {
  db: Db;
  log: Logger;
  config: Pick<Config, 'apis' | 'publicUrl'>;
  credentials: CredentialsRepository;
  integrationsRepo: IntegrationsRepository;
  gate: RequestGate;
}

export type EvaluateData = { accountId: string; integrationId: string; channel: Communication['channel']; ref: string };

export type EvaluateOutcome =
  | { kind: 'skipped'; why: 'no-integration' | 'inactive' | 'unknown-communication' | 'not-finished' | 'excluded' }
  | { kind: 'done'; plan: Plan; result: ExecuteResult };

export class RulesEvaluator {
  readonly store: RulesStore;
  private readonly comms: SqlCommunicationsIndex;

  constructor(private readonly deps: EvaluatorDeps) {
    this.store = new RulesStore(deps.db);
    this.comms = new SqlCommunicationsIndex(deps.db);
  }

  async evaluate(d: EvaluateData): Promise<EvaluateOutcome> {
    const row = await this.deps.integrationsRepo.get(d.accountId, d.integrationId);
    if (!row) return { kind: 'skipped', why: 'no-integration' };
    if (!row.active) return { kind: 'skipped', why: 'inactive' };
    const loaded = await communicationLoader(d.channel)?.(this.deps.db, d.integrationId, d.ref);
    if (!loaded) return { kind: 'skipped', why: 'unknown-communication' };
    if (!loaded.finished) return { kind: 'skipped', why: 'not-finished' };
    const { ruleSet } = await this.store.ruleSet(d.integrationId);
    const key = commKey(loaded);
    const ids = { accountId: d.accountId, integrationId: d.integrationId };
    const applied = await this.store.applied(d.integrationId, key);

    const early = planActions(ruleSet, loaded, { firstContact: true });
    if (early.excluded) {
      if (!applied.has('excluded')) {
        await this.store.markApplied(ids.accountId, ids.integrationId, key, 'excluded', { status: 'skipped', result: { reason: early.excluded.reason } });
        // Internal calls are routine; an own number deserves a line (the user may wonder why no task).
        if (early.excluded.reason === 'own_number') {
          await recordActivity(this.deps.db, { ...ids, kind: 'rules.skipped', message: early.excluded.message, communicationRef: key });
        }
      }
      return { kind: 'skipped', why: 'excluded' };
    }

    const deps = this.clientDeps();
    const c = await this.enriched(row, loaded, ruleSet, applied.get('enrichment')?.result);
    const pk = c.contactPhone ? phoneKey(c.contactPhone) : null;
    if (ruleSet.settings.recordCommunications && c.contactPhone) {
      await this.comms.record(d.accountId, {
        channel: c.channel,
        phone: c.contactPhone,
        occurredAt: c.startedAt,
        campaign: c.attribution.campaign ?? null,
        utmSource: c.attribution.utm_source ?? null,
        utmMedium: c.attribution.utm_medium ?? null,
        utmCampaign: c.attribution.utm_campaign ?? null,
        site: c.attribution.site ?? null,
        externalRef: c.ref,
      });
    }

    const client = await jsonApiFor(deps, row).catch((err: unknown) => {
      this.deps.log.warn({ err, integrationId: row.id }, 'rules: JSON API credential unavailable');
      return undefined;
    });
    // "First contact" is decided once per communication and kept, so a retry plans the same actions.
    let firstContact = applied.get('context')?.result.firstContact as boolean | undefined;
    if (firstContact === undefined) {
      firstContact = pk ? await this.firstContact(d.accountId, pk, c, ruleSet, client) : false;
      await this.store.markApplied(ids.accountId, ids.integrationId, key, 'context', { status: 'done', result: { firstContact } });
    }
    const plan = planActions(ruleSet, c, { firstContact });
    const result = await executePlan(
      { db: this.deps.db, store: this.store, log: this.deps.log, client, employees: msEmployeeResolver(this.deps.db, row.id), lane: 'log' },
      ids,
      c,
      plan,
      ruleSet,
    );
    return { kind: 'done', plan, result };
  }

  /** No earlier communication and no counterparty: locally known, or in MoySklad when a rule cares. */
  private async firstContact(accountId: string, pk: string, c: Communication, rs: RuleSet, client: JsonApiClient | undefined): Promise<boolean> {
    if (await this.store.contactedBefore(accountId, pk, c.startedAt, c.ref)) return false;
    if (await this.store.knownCounterparty(accountId, pk)) return false;
    const cares = rs.rules.some((r) => r.enabled && r.conditions.contact !== 'any');
    if (!cares || !client || !c.contactPhone) return true;
    return (await client.findCounterpartiesByPhone(c.contactPhone, { lane: 'log' })).length === 0;
  }

  /** UTM, campaign, search query … from UIS get.calls_report, fetched once per communication. */
  private async enriched(row: IntegrationRow, c: Communication, rs: RuleSet, stored: Record<string, unknown> | undefined): Promise<Communication> {
    let extra = stored as Attribution | undefined;
    if (!extra && c.channel === 'call' && rs.settings.enrichFromUis && row.credentialIds.uis && /^\d+$/.test(c.ref)) {
      extra = {};
      try {
        const { data } = await uisClientsFor(this.clientDeps(), row, { timeoutMs: 10_000 });
        const e = await data.getCallEnrichment(Number(c.ref));
        if (e) {
          const v: Record<string, string | null> = {
            utm_source: e.utm.source, utm_medium: e.utm.medium, utm_campaign: e.utm.campaign, utm_term: e.utm.term, utm_content: e.utm.content,
            campaign: e.campaignName, site: e.siteDomainName, search_query: e.searchQuery, referrer: e.referrer,
            visitor_region: e.visitorRegion, visitor_city: e.visitorCity, visitor_device: e.visitorDevice,
          };
          for (const k of ATTRIBUTION_KEYS) if (v[k]) extra[k] = v[k]!;
        }
      } catch (err) {
        // Enrichment is a bonus: UIS being down must not hold the counterparty and the task back.
        this.deps.log.warn({ err, integrationId: row.id, ref: c.ref }, 'rules: UIS enrichment failed');
      }
      await this.store.markApplied(row.accountId, row.id, commKey(c), 'enrichment', { status: 'done', result: { ...extra } });
    }
    // The report is UIS's final word; the notification's values stay where the report has none.
    return extra ? { ...c, attribution: { ...c.attribution, ...extra } } : c;
  }

  private clientDeps(): TelephonyDeps {
    return {
      db: this.deps.db,
      config: this.deps.config,
      credentials: this.deps.credentials,
      integrationsRepo: this.deps.integrationsRepo,
      log: this.deps.log,
      gate: this.deps.gate,
    };
  }
}
