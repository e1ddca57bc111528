// Client for the Vendor API that MoySklad exposes to solutions (apps-api.moysklad.ru). Each
// request carries a fresh one-time JWT signed with the solution's secretKey.
import { z } from 'zod';
import { BadResponseError } from '../errors.ts';
import { Transport, type CommonClientOptions } from '../transport.ts';
import { vendorToken } from './jwt.ts';

export const DEFAULT_VENDOR_API_BASE_URL = 'https://apps-api.moysklad.ru/api/vendor/1.0';

export interface VendorApiClientOptions extends Omit<CommonClientOptions, 'principal'> {
  appUid: string;
  secretKey: string;
  baseUrl?: string;
  /** Defaults to "vendor:<appUid>". */
  principal?: string;
}

/** What `POST /context/{contextKey}` returns: the employee that opened our iframe/widget. */
export const contextEmployeeSchema = z.looseObject({
  id: z.string(),
  accountId: z.string(),
  uid: z.string().optional(),
  email: z.string().optional(),
  name: z.string().optional(),
  fullName: z.string().optional(),
  shortFio: z.string().optional(),
  permissions: z.unknown().optional(),
});
export type ContextEmployee = z.infer<typeof contextEmployeeSchema>;

export const appStatusSchema = z.looseObject({ status: z.string() });

export type AppStatus = 'Activating' | 'ActivationFailed' | 'SettingsRequired' | 'Activated' | 'Deactivating' | 'DeactivationFailed' | 'Suspended';

export class VendorApiClient {
  private readonly transport: Transport;

  constructor(opts: VendorApiClientOptions) {
    const { appUid, secretKey } = opts;
    this.transport = new Transport({
      ...opts,
      principal: opts.principal ?? `vendor:${appUid}`,
      api: 'vendor',
      baseUrl: opts.baseUrl ?? DEFAULT_VENDOR_API_BASE_URL,
      weight: 1,
      authHeaders: () => ({ Authorization: `Bearer ${vendorToken(appUid, secretKey)}` }),
      defaultRetryAfterMs: 3000,
    });
  }

  /** Exchanges an iframe/widget `contextKey` (valid 5 min) for the employee; 404 if unknown/expired. */
  async exchangeContextKey(contextKey: string, opts: { signal?: AbortSignal } = {}): Promise<ContextEmployee> {
    if (!/^[A-Za-z0-9._~-]+$/.test(contextKey)) throw new RangeError('contextKey has unexpected characters');
    const res = await this.transport.request({ method: 'POST', path: `/context/${contextKey}`, ...(opts.signal ? { signal: opts.signal } : {}) });
    const r = contextEmployeeSchema.safeParse(res.body);
    if (!r.success) throw new BadResponseError('POST /context/{contextKey}', z.prettifyError(r.error));
    return r.data;
  }

  async getAppStatus(appId: string, accountId: string): Promise<{ status: string } & Record<string, unknown>> {
    const res = await this.transport.request({ method: 'GET', path: `/apps/${encodeURIComponent(appId)}/${encodeURIComponent(accountId)}/status` });
    const r = appStatusSchema.safeParse(res.body);
    if (!r.success) throw new BadResponseError('GET /apps/{appId}/{accountId}/status', z.prettifyError(r.error));
    return r.data;
  }

  /** Reports that an asynchronous activation finished (`Activated`) or needs settings. */
  async setAppStatus(appId: string, accountId: string, status: 'Activated' | 'SettingsRequired'): Promise<void> {
    await this.transport.request({
      method: 'PUT',
      path: `/apps/${encodeURIComponent(appId)}/${encodeURIComponent(accountId)}/status`,
      body: { status },
    });
  }
}
