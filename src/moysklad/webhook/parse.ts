// Parser for MoySklad JSON API webhook deliveries:
//   POST <our url>?requestId=<uuid>
//   {"auditContext":{meta,moment,uid},"events":[{meta,action,accountId,updatedFields?}]}
// The payload carries no entity data; the domain fetches the entities afterwards. `requestId` is
// stable across MoySklad's retries, so it is the dedup key.
import { z } from 'zod';

const metaSchema = z.looseObject({ href: z.string().min(1), type: z.string().min(1) });

const eventSchema = z.looseObject({
  meta: metaSchema,
  action: z.string().min(1),
  accountId: z.string().optional(),
  updatedFields: z.array(z.string()).optional(),
});

const bodySchema = z.looseObject({
  auditContext: z
    .looseObject({
      meta: z.looseObject({ href: z.string().optional(), type: z.string().optional() }).optional(),
      moment: z.string().optional(),
      uid: z.string().optional(),
    })
    .optional(),
  events: z.array(eventSchema).min(1),
});

export interface WebhookEvent {
  entityType: string;
  entityId: string;
  href: string;
  action: 'CREATE' | 'UPDATE' | 'DELETE' | 'PROCESSED' | (string & {});
  accountId: string | undefined;
  /** Present only for UPDATE webhooks created with diffType=FIELDS. */
  updatedFields: string[] | undefined;
}

export interface WebhookDelivery {
  requestId: string;
  audit: { href: string | undefined; moment: string | undefined; uid: string | undefined };
  events: WebhookEvent[];
}

export type WebhookParseResult = { ok: true; value: WebhookDelivery } | { ok: false; reason: string };

function requestIdFrom(query: string | URLSearchParams | Record<string, unknown> | undefined): string | undefined {
  if (query === undefined) return undefined;
  if (typeof query === 'string') {
    const q = query.includes('?') ? query.slice(query.indexOf('?') + 1) : query;
    return new URLSearchParams(q).get('requestId') ?? undefined;
  }
  if (query instanceof URLSearchParams) return query.get('requestId') ?? undefined;
  const v = query.requestId;
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
}

/**
 * @param input.query the request URL, its query string, or a parsed query object
 * @param input.body parsed JSON, a raw string or a Buffer
 */
export function parseWebhookDelivery(input: {
  query: string | URLSearchParams | Record<string, unknown> | undefined;
  body: unknown;
}): WebhookParseResult {
  const requestId = requestIdFrom(input.query);
  if (!requestId) return { ok: false, reason: 'missing requestId query parameter' };
  let body = input.body;
  if (Buffer.isBuffer(body)) body = body.toString('utf8');
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return { ok: false, reason: 'body is not JSON' };
    }
  }
  const r = bodySchema.safeParse(body);
  if (!r.success) {
    const first = r.error.issues[0];
    return { ok: false, reason: `unexpected body: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'}` };
  }
  const events: WebhookEvent[] = [];
  for (const e of r.data.events) {
    const path = e.meta.href.split('?')[0] ?? '';
    const entityId = path.slice(path.lastIndexOf('/') + 1);
    if (!entityId) return { ok: false, reason: `event href has no id: ${e.meta.href}` };
    events.push({
      entityType: e.meta.type,
      entityId,
      href: e.meta.href,
      action: e.action,
      accountId: e.accountId,
      updatedFields: e.updatedFields,
    });
  }
  const ac = r.data.auditContext;
  return {
    ok: true,
    value: { requestId, audit: { href: ac?.meta?.href, moment: ac?.moment, uid: ac?.uid }, events },
  };
}
