// How webRoutes serves a built SPA (and what it says when there is no build), on a bare Fastify
// with a throwaway dist directory — no database, no browser.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { webRoutes } from '../../src/http/routes/web.ts';
import type { AppContext } from '../../src/runtime/context.ts';

const ctx = {} as AppContext; // webRoutes reads nothing from the context

async function serve(root: string): Promise<FastifyInstance> {
  const app = Fastify();
  webRoutes(app, ctx, root);
  app.get('/api/v1/real', async () => ({ ok: true }));
  await app.ready();
  return app;
}

describe('webRoutes with a build', () => {
  let dir: string;
  let app: FastifyInstance;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'usm-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/assets/index-AbC123.js"></script>');
    writeFileSync(join(dir, 'assets', 'index-AbC123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'robots.txt'), 'User-agent: *');
    writeFileSync(join(tmpdir(), 'usm-outside.txt'), 'outside');
    app = await serve(dir);
  });

  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('/ and client-side routes get index.html, revalidated, with a CSP', async () => {
    for (const url of ['/', '/integrations', '/integrations/6f1c?new=1', '/raw/inbox']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.body, /<div id="root">/, url);
      assert.equal(res.headers['cache-control'], 'no-cache', url);
      assert.match(String(res.headers['content-security-policy']), /script-src 'self'/, url);
    }
  });

  test('hashed assets are cached for a year; other files briefly', async () => {
    const js = await app.inject({ url: '/assets/index-AbC123.js' });
    assert.equal(js.statusCode, 200);
    assert.equal(js.body, 'console.log(1)');
    assert.match(String(js.headers['cache-control']), /max-age=31536000, immutable/);
    const robots = await app.inject({ url: '/robots.txt' });
    assert.equal(robots.statusCode, 200);
    assert.equal(robots.headers['cache-control'], 'public, max-age=3600');
  });

  test('missing files, server paths and escapes are 404s, never the SPA page', async () => {
    for (const url of ['/assets/index-Old999.js', '/favicon.ico', '/api/v1/nope', '/api', '/hooks/uis/x/y', '/metrics/extra', '/%2e%2e/usm-outside.txt', '/assets/..%2f..%2fusm-outside.txt', '/..%2fusm-outside.txt']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 404, url);
      assert.doesNotMatch(res.body, /id="root"/, url);
    }
    // An extension-less escape is just another client route: the SPA page, never the file.
    const escape = await app.inject({ url: '/..%2f..%2fetc%2fpasswd' });
    assert.doesNotMatch(escape.body, /root:/);
    const api = await app.inject({ url: '/api/v1/nope' });
    assert.deepEqual(api.json(), { error: { code: 'not_found', message: 'not found' } });
    assert.deepEqual((await app.inject({ url: '/api/v1/real' })).json(), { ok: true });
  });
});

describe('webRoutes without a build', () => {
  test('/ says in Russian to run npm run prepare; the API still answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'usm-web-empty-'));
    const app = await serve(join(dir, 'dist'));
    try {
      for (const url of ['/', '/integrations']) {
        const res = await app.inject({ url });
        assert.equal(res.statusCode, 503, url);
        assert.match(String(res.headers['content-type']), /text\/html/);
        assert.match(res.body, /npm run prepare/);
        assert.match(res.body, /не собран/);
      }
      assert.equal((await app.inject({ url: '/api/v1/real' })).statusCode, 200);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
