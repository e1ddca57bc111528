// The MoySklad transport's HTTP exchange (node:http, keep-alive) against a real local server:
// what fetch would give the transport, for the cases it meets.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { nodeHttpFetch } from '../../src/net/index.ts';

describe('nodeHttpFetch', () => {
  let server: http.Server;
  let base = '';
  const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        const big = JSON.stringify({ rows: Array.from({ length: 5000 }, (_, i) => ({ id: i, name: `заказ ${i}` })) });
        switch (req.url) {
          case '/gzip':
            res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-ratelimit-remaining': '44' });
            return res.end(gzipSync(JSON.stringify({ ok: 'да' })));
          case '/big':
            res.writeHead(200, { 'content-encoding': 'gzip' });
            return res.end(gzipSync(big));
          case '/429':
            res.writeHead(429, { 'x-lognex-retry-after': '1500', 'set-cookie': ['a=1', 'b=2'] });
            return res.end('{"errors":[{"error":"limit","code":1049}]}');
          case '/redirect':
            res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
            return res.end();
          case '/empty':
            res.writeHead(204);
            return res.end();
          case '/slow':
            return setTimeout(() => res.end('{}'), 2000);
          case '/cut':
            res.writeHead(200, { 'content-length': '100' });
            res.write('{"partial":');
            return setTimeout(() => res.destroy(), 20);
          default:
            res.writeHead(404);
            return res.end('nope');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  test('sends method, headers and body; inflates gzip; keeps the other headers', async () => {
    const res = await nodeHttpFetch(`${base}/gzip`, { method: 'POST', headers: { 'Accept-Encoding': 'gzip', 'X-Test': 'тест'.length.toString() }, body: '{"a":"б"}', redirect: 'manual' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: 'да' });
    assert.equal(res.headers.get('x-ratelimit-remaining'), '44');
    assert.equal(res.headers.get('content-encoding'), null, 'the body handed on is decoded');
    const last = seen.at(-1)!;
    assert.equal(last.method, 'POST');
    assert.equal(last.body, '{"a":"б"}');
    assert.equal(last.headers['content-length'], String(Buffer.byteLength('{"a":"б"}')));
    assert.equal(last.headers['x-test'], '4');
    await nodeHttpFetch(`${base}/gzip`, { method: 'GET', headers: new Headers({ 'X-From-Headers': 'yes' }), redirect: 'manual' });
    assert.equal(seen.at(-1)!.headers['x-from-headers'], 'yes', 'a Headers object is sent too');
  });

  test('a large gzip body (inflated off the event loop) arrives whole', async () => {
    const res = await nodeHttpFetch(`${base}/big`, { method: 'GET', redirect: 'manual' });
    const body = (await res.json()) as { rows: { id: number; name: string }[] };
    assert.equal(body.rows.length, 5000);
    assert.equal(body.rows[4999]!.name, 'заказ 4999');
  });

  test('error statuses, repeated headers, redirects not followed, 204 without a body', async () => {
    const limited = await nodeHttpFetch(`${base}/429`, { method: 'GET', redirect: 'manual' });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('x-lognex-retry-after'), '1500');
    assert.equal(limited.headers.get('Set-Cookie'), 'a=1, b=2');
    assert.match(await limited.text(), /1049/);
    const moved = await nodeHttpFetch(`${base}/redirect`, { method: 'GET', redirect: 'manual' });
    assert.equal(moved.status, 302);
    assert.equal(moved.headers.get('location'), 'http://127.0.0.1:1/elsewhere');
    const empty = await nodeHttpFetch(`${base}/empty`, { method: 'DELETE', redirect: 'manual' });
    assert.equal(empty.status, 204);
    assert.equal(await empty.text(), '');
    await assert.rejects(nodeHttpFetch(`${base}/x`, { method: 'GET', redirect: 'follow' }), /manual/);
  });

  test('an aborted request fails at once; a body cut off fails instead of hanging; a refused connection fails', async () => {
    const t0 = Date.now();
    await assert.rejects(nodeHttpFetch(`${base}/slow`, { method: 'GET', signal: AbortSignal.timeout(100), redirect: 'manual' }), (e: Error) => e.name === 'AbortError');
    assert.ok(Date.now() - t0 < 1000, 'aborted by the signal, not by the server');
    await assert.rejects(nodeHttpFetch(`${base}/cut`, { method: 'GET', redirect: 'manual' }));
    await assert.rejects(nodeHttpFetch('http://127.0.0.1:1/', { method: 'GET', redirect: 'manual' }), /ECONNREFUSED/);
  });
});
