// MoySklad sandbox: JSON API 1.2 emulator (+ Phone API 1.0 and Vendor API emulators) for tests,
// benchmarks and the demo. Other modules import only this file.
import { buildSandbox } from './server.ts';
import type { SandboxControl } from './control.ts';
import type { PhoneSandbox } from './phone/index.ts';
import type { VendorApp, VendorSandbox } from './vendor/index.ts';
import type { AccountOptions, SeedOptions } from './options.ts';

export type { AccountOptions, SeedOptions, Weights } from './options.ts';
export { DEFAULT_ACCOUNT_NAME, DEFAULT_WEIGHTS, defaultCredentials } from './options.ts';
export type { SandboxControl, AccountInfo, RotateRequest } from './control.ts';
export type { Fault, FaultRule, LatencyRule, CounterEntry } from './traffic/control.ts';
export type { DeliveryRecord, DeliveryAttempt } from './webhooks/dispatcher.ts';
export type { SeedSummary } from './seed/generate.ts';
export { formatMsk, parseMsk } from './util/time.ts';
export { runMoyskladSandboxCli } from './cli.ts';

export interface MoyskladSandboxOptions {
  port?: number;
  host?: string;
  /** seed of the default account (ignored when `accounts` is given: each account has its own) */
  seed?: SeedOptions;
  /** tenants; default: one account "sandbox" with the documented local credentials */
  accounts?: AccountOptions[];
  /** latency added to every API request (ms, or { ms, jitterMs }) */
  latencyMs?: number | { ms: number; jitterMs?: number };
  /** server solutions known to the Vendor API emulator */
  vendorApps?: VendorApp[];
  /** public origin used in hrefs when the sandbox sits behind another host name */
  publicUrl?: string;
  logger?: boolean;
}

export interface MoyskladSandbox {
  /** origin used in hrefs, e.g. http://127.0.0.1:41234 (or `publicUrl`) */
  url: string;
  /** where the server actually listens (differs from `url` only with `publicUrl`) */
  listenUrl: string;
  /** JSON API 1.2 base: <url>/api/remap/1.2 */
  baseJsonUrl: string;
  /** Phone API 1.0 base: <url>/api/phone/1.0 */
  basePhoneUrl: string;
  /** HTML inspector: <url>/__sandbox/ */
  inspectorUrl: string;
  control: SandboxControl;
  phone: PhoneSandbox;
  vendor: VendorSandbox;
  /** control.reset() plus the phone emulator's calls and cards */
  reset(): void;
  close(): Promise<void>;
}

export async function startMoyskladSandbox(opts: MoyskladSandboxOptions = {}): Promise<MoyskladSandbox> {
  const accounts = opts.accounts ?? [{ name: 'sandbox', ...(opts.seed ? { seed: opts.seed } : {}) }];
  const built = await buildSandbox({
    accounts,
    ...(opts.vendorApps ? { vendorApps: opts.vendorApps } : {}),
    ...(opts.logger !== undefined ? { logger: opts.logger } : {}),
  });
  const { app, control, phone, vendor } = built;
  if (opts.latencyMs !== undefined) {
    const l = typeof opts.latencyMs === 'number' ? { ms: opts.latencyMs } : opts.latencyMs;
    control.latency.setDefault(l.ms, l.jitterMs ?? 0);
  }
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port ?? 0;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const listenUrl = `http://${shownHost}:${port}`;
  const url = (opts.publicUrl ?? listenUrl).replace(/\/+$/, '');
  control.state.origin = url;
  return {
    url,
    listenUrl,
    baseJsonUrl: `${url}/api/remap/1.2`,
    basePhoneUrl: `${url}/api/phone/1.0`,
    inspectorUrl: `${url}/__sandbox/`,
    control,
    phone,
    vendor,
    reset: () => {
      control.reset();
      phone.reset();
    },
    close: () => app.close(),
  };
}
