import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';

const gzipAsync = promisify(gzip);

/** Prefixes where MoySklad demands Accept-Encoding: gzip and answers compressed. */
// The Phone API plugin handles its own gzip rules; this covers the JSON API.
export const GZIP_PREFIXES = ['/api/remap/'];

export function acceptsGzip(header: string | string[] | undefined): boolean {
  const v = Array.isArray(header) ? header.join(',') : header ?? '';
  return v.split(',').some((part) => {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip') return false;
    return !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });
}

/**
 * Without "Accept-Encoding: gzip" MoySklad answers 415 with an empty body; otherwise every body is
 * gzip-compressed. Runs first, before auth, faults and limits.
 */
export function installGzip(app: FastifyInstance, prefixes: string[] = GZIP_PREFIXES): void {
  app.addHook('onRequest', async (req, reply) => {
    if (!prefixes.some((p) => req.url.startsWith(p))) return;
    if (acceptsGzip(req.headers['accept-encoding'])) return;
    reply.code(415).header('content-type', 'application/json;charset=utf-8').send('');
    return reply;
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (!prefixes.some((p) => req.url.startsWith(p))) return payload;
    if (reply.statusCode === 415 || reply.getHeader('content-encoding')) return payload;
    if (payload === null || payload === undefined) return payload;
    let buf: Buffer;
    if (typeof payload === 'string') buf = Buffer.from(payload);
    else if (Buffer.isBuffer(payload)) buf = payload;
    else return payload; // streams are left alone
    if (buf.length === 0) return payload;
    const zipped = await gzipAsync(buf, { level: 1 });
    reply.header('content-encoding', 'gzip');
    reply.header('vary', 'Accept-Encoding');
    reply.removeHeader('content-length');
    return zipped;
  });
}
