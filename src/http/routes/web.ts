// The cabinet SPA (web/dist, built by `npm run prepare`): files as they are, hashed assets cached
// for a year, and index.html for every other non-API GET so client-side routes survive a reload.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppContext } from '../../runtime/context.ts';

export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Paths that belong to the server, never to the SPA: an unknown one stays a JSON 404. */
const SERVER_PREFIXES = ['/api', '/hooks', '/metrics', '/healthz', '/readyz'];

const NOT_FOUND = { error: { code: 'not_found', message: 'not found' } };

// Vite's output is script/style files only (no inline code), so the page can forbid everything else.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Кабинет не собран</title></head>
<body style="font-family:system-ui,sans-serif;max-width:560px;margin:80px auto;padding:0 20px;color:#171a26">
<h1 style="font-size:22px">Веб-интерфейс кабинета не собран</h1>
<p>Выполните <code>npm run prepare</code> в каталоге программы и обновите страницу.</p>
<p style="color:#6b7288">API работает: <a href="/api/openapi.json">/api/openapi.json</a></p>
</body></html>`;

function isServerPath(path: string): boolean {
  return SERVER_PREFIXES.some((p) => path === p || path.startsWith(p + '/') || path.startsWith(p + '?'));
}

/** A real file inside dist for this URL path, or null (never a directory, never outside dist). */
function fileFor(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rel = normalize(decoded).replace(/^[/\\]+/, '');
  if (!rel || rel.startsWith('..')) return null;
  const abs = join(root, rel);
  if (!abs.startsWith(root + sep)) return null;
  try {
    return statSync(abs).isFile() ? rel : null;
  } catch {
    return null;
  }
}

export function webRoutes(app: FastifyInstance, _ctx: AppContext, root: string = WEB_DIST): void {
  app.register(async (scope) => {
    await scope.register(fastifyStatic, { root, serve: false });

    const sendIndex = (reply: FastifyReply) => {
      if (!existsSync(join(root, 'index.html'))) {
        return reply.status(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
      }
      // Always revalidated, so a new build's asset names reach browsers at once.
      return reply
        .header('cache-control', 'no-cache')
        .header('content-security-policy', CSP)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'same-origin')
        .sendFile('index.html', { cacheControl: false });
    };

    scope.get('/', { schema: { hide: true } }, async (_req, reply) => sendIndex(reply));
    scope.get('/*', { schema: { hide: true } }, async (req, reply) => {
      const q = req.url.indexOf('?');
      const path = q === -1 ? req.url : req.url.slice(0, q);
      if (isServerPath(path)) return reply.status(404).send(NOT_FOUND);
      const file = fileFor(root, path);
      if (file === 'index.html') return sendIndex(reply);
      if (file) {
        // Vite puts a content hash in every name under assets/, so those never change.
        const immutable = file.startsWith('assets/');
        reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
        reply.header('x-content-type-options', 'nosniff');
        return reply.sendFile(file, { cacheControl: false });
      }
      // A missing asset is a 404, not the SPA page (a stale tab asking for an old bundle).
      if (path.startsWith('/assets/') || /\.[a-z0-9]{1,8}$/i.test(path)) return reply.status(404).send(NOT_FOUND);
      return sendIndex(reply);
    });
  });
}
