// One Vendor API emulator instance: the plugin plus in-process controls (install, uninstall, widgets).
import type { FastifyPluginAsync } from 'fastify';
import type { Intercept } from '../phone/index.ts';
import { DEFAULT_RETRY, type DeliveryAttempt, type RetryPolicy } from './delivery.ts';
import { vendorPlugin } from './plugin.ts';
import type { VendorApp, VendorDirectory } from './port.ts';
import { VendorState, type InstallCause, type Installation, type Subscription, type UninstallResult, type WidgetMessage } from './vendor-state.ts';

export interface VendorSandboxOptions {
  directory: VendorDirectory;
  apps?: VendorApp[];
  retry?: Partial<RetryPolicy>;
  intercept?: Intercept;
  requireGzip?: boolean;
  now?: () => number;
}

export interface VendorSandbox {
  readonly state: VendorState;
  /** Register at the root (routes carry their full paths). */
  readonly plugin: FastifyPluginAsync;
  registerApp(app: VendorApp): void;
  /** Activation PUT with an HS256 JWT to `{endpointBase}/api/moysklad/vendor/1.0/apps/{appId}/{accountId}`. */
  installApp(accountId: string, appId: string, opts?: { cause?: InstallCause; subscription?: Partial<Subscription> }): Promise<Installation>;
  /** Deactivation DELETE to the same URL (token revoked first). */
  uninstallApp(accountId: string, appId: string, cause?: 'Uninstall' | 'Suspend'): Promise<UninstallResult>;
  installation(accountId: string, appId: string): Installation | undefined;
  createContextKey(accountId: string, appId: string, employeeId: string): string;
  /** Path (+query) of the widget host page for an employee opening an object. */
  widgetHostPath(p: { accountId: string; appId: string; employeeId: string; extensionPoint?: string; objectId?: string }): string;
  deliveries(): DeliveryAttempt[];
  widgetMessages(accountId?: string): WidgetMessage[];
}

export function createVendorSandbox(opts: VendorSandboxOptions): VendorSandbox {
  const state = new VendorState(opts.directory, { ...DEFAULT_RETRY, ...opts.retry }, opts.now ?? Date.now);
  for (const a of opts.apps ?? []) state.apps.set(a.appId, a);
  return {
    state,
    plugin: vendorPlugin({
      state,
      ...(opts.intercept ? { intercept: opts.intercept } : {}),
      ...(opts.requireGzip !== undefined ? { requireGzip: opts.requireGzip } : {}),
    }),
    registerApp: (a) => void state.apps.set(a.appId, a),
    installApp: (accountId, appId, o) => state.installApp(accountId, appId, o),
    uninstallApp: (accountId, appId, cause) => state.uninstallApp(accountId, appId, cause),
    installation: (accountId, appId) => {
      const i = state.install(appId, accountId);
      return i ? { ...i } : undefined;
    },
    createContextKey: (accountId, appId, employeeId) => state.createContextKey(accountId, appId, employeeId),
    widgetHostPath: (p) => {
      const q = new URLSearchParams({ accountId: p.accountId, appId: p.appId, employeeId: p.employeeId });
      if (p.extensionPoint) q.set('extensionPoint', p.extensionPoint);
      if (p.objectId) q.set('objectId', p.objectId);
      return `/sandbox/vendor/widget-host?${q}`;
    },
    deliveries: () => [...state.deliveries],
    widgetMessages: (accountId) => state.widgetMessages.filter((m) => accountId === undefined || m.accountId === accountId),
  };
}
