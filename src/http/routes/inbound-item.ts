// An inbound HTTP callback as an inbox item: raw body, selected headers, path with the secret scrubbed.
import type { FastifyRequest } from 'fastify';
import { keptHeaders, type NewInboxItem } from '../../inbox/index.ts';
import type { IntegrationRow } from '../../integrations/index.ts';
import { scrubUrl } from '../../runtime/logger.ts';

export function inboundItem(req: FastifyRequest, integration: Pick<IntegrationRow, 'id' | 'accountId'>, source: string, event: string): NewInboxItem {
  const q = req.url.indexOf('?');
  return {
    accountId: integration.accountId,
    integrationId: integration.id,
    source,
    event,
    method: req.method,
    path: scrubUrl(q === -1 ? req.url : req.url.slice(0, q)),
    query: q === -1 ? null : req.url.slice(q + 1),
    headers: keptHeaders(req.headers),
    contentType: req.headers['content-type'] ?? null,
    body: typeof req.body === 'string' ? req.body : '',
  };
}
