// The API clients an evaluation acts with, built from the snapshot's credential ids and stamps and
// the process's credential cache (no credential read per evaluation). Same clients, gate principal
// and weight as src/telephony/connection-check builds for the integration's other services.
import type { CredentialsRepository } from '../accounts/index.ts';
import type { Config } from '../config.ts';
import { jsonApiClientForCredential, type JsonApiClient, type RequestGate } from '../moysklad/index.ts';
import { MissingCredentialError } from '../telephony/connection-check/index.ts';
import { createUisDataApiClient, type UisDataApiClient } from '../uis/index.ts';
import { CredentialCache } from './credential-cache.ts';
import type { CredentialRole, Snapshot } from './store.ts';

const MISSING: Record<CredentialRole, string> = {
  moysklad: 'Не выбраны учётные данные JSON API МойСклад',
  uis: 'Не выбран ключ API UIS',
};

export class RulesClients {
  private readonly cache: CredentialCache;

  constructor(private readonly deps: { credentials: Pick<CredentialsRepository, 'reveal'>; config: Pick<Config, 'apis' | 'publicUrl'>; gate: RequestGate }) {
    this.cache = new CredentialCache(deps.credentials);
  }

  /** undefined: the integration has no JSON API credential (it is optional); throws when the chosen one is gone. */
  async jsonApi(accountId: string, s: Pick<Snapshot, 'credentialIds' | 'credentialStamps'>): Promise<JsonApiClient | undefined> {
    const cred = await this.credential(accountId, s, 'moysklad');
    if (!cred) return undefined;
    return jsonApiClientForCredential(cred, { accountId, baseUrl: this.deps.config.apis.moyskladJson, gate: this.deps.gate, publicUrl: this.deps.config.publicUrl });
  }

  async uisData(accountId: string, s: Pick<Snapshot, 'credentialIds' | 'credentialStamps'>, opts: { timeoutMs?: number } = {}): Promise<UisDataApiClient> {
    const cred = await this.credential(accountId, s, 'uis');
    if (!cred) throw new MissingCredentialError('uis', MISSING.uis);
    return createUisDataApiClient({ accessToken: cred.secret, baseUrl: this.deps.config.apis.uisData, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
  }

  private async credential(accountId: string, s: Pick<Snapshot, 'credentialIds' | 'credentialStamps'>, role: CredentialRole) {
    const id = s.credentialIds[role];
    if (!id) return undefined;
    const cred = await this.cache.get(accountId, id, s.credentialStamps[role]);
    if (!cred) throw new MissingCredentialError(role, `${MISSING[role]}: выбранные учётные данные удалены`);
    return cred;
  }
}
