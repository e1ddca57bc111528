// HTTP details shared by the MoySklad emulators: gzip (the APIs demand it), pretty-print, raw bodies.
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const acceptsGzip = (req: FastifyRequest): boolean => /\bgzip\b/i.test(String(req.headers['accept-encoding'] ?? ''));

/** Keep bodies as raw strings: MoySklad-shaped errors for bad JSON are produced by the handlers. */
export function rawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
}

/** onSend hook: gzip every non-empty body when the client accepts it. */
export function gzipOnSend(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (!acceptsGzip(req) || reply.getHeader('content-encoding')) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    if (payload.length === 0) return payload;
    reply.header('content-encoding', 'gzip');
    reply.removeHeader('content-length');
    return gzipSync(payload);
  });
}

export function sendJson(req: FastifyRequest, reply: FastifyReply, status: number, body: unknown): FastifyReply {
  const pretty = String(req.headers['lognex-pretty-print-json'] ?? '').toLowerCase() === 'true';
  return reply
    .code(status)
    .type('application/json;charset=utf-8')
    .send(JSON.stringify(body, null, pretty ? 2 : undefined));
}
