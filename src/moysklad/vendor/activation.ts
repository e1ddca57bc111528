// Bodies MoySklad sends to our Vendor API endpoints:
//   PUT    …/api/moysklad/vendor/1.0/apps/{appId}/{accountId}   activation (Install/Resume/TariffChanged/Autoprolongation)
//   DELETE …/api/moysklad/vendor/1.0/apps/{appId}/{accountId}   deactivation (Uninstall/Suspend)
import { z } from 'zod';

const accessSchema = z.looseObject({
  resource: z.string(),
  scope: z.array(z.string()).optional(),
  permissions: z.unknown().optional(),
  access_token: z.string().optional(),
});

const subscriptionSchema = z.looseObject({
  tariffId: z.string().optional(),
  tariffName: z.string().optional(),
  trial: z.boolean().optional(),
  expiryMoment: z.string().optional(),
  notForResale: z.boolean().optional(),
  partner: z.boolean().optional(),
});

export const activationBodySchema = z.looseObject({
  appUid: z.string(),
  accountName: z.string(),
  cause: z.enum(['Install', 'Resume', 'TariffChanged', 'Autoprolongation']).or(z.string()),
  access: z.array(accessSchema).optional(),
  subscription: subscriptionSchema.optional(),
  additional: z.unknown().optional(),
});
export type ActivationBody = z.infer<typeof activationBodySchema>;

export const deactivationBodySchema = z.looseObject({
  appUid: z.string().optional(),
  accountName: z.string().optional(),
  cause: z.enum(['Uninstall', 'Suspend']).or(z.string()).optional(),
});
export type DeactivationBody = z.infer<typeof deactivationBodySchema>;

export interface Activation {
  appId: string;
  accountId: string;
  appUid: string;
  accountName: string;
  cause: string;
  /** JSON API 1.2 solution token; absent for TariffChanged / Autoprolongation. */
  accessToken: string | undefined;
  scope: string[] | undefined;
  subscription: z.infer<typeof subscriptionSchema> | undefined;
}

export type VendorParse<T> = { ok: true; value: T } | { ok: false; reason: string };

function asObject(body: unknown): unknown {
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body === 'string') {
    if (body.trim() === '') return {};
    try {
      return JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  return body ?? {};
}

function reason(err: z.ZodError): string {
  const i = err.issues[0];
  return i ? `${i.path.join('.') || '(root)'}: ${i.message}` : 'invalid';
}

const JSON_API_RESOURCE = 'https://api.moysklad.ru/api/remap/1.2';

export function parseActivation(params: { appId: string; accountId: string }, body: unknown): VendorParse<Activation> {
  if (!params.appId || !params.accountId) return { ok: false, reason: 'appId and accountId path parameters are required' };
  const r = activationBodySchema.safeParse(asObject(body));
  if (!r.success) return { ok: false, reason: reason(r.error) };
  const access = r.data.access?.find((a) => a.resource.replace(/\/+$/, '') === JSON_API_RESOURCE) ?? r.data.access?.[0];
  return {
    ok: true,
    value: {
      appId: params.appId,
      accountId: params.accountId,
      appUid: r.data.appUid,
      accountName: r.data.accountName,
      cause: r.data.cause,
      accessToken: access?.access_token,
      scope: access?.scope,
      subscription: r.data.subscription,
    },
  };
}

export function parseDeactivation(
  params: { appId: string; accountId: string },
  body: unknown,
): VendorParse<{ appId: string; accountId: string; cause: string | undefined; accountName: string | undefined }> {
  if (!params.appId || !params.accountId) return { ok: false, reason: 'appId and accountId path parameters are required' };
  const r = deactivationBodySchema.safeParse(asObject(body));
  if (!r.success) return { ok: false, reason: reason(r.error) };
  return { ok: true, value: { appId: params.appId, accountId: params.accountId, cause: r.data.cause, accountName: r.data.accountName } };
}

/** The body we answer an activation with (within 10 s, Content-Type application/json). */
export function activationReply(status: 'Activating' | 'SettingsRequired' | 'Activated'): { status: string } {
  return { status };
}
