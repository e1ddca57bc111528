// What the reconciler needs of an integration: is it ready to push, its settings, and a Phone API
// client with the current key. Cached for a moment: a burst of events for one integration should
// not re-read and re-decrypt the key for every request.
import type { CredentialsRepository } from '../../accounts/index.ts';
import { RefreshingCache, type IntegrationsRepository, type IntegrationRow } from '../../integrations/index.ts';
import { PhoneApiClient, type FetchLike, type RequestGate } from '../../moysklad/index.ts';
import type { CallSettings } from './desired.ts';

export const CREDENTIALS_REJECTED = 'credentials_rejected';

/**
 * Changes made in this process (integration or credential saved, activation, a rejected key and its
 * fix) are forgotten at once; changes made by another process (several workers on PostgreSQL)
 * apply within this plus one reload (see RefreshingCache: a card never waits for it; it used to be
 * one card per integration every 10 s, behind two queries).
 */
const CACHE_MS = 10_000;

export type IntegrationAccess =
  | { ready: false; why: 'missing' | 'inactive' | 'rejected' | 'no-key'; row?: IntegrationRow; credentialVersion?: number }
  | { ready: true; row: IntegrationRow; settings: CallSettings; client: PhoneApiClient; credentialId: string; credentialVersion: number };

export interface AccessDeps {
  integrations: IntegrationsRepository;
  credentials: CredentialsRepository;
  phoneApiUrl: string;
  gate: RequestGate;
  fetch?: FetchLike;
  timeoutMs?: number;
  cacheMs?: number;
}

export class IntegrationAccessCache {
  private readonly cache: RefreshingCache<string, IntegrationAccess>;
  constructor(private readonly deps: AccessDeps) {
    this.cache = new RefreshingCache(() => deps.cacheMs ?? CACHE_MS);
    deps.integrations.onChange((id) => this.forget(id));
    deps.credentials.onChange((credentialId) => this.cache.forgetWhere((a) => a.row?.credentialIds.phoneKey === credentialId));
  }

  get(accountId: string, integrationId: string): Promise<IntegrationAccess> {
    return this.cache.get(integrationId, () => this.load(accountId, integrationId));
  }

  forget(integrationId: string): void {
    this.cache.forget(integrationId);
  }

  private async load(accountId: string, integrationId: string): Promise<IntegrationAccess> {
    const row = await this.deps.integrations.get(accountId, integrationId);
    if (!row) return { ready: false, why: 'missing' };
    const credentialId = row.credentialIds.phoneKey;
    const cred = credentialId ? await this.deps.credentials.reveal(accountId, credentialId) : undefined;
    if (!row.active) return { ready: false, why: 'inactive', row };
    if (!credentialId || !cred) return { ready: false, why: 'no-key', row };
    if (row.status === CREDENTIALS_REJECTED) return { ready: false, why: 'rejected', row, credentialVersion: cred.version };
    const client = new PhoneApiClient({
      token: cred.secret,
      baseUrl: this.deps.phoneApiUrl,
      // Who the gate charges: the account's telephony key (its id, never the secret).
      principal: `${accountId}:phone:${credentialId}`,
      gate: this.deps.gate,
      timeoutMs: this.deps.timeoutMs ?? 10_000,
      ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}),
    });
    return {
      ready: true,
      row,
      settings: { showInternalCalls: row.settings.showInternalCalls === true },
      client,
      credentialId,
      credentialVersion: cred.version,
    };
  }
}
