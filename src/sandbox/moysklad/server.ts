import Fastify, { type FastifyInstance } from 'fastify';
import { SandboxControl } from './control.ts';
import { jsonApiRoutes } from './json/routes.ts';
import { adminRoutes } from './admin/routes.ts';
import { installGzip } from './traffic/gzip.ts';
import { createPhoneDirectory, createVendorDirectory } from './directory.ts';
import { createPhoneSandbox, type PhoneSandbox } from './phone/index.ts';
import { createVendorSandbox, type VendorApp, type VendorSandbox } from './vendor/index.ts';
import type { AccountOptions } from './options.ts';

export interface BuiltSandbox {
  app: FastifyInstance;
  control: SandboxControl;
  phone: PhoneSandbox;
  vendor: VendorSandbox;
}

/**
 * Composition: gzip rule and traffic control (latency, faults, counters) on the root so every
 * API inherits them; then JSON API 1.2, Phone API 1.0, Vendor API and the /__sandbox admin.
 */
export async function buildSandbox(opts: { accounts: AccountOptions[]; vendorApps?: VendorApp[]; logger?: boolean }): Promise<BuiltSandbox> {
  const control = new SandboxControl(opts.accounts);
  const { state } = control;
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 20 * 1024 * 1024, forceCloseConnections: true });
  installGzip(app);
  state.traffic.install(app);

  await app.register(jsonApiRoutes, { prefix: '/api/remap/1.2', state });

  const jsonBase = (): string => `${state.origin}/api/remap/1.2`;
  // Phone API 1.0 (owned by the phone emulator; we only provide the directory over our store)
  const phone = createPhoneSandbox({ directory: createPhoneDirectory(state.registry, jsonBase) });
  await app.register(phone.plugin, { prefix: '/api/phone/1.0' });
  // Vendor API (server solutions): tokens it issues at install are accepted by our JSON API
  const vendor = createVendorSandbox({ directory: createVendorDirectory(state.registry, jsonBase), apps: opts.vendorApps ?? [] });
  await app.register(vendor.plugin);

  await app.register(adminRoutes, { prefix: '/__sandbox', control, phoneSection: (accountId) => phone.renderPhoneInspectorHtml(accountId) });
  app.addHook('onClose', async () => {
    state.traffic.cancelSleeps();
    await state.webhooks.close();
  });
  return { app, control, phone, vendor };
}
