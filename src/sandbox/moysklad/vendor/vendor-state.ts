// Installations of server solutions per account, context keys for widgets, seen vendor JWT ids.
import { randomBytes } from 'node:crypto';
import { DEFAULT_RETRY, appUrl, deliver, type DeliveryAttempt, type RetryPolicy } from './delivery.ts';
import type { AppStatus, VendorApp, VendorDirectory } from './port.ts';

export type InstallCause = 'Install' | 'Resume' | 'TariffChanged' | 'Autoprolongation';

export interface Subscription {
  tariffId: string;
  trial: boolean;
  tariffName?: string;
  expiryMoment?: string;
  notForResale: boolean;
  partner: boolean;
}

export interface Installation {
  appId: string;
  accountId: string;
  status: AppStatus;
  cause: string;
  subscription: Subscription;
  /** JSON API token given to the solution; undefined once revoked. */
  accessToken?: string;
  /** Why the last transition failed, in words. */
  failure?: string;
}

export interface ContextKeyInfo {
  key: string;
  appId: string;
  accountId: string;
  employeeId: string;
  expiresAt: number;
}

export interface WidgetMessage {
  at: number;
  accountId: string;
  appId: string;
  extensionPoint: string;
  direction: 'host->widget' | 'widget->host';
  message: unknown;
}

export interface UninstallResult {
  ok: boolean;
  status: 'Uninstalled' | 'Suspended' | 'DeactivationFailed';
  httpStatus?: number;
  failure?: string;
}

export const CONTEXT_KEY_TTL_MS = 5 * 60_000;
const ACTIVE_STATUSES: AppStatus[] = ['Activating', 'SettingsRequired', 'Activated'];
const DEFAULT_SUBSCRIPTION: Subscription = { tariffId: 'sandbox-tariff', trial: false, notForResale: false, partner: false };

export class VendorState {
  readonly apps = new Map<string, VendorApp>();
  readonly installs = new Map<string, Installation>(); // `${appId}|${accountId}`
  readonly contextKeys = new Map<string, ContextKeyInfo>();
  readonly usedJti = new Map<string, number>(); // jti → expiry ms
  readonly deliveries: DeliveryAttempt[] = [];
  readonly widgetMessages: WidgetMessage[] = [];

  constructor(
    readonly directory: VendorDirectory,
    readonly retry: RetryPolicy = DEFAULT_RETRY,
    readonly now: () => number = Date.now,
  ) {}

  app(appId: string): VendorApp {
    const app = this.apps.get(appId);
    if (!app) throw new Error(`unknown appId ${appId}`);
    return app;
  }

  install(appId: string, accountId: string): Installation | undefined {
    return this.installs.get(`${appId}|${accountId}`);
  }

  async installApp(accountId: string, appId: string, opts: { cause?: InstallCause; subscription?: Partial<Subscription> } = {}): Promise<Installation> {
    const app = this.app(appId);
    const accountName = this.directory.accountName(accountId);
    if (accountName === undefined) throw new Error(`unknown account ${accountId}`);
    const cause = opts.cause ?? 'Install';
    const prev = this.install(appId, accountId);
    const subscription = { ...DEFAULT_SUBSCRIPTION, ...prev?.subscription, ...opts.subscription };
    const withAccess = cause === 'Install' || cause === 'Resume';
    // The token already works when the PUT arrives.
    const accessToken = withAccess ? this.directory.issueSolutionToken(accountId, appId) : prev?.accessToken;
    const inst: Installation = { appId, accountId, status: 'Activating', cause, subscription, ...(accessToken ? { accessToken } : {}) };
    this.installs.set(`${appId}|${accountId}`, inst);
    const body: Record<string, unknown> = { appUid: app.appUid, accountName, cause };
    if (withAccess) {
      body.access = [{ resource: 'https://api.moysklad.ru/api/remap/1.2', scope: [app.scope ?? 'admin'], access_token: accessToken }];
    }
    body.subscription = subscription;
    const res = await deliver(app, 'PUT', appUrl(app, accountId), body, this.retry, this.deliveries);
    const status = res.status !== undefined && res.status >= 200 && res.status < 300 ? parseStatus(res.responseBody) : undefined;
    if (status) {
      inst.status = status;
      delete inst.failure;
    } else {
      inst.status = 'ActivationFailed';
      inst.failure = res.error ?? (res.status !== undefined && res.status >= 300 ? `HTTP ${res.status}` : 'ответ без корректного {"status"}');
      this.directory.revokeSolutionToken(accountId, appId);
      delete inst.accessToken;
    }
    return { ...inst };
  }

  async uninstallApp(accountId: string, appId: string, cause: 'Uninstall' | 'Suspend' = 'Uninstall'): Promise<UninstallResult> {
    const app = this.app(appId);
    const inst = this.install(appId, accountId);
    if (!inst) throw new Error(`app ${appId} is not installed on ${accountId}`);
    // The token is already revoked when the DELETE arrives.
    this.directory.revokeSolutionToken(accountId, appId);
    delete inst.accessToken;
    inst.status = 'Deactivating';
    const body = { appUid: app.appUid, accountName: this.directory.accountName(accountId) ?? accountId, cause };
    const res = await deliver(app, 'DELETE', appUrl(app, accountId), body, this.retry, this.deliveries);
    if (res.status !== undefined && res.status >= 200 && res.status < 300) {
      if (cause === 'Suspend') inst.status = 'Suspended';
      else this.installs.delete(`${appId}|${accountId}`);
      return { ok: true, status: cause === 'Suspend' ? 'Suspended' : 'Uninstalled', httpStatus: res.status };
    }
    inst.status = 'DeactivationFailed';
    inst.failure = res.error ?? `HTTP ${res.status}`;
    return { ok: false, status: 'DeactivationFailed', failure: inst.failure, ...(res.status !== undefined ? { httpStatus: res.status } : {}) };
  }

  createContextKey(accountId: string, appId: string, employeeId: string): string {
    this.app(appId);
    const key = randomBytes(20).toString('hex');
    this.contextKeys.set(key, { key, appId, accountId, employeeId, expiresAt: this.now() + CONTEXT_KEY_TTL_MS });
    return key;
  }

  isActive(appId: string, accountId: string): boolean {
    const s = this.install(appId, accountId)?.status;
    return s !== undefined && ACTIVE_STATUSES.includes(s);
  }
}

function parseStatus(body: string | undefined): AppStatus | undefined {
  try {
    const s = (JSON.parse(body ?? '') as { status?: unknown }).status;
    return s === 'Activating' || s === 'SettingsRequired' || s === 'Activated' ? s : undefined;
  } catch {
    return undefined;
  }
}
