// One evaluation of the rules for one finished communication: load it, enrich it from UIS, record it
// for attribution, decide (plan) and act (execute). Safe to run again at any time: what was done is
// recorded per communication and never repeated.
import type { Logger } from 'pino';
import type { CredentialsRepository } from '../accounts/index.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { JsonApiClient, RequestGate } from '../moysklad/index.ts';
import { phoneKey } from '../phone/index.ts';
import { RulesClients } from './clients.ts';
import { ATTRIBUTION_KEYS, commKey, type Attribution, type Communication } from './communication.ts';
import { msEmployeeResolver } from './employees.ts';
import { executePlan, type ExecuteResult } from './execute.ts';
import { communicationLoader } from './loaders.ts';
import { planActions, type Plan } from './plan.ts';
import { RuleSetCache } from './rule-set-cache.ts';
import type { RuleSet } from './schema.ts';
import { RulesStore, type OpenTask, type Snapshot } from './store.ts';
import { EvaluationWrites } from './writes.ts';

export interface EvaluatorDeps {
  db: Db;
  log: Logger;
  config: Pick<Config, 'apis' | 'publicUrl'>;
  credentials: Pick<CredentialsRepository, 'reveal'>;
  gate: RequestGate;
}

export type EvaluateData = { accountId: string; integrationId: string; channel: Communication['channel']; ref: string };

export type EvaluateOutcome =
  | { kind: 'skipped'; why: 'no-integration' | 'inactive' | 'unknown-communication' | 'not-finished' | 'excluded' }
  | { kind: 'done'; plan: Plan; result: ExecuteResult };

/**
 * Statements per evaluation: one snapshot; for a communication seen for the first time one more that
 * records it for attribution and reads its history (and the number's open tasks); one at the end
 * with the marks and log lines; plus one per MoySklad write (and the lock, when a counterparty may
 * have to be created). A redelivered evaluation with nothing left to do costs the snapshot alone
 * (and the open-task read of an answered call, whose tasks may have appeared since).
 */
export class RulesEvaluator {
  readonly store: RulesStore;
  private readonly ruleSets = new RuleSetCache();
  private readonly clients: RulesClients;

  constructor(private readonly deps: EvaluatorDeps) {
    this.store = new RulesStore(deps.db);
    this.clients = new RulesClients(deps);
  }

  async evaluate(d: EvaluateData): Promise<EvaluateOutcome> {
    const key = commKey(d);
    const loader = communicationLoader(d.channel);
    const heldStamp = this.ruleSets.stampOf(d.integrationId);
    const snap = await this.store.snapshot({
      accountId: d.accountId,
      integrationId: d.integrationId,
      commKey: key,
      ...(loader ? { communication: loader.query(d.integrationId, d.ref) } : {}),
      ...(heldStamp !== undefined ? { knownRuleSetStamp: heldStamp } : {}),
    });
    if (!snap) return { kind: 'skipped', why: 'no-integration' };
    if (!snap.active) return { kind: 'skipped', why: 'inactive' };
    const loaded = loader?.parse(snap.communication);
    if (!loaded) return { kind: 'skipped', why: 'unknown-communication' };
    if (!loaded.finished) return { kind: 'skipped', why: 'not-finished' };
    const ruleSet = this.ruleSets.resolve(d.integrationId, snap.ruleSet.stamp, snap.ruleSet.body) ?? (await this.store.ruleSet(d.integrationId)).ruleSet;
    const ids = { accountId: d.accountId, integrationId: d.integrationId };
    const w = new EvaluationWrites(this.store, ids, key, snap.applied);
    try {
      const out = await this.run(d, snap, loaded, ruleSet, w);
      await w.flush();
      return out;
    } catch (err) {
      // What was decided before the failure (enrichment, first contact, refusals) is kept for the retry.
      await w.flush().catch((e: unknown) => this.deps.log.warn({ err: e, integrationId: d.integrationId, comm: key }, 'rules: could not store marks after a failure'));
      throw err;
    }
  }

  private async run(d: EvaluateData, snap: Snapshot, loaded: Communication, ruleSet: RuleSet, w: EvaluationWrites): Promise<EvaluateOutcome> {
    const applied = w.applied;
    const early = planActions(ruleSet, loaded, { firstContact: true });
    if (early.excluded) {
      if (!applied.has('excluded')) {
        w.mark('excluded', 'skipped', { reason: early.excluded.reason });
        // Internal calls are routine; an own number deserves a line (the user may wonder why no task).
        if (early.excluded.reason === 'own_number') w.activity('rules.skipped', early.excluded.message);
      }
      return { kind: 'skipped', why: 'excluded' };
    }

    const c = await this.enriched(d.accountId, snap, loaded, ruleSet, applied.get('enrichment')?.result, w);
    const pk = c.contactPhone ? phoneKey(c.contactPhone) : null;
    const client = await this.clients.jsonApi(d.accountId, snap).catch((err: unknown) => {
      this.deps.log.warn({ err, integrationId: d.integrationId }, 'rules: JSON API credential unavailable');
      return undefined;
    });
    // "First contact" is decided once per communication and kept, so a retry plans the same actions.
    let firstContact = applied.get('context')?.result.firstContact as boolean | undefined;
    let knownCounterparty: string | null | undefined;
    let openTasks: OpenTask[] | undefined;
    // Only an answered contact closes tasks, and only with a JSON API client (see executePlan).
    const closing = c.outcome === 'answered' && client && pk ? { phoneKey: pk, before: c.startedAt } : undefined;
    if (firstContact === undefined) {
      // One statement: the marks so far, the attribution record, the number's history and open tasks.
      const reads = await w.flush({
        ...(ruleSet.settings.recordCommunications && pk
          ? {
              communication: {
                accountId: d.accountId,
                channel: c.channel,
                phoneKey: pk,
                occurredAt: c.startedAt,
                campaign: c.attribution.campaign ?? null,
                utmSource: c.attribution.utm_source ?? null,
                utmMedium: c.attribution.utm_medium ?? null,
                utmCampaign: c.attribution.utm_campaign ?? null,
                site: c.attribution.site ?? null,
                externalRef: c.ref,
              },
            }
          : {}),
        ...(pk ? { history: { phoneKey: pk, before: c.startedAt, exceptRef: c.ref } } : {}),
        ...(closing ? { openTasksOf: closing } : {}),
      });
      knownCounterparty = reads.knownCounterparty;
      openTasks = reads.openTasks;
      firstContact = pk ? await this.firstContact(reads, c, ruleSet, client) : false;
      w.mark('context', 'done', { firstContact });
    }
    const plan = planActions(ruleSet, c, { firstContact });
    const result = await executePlan(
      {
        store: this.store,
        writes: w,
        log: this.deps.log,
        client,
        employees: msEmployeeResolver(this.deps.db, d.integrationId),
        lane: 'log',
        ...(knownCounterparty ? { knownCounterpartyId: knownCounterparty } : {}),
        ...(openTasks ? { openTasks } : {}),
      },
      c,
      plan,
      ruleSet,
    );
    return { kind: 'done', plan, result };
  }

  /** No earlier communication and no counterparty: locally known, or in MoySklad when a rule cares. */
  private async firstContact(
    known: { contactedBefore?: boolean; knownCounterparty?: string | null },
    c: Communication,
    rs: RuleSet,
    client: JsonApiClient | undefined,
  ): Promise<boolean> {
    if (known.contactedBefore) return false;
    if (known.knownCounterparty) return false;
    const cares = rs.rules.some((r) => r.enabled && r.conditions.contact !== 'any');
    if (!cares || !client || !c.contactPhone) return true;
    return (await client.findCounterpartiesByPhone(c.contactPhone, { lane: 'log' })).length === 0;
  }

  /** UTM, campaign, search query … from UIS get.calls_report, fetched once per communication. */
  private async enriched(
    accountId: string,
    snap: Snapshot,
    c: Communication,
    rs: RuleSet,
    stored: Record<string, unknown> | undefined,
    w: EvaluationWrites,
  ): Promise<Communication> {
    let extra = stored as Attribution | undefined;
    if (!extra && c.channel === 'call' && rs.settings.enrichFromUis && snap.credentialIds.uis && /^\d+$/.test(c.ref)) {
      extra = {};
      try {
        const data = await this.clients.uisData(accountId, snap, { timeoutMs: 10_000 });
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
        this.deps.log.warn({ err, integrationId: w.ids.integrationId, ref: c.ref }, 'rules: UIS enrichment failed');
      }
      w.mark('enrichment', 'done', { ...extra });
    }
    // The report is UIS's final word; the notification's values stay where the report has none.
    return extra ? { ...c, attribution: { ...c.attribution, ...extra } } : c;
  }
}
