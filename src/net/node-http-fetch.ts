// The connector's outgoing HTTP exchange (MoySklad and UIS clients): node:http(s) with keep-alive,
// answered with the part of a fetch `Response` the clients read (HttpAnswer).
//
// Why not the global fetch: for the small JSON exchanges MoySklad and UIS traffic consists of, fetch's
// machinery (web streams, a zlib stream per response, its request/response classes) cost about
// three times the CPU of http.request plus a `Response` built from the finished body (measured on
// loopback with a gzip JSON answer: 470–770 vs 145–250 µs per exchange, server included). On the
// pop-up path every call makes four such requests, on the thread that also takes in UIS
// notifications. Nor a `Response` for the answer: building one (its Headers, a web stream for the
// body) and reading it back cost 33–40 µs vs 3.4–4 µs for HttpAnswer (micro-run, 20 000 answers).
//
// Only what the clients ask for: method, headers, a string body, an AbortSignal, no redirects
// followed (`redirect: 'manual'` or none given). gzip and deflate answers are inflated (MoySklad
// requires asking for gzip).
import http from 'node:http';
import https from 'node:https';
import { gunzip, gunzipSync, inflate, inflateSync } from 'node:zlib';

/** The headers of an answer, as the clients read them (a fetch `Headers` is one). */
export interface HttpHeaders {
  /** Case-insensitive; several values of one name joined with ", ". */
  get(name: string): string | null;
  has(name: string): boolean;
}

/** The part of a fetch `Response` the clients read; a `Response` is one, so tests may pass `fetch`. */
export interface HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: HttpHeaders;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

/** What the clients need of `fetch`: a string URL and a `RequestInit`. */
export type FetchLike = (input: string, init: RequestInit) => Promise<HttpAnswer>;

class AnswerHeaders implements HttpHeaders {
  constructor(private readonly map: Map<string, string>) {}
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
}

/** A finished answer: the body is in memory, so it can be read any number of times. */
class Answer implements HttpAnswer {
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: HttpHeaders,
    private readonly body: Buffer,
  ) {}
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return new Uint8Array(this.body).buffer;
  }
  async text(): Promise<string> {
    return this.body.toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.body.toString('utf8'));
  }
}

const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

/** Larger compressed bodies are inflated on the thread pool, not on the event loop. */
const INFLATE_ON_LOOP_BELOW = 32 * 1024;

export const nodeHttpFetch: FetchLike = (input, init) =>
  new Promise<HttpAnswer>((resolve, reject) => {
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
        const headers = new Map<string, string>();
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i]!.toLowerCase();
          // The body handed on is the decoded one.
          if ((name === 'content-encoding' || name === 'content-length') && (encoding === 'gzip' || encoding === 'deflate')) continue;
          const value = res.rawHeaders[i + 1]!;
          const earlier = headers.get(name);
          headers.set(name, earlier === undefined ? value : `${earlier}, ${value}`);
        }
        const answer = (bytes: Buffer) => resolve(new Answer(status, res.statusMessage ?? '', new AnswerHeaders(headers), bytes));
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
