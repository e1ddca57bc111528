// Validation and views on top of the repository: credential references must point at the
// account's own credentials of a fitting kind; settings are checked by the kind's schema.
import type { CredentialsRepository } from '../accounts/index.ts';
import type { IntegrationKind } from '../db/schema/integrations.ts';
import { hookUrlsFor, type HookUrls } from './hook-urls.ts';
import type { IntegrationRow, IntegrationsRepository } from './integrations-repository.ts';
import { KIND_DEFINITIONS, parseSettings } from './kinds.ts';

export type IntegrationView = {
  id: string;
  kind: IntegrationKind;
  title: string;
  name: string;
  active: boolean;
  credentialIds: Record<string, string>;
  settings: Record<string, unknown>;
  status: string;
  statusReason: string | null;
  hookUrls: HookUrls;
  createdAt: string;
  updatedAt: string;
};

export class IntegrationValidationError extends Error {}

export type IntegrationInput = {
  name?: string | undefined;
  active?: boolean | undefined;
  credentialIds?: Record<string, string> | undefined;
  settings?: Record<string, unknown> | undefined;
};

/**
 * Called after an integration is saved active: on create, on switching it on, or when its
 * credentials change while active. Modules (deals, telephony …) register what "active" starts.
 */
export type ActivationListener = (integration: IntegrationRow) => Promise<void>;

export class IntegrationsService {
  private readonly activationListeners: ActivationListener[] = [];

  constructor(
    private readonly repo: IntegrationsRepository,
    private readonly credentials: CredentialsRepository,
    private readonly publicUrl: string,
  ) {}

  onActivated(listener: ActivationListener): void {
    this.activationListeners.push(listener);
  }

  private async activated(row: IntegrationRow): Promise<void> {
    for (const listener of this.activationListeners) await listener(row);
  }

  view(row: IntegrationRow): IntegrationView {
    return {
      id: row.id,
      kind: row.kind,
      title: KIND_DEFINITIONS[row.kind].title,
      name: row.name,
      active: row.active,
      credentialIds: row.credentialIds,
      settings: row.settings,
      status: row.status,
      statusReason: row.statusReason,
      hookUrls: hookUrlsFor(this.publicUrl, row.kind, row.hookSecret),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  async list(accountId: string): Promise<IntegrationView[]> {
    return (await this.repo.list(accountId)).map((r) => this.view(r));
  }

  async get(accountId: string, id: string): Promise<IntegrationView | undefined> {
    const row = await this.repo.get(accountId, id);
    return row && this.view(row);
  }

  async create(accountId: string, kind: IntegrationKind, input: IntegrationInput): Promise<IntegrationView> {
    const settings = this.checkSettings(kind, input.settings ?? {});
    const active = input.active ?? false;
    const credentialIds = await this.checkCredentials(accountId, kind, input.credentialIds ?? {}, active);
    const row = await this.repo.create(accountId, {
      kind,
      name: input.name?.trim() || KIND_DEFINITIONS[kind].title,
      active,
      credentialIds,
      settings,
    });
    if (row.active) await this.activated(row);
    return this.view(row);
  }

  async update(accountId: string, id: string, input: IntegrationInput): Promise<IntegrationView | undefined> {
    const current = await this.repo.get(accountId, id);
    if (!current) return undefined;
    const settings = input.settings === undefined ? undefined : this.checkSettings(current.kind, { ...current.settings, ...input.settings });
    const active = input.active ?? current.active;
    const credentialIds = await this.checkCredentials(accountId, current.kind, input.credentialIds ?? current.credentialIds, active);
    const credentialsChanged = JSON.stringify(credentialIds) !== JSON.stringify(current.credentialIds);
    const row = await this.repo.update(accountId, id, {
      ...(input.name !== undefined && { name: input.name.trim() || current.name }),
      active,
      credentialIds,
      ...(settings && { settings }),
      // New credentials deserve a fresh verdict; workers set "credentials_rejected" again if needed.
      ...(credentialsChanged && { status: 'ok', statusReason: null }),
    });
    if (row?.active && (!current.active || credentialsChanged)) await this.activated(row);
    return row && this.view(row);
  }

  async rotateSecret(accountId: string, id: string): Promise<IntegrationView | undefined> {
    const row = await this.repo.rotateSecret(accountId, id);
    // Webhooks registered at the old URL must move to the new one.
    if (row?.active) await this.activated(row);
    return row && this.view(row);
  }

  private checkSettings(kind: IntegrationKind, settings: Record<string, unknown>) {
    const r = parseSettings(kind, settings);
    if (!r.ok) throw new IntegrationValidationError(r.reason);
    return r.value;
  }

  private async checkCredentials(accountId: string, kind: IntegrationKind, ids: Record<string, string>, active: boolean) {
    const roles = KIND_DEFINITIONS[kind].roles as Record<string, { kinds: readonly string[]; required: boolean; label: string }>;
    for (const role of Object.keys(ids)) {
      if (!roles[role]) throw new IntegrationValidationError(`credentialIds.${role}: unknown role for ${kind} (known: ${Object.keys(roles).join(', ')})`);
    }
    for (const [role, def] of Object.entries(roles)) {
      const id = ids[role];
      if (!id) {
        if (def.required && active) throw new IntegrationValidationError(`credentialIds.${role}: required to activate (${def.label})`);
        continue;
      }
      const cred = await this.credentials.get(accountId, id).catch(() => undefined);
      if (!cred) throw new IntegrationValidationError(`credentialIds.${role}: no such credential in this account`);
      if (!def.kinds.includes(cred.kind)) {
        throw new IntegrationValidationError(`credentialIds.${role}: credential kind ${cred.kind} does not fit (expected ${def.kinds.join(' or ')})`);
      }
    }
    return ids;
  }
}
