// The connector's outgoing HTTP exchange (MoySklad and UIS clients): node:http(s) with keep-alive,
// answered as a `Response`.
//
// Why not the global fetch: for the small JSON exchanges MoySklad and UIS traffic consists of, fetch's
// machinery (web streams, a zlib stream per response, its request/response classes) cost about
// three times the CPU of http.request plus a `Response` built from the finished body (measured on
// loopback with a gzip JSON answer: 470–770 vs 145–250 µs per exchange, server included). On the
// pop-up path every call makes four such requests, on the thread that also takes in UIS
// notifications.
//
// Only what the clients ask for: method, headers, a string body, an AbortSignal, no redirects
// followed (`redirect: 'manual'` or none given). gzip and deflate answers are inflated (MoySklad
// requires asking for gzip).
import http from 'node:http';
import https from 'node:https';
import { gunzip, gunzipSync, inflate, inflateSync } from 'node:zlib';

/** What the clients need of `fetch`: a string URL and a `RequestInit`. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

/** Larger compressed bodies are inflated on the thread pool, not on the event loop. */
const INFLATE_ON_LOOP_BELOW = 32 * 1024;

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

export const nodeHttpFetch: FetchLike = (input, init) =>
  new Promise<Response>((resolve, reject) => {
    const url = new URL(input);
    const agent = url.protocol === 'https:' ? agents['https:'] : url.protocol === 'http:' ? agents['http:'] : undefined;
    if (!agent) return reject(new TypeError(`unsupported protocol ${url.protocol}`));
    if (init.redirect !== undefined && init.redirect !== 'manual') return reject(new TypeError('only redirect: "manual" is supported'));
    const body = init.body;
    if (body !== undefined && body !== null && typeof body !== 'string') return reject(new TypeError('only string bodies are supported'));
    const headers: Record<string, string> =
      init.headers instanceof Headers ? Object.fromEntries(init.headers) : Array.isArray(init.headers) ? Object.fromEntries(init.headers) : { ...init.headers };
    if (body) headers['Content-Length'] = String(Buffer.byteLength(body));
    const request = (agent === agents['https:'] ? https : http).request(url, {
      method: init.method ?? 'GET',
      headers,
      agent,
      ...(init.signal ? { signal: init.signal } : {}),
    });
    request.on('error', reject);
    request.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      // Cut off mid-body (aborted, connection lost): 'end' never comes, 'close' always does.
      res.on('close', () => res.complete || reject(new Error('response ended before its body was complete')));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
        const pairs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i]!.toLowerCase();
          // The body handed on is the decoded one.
          if ((name === 'content-encoding' || name === 'content-length') && (encoding === 'gzip' || encoding === 'deflate')) continue;
          pairs.push([name, res.rawHeaders[i + 1]!]);
        }
        const answer = (bytes: Buffer | null) => {
          try {
            resolve(new Response(NULL_BODY_STATUS.has(status) ? null : bytes, { status, statusText: res.statusMessage ?? '', headers: pairs }));
          } catch (err) {
            reject(err);
          }
        };
        const raw = Buffer.concat(chunks);
        if ((encoding !== 'gzip' && encoding !== 'deflate') || raw.length === 0) return answer(raw);
        if (raw.length < INFLATE_ON_LOOP_BELOW) {
          let decoded: Buffer;
          try {
            decoded = encoding === 'gzip' ? gunzipSync(raw) : inflateSync(raw);
          } catch (err) {
            return reject(err);
          }
          return answer(decoded);
        }
        (encoding === 'gzip' ? gunzip : inflate)(raw, (err, decoded) => (err ? reject(err) : answer(decoded)));
      });
    });
    request.end(body ?? undefined);
  });
