// One HTTP exchange with any MoySklad API: headers every API demands (gzip!), auth, timeout,
// body decoding and error mapping, all routed through the RequestGate. The typed clients build
// on this and never touch fetch themselves.
import { gunzipSync } from 'node:zlib';
import {
  AuthError,
  BadResponseError,
  ForbiddenError,
  MoyskladHttpError,
  MoyskladNetworkError,
  MoyskladTimeoutError,
  NotFoundError,
  NotInstalledError,
  PreconditionError,
  RateLimitedError,
  ServerError,
  type HttpErrorInit,
  type MoyskladErrorItem,
} from './errors.ts';
import { passThroughGate, type GateLane, type MoyskladApi, type RequestGate } from './gate.ts';
import { nodeHttpFetch, type FetchLike, type HttpAnswer, type HttpHeaders } from '../net/index.ts';

export type { FetchLike };
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Options every client accepts. */
export interface CommonClientOptions {
  /** Who the gate charges: e.g. "<accountId>:json:token#<fingerprint>". Never a secret. */
  principal: string;
  gate?: RequestGate;
  fetch?: FetchLike;
  /** Per-request timeout; MoySklad may legitimately take long on heavy requests. Default 30 s. */
  timeoutMs?: number;
  userAgent?: string;
}

export interface TransportConfig extends CommonClientOptions {
  api: MoyskladApi;
  baseUrl: string;
  /** Rate units per request charged by the gate. */
  weight: number;
  /** Auth headers; computed per request so rotated secrets take effect. */
  authHeaders: () => Record<string, string>;
  /** Back-off to report when a 429 carries no retry-after header. */
  defaultRetryAfterMs: number;
}

export type QueryValue = string | number | boolean | undefined | null;

export interface RequestSpec {
  method: HttpMethod;
  /** Path relative to the base URL ("/entity/counterparty") or an absolute URL on the same origin (nextHref). */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
  lane?: GateLane;
  weight?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RawResult {
  status: number;
  headers: HttpHeaders;
  /** Parsed JSON, or undefined for an empty body (204, or 200 with no content). */
  body: unknown;
}

export const DEFAULT_USER_AGENT = 'uis-moysklad/0.1 (+https://github.com/uis-moysklad)';
const DEFAULT_TIMEOUT_MS = 30_000;

// encodeURIComponent, not URLSearchParams: the latter writes spaces as "+", and MoySklad filter
// values (dates "2026-10-01 00:00:00", names) must arrive with their spaces intact.
export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

function decodeBody(bytes: Uint8Array): string {
  // The default exchange (and Node's fetch) inflate `Content-Encoding: gzip`; an injected fetch may not.
  const raw = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
}

function errorItems(body: unknown, text: string): MoyskladErrorItem[] {
  if (body && typeof body === 'object' && 'errors' in body && Array.isArray(body.errors)) {
    return body.errors.filter(
      (e: unknown): e is MoyskladErrorItem => !!e && typeof e === 'object' && typeof (e as { error?: unknown }).error === 'string',
    );
  }
  // Vendor API and proxies sometimes answer with a bare string; keep it for diagnostics.
  return text.trim() ? [{ error: text.trim().slice(0, 500) }] : [];
}

function retryAfterMs(headers: HttpHeaders): number | null {
  const lognex = headers.get('x-lognex-retry-after');
  if (lognex !== null && lognex.trim() !== '' && Number.isFinite(Number(lognex))) return Math.max(0, Number(lognex));
  const std = headers.get('retry-after'); // standard header is in seconds
  if (std !== null && std.trim() !== '' && Number.isFinite(Number(std))) return Math.max(0, Number(std) * 1000);
  return null;
}

const AUTH_CODES = new Set([1056, 1048, 1061]);

export function httpErrorFor(init: HttpErrorInit, headers: HttpHeaders, defaultRetryAfter: number): MoyskladHttpError {
  const codes = new Set(init.errors.map((e) => e.code));
  if (init.status === 429 || codes.has(1049) || codes.has(1073) || codes.has(1095)) {
    const fromServer = retryAfterMs(headers);
    // 1095 (load limiting) comes with the advice "retry in about a minute".
    const fallback = codes.has(1095) ? 60_000 : defaultRetryAfter;
    return new RateLimitedError({ ...init, retryAfterMs: fromServer ?? fallback, retryAfterFromServer: fromServer !== null });
  }
  if (codes.has(55008)) return new NotInstalledError(init);
  if (init.status === 401 || [...codes].some((c) => c !== undefined && AUTH_CODES.has(c))) return new AuthError(init);
  if (init.status === 403) return new ForbiddenError(init);
  if (init.status === 404) return new NotFoundError(init);
  if (init.status === 412) return new PreconditionError(init);
  if (init.status >= 500) return new ServerError(init);
  if (init.status >= 300 && init.status < 400) return new MoyskladHttpError('unexpected-redirect', init);
  if (init.status === 409) return new MoyskladHttpError('conflict', init);
  return new MoyskladHttpError('bad-request', init);
}

export class Transport {
  readonly baseUrl: string;
  private readonly origin: string;
  private readonly gate: RequestGate;
  private readonly fetchFn: FetchLike;

  constructor(readonly config: TransportConfig) {
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.origin = new URL(this.baseUrl).origin;
    this.gate = config.gate ?? passThroughGate;
    this.fetchFn = config.fetch ?? nodeHttpFetch;
  }

  url(path: string, query?: Record<string, QueryValue>): string {
    if (/^https?:\/\//i.test(path)) {
      // nextHref & co. come from the server; never send our credentials to another origin.
      if (new URL(path).origin !== this.origin) throw new RangeError(`refusing to call foreign origin: ${new URL(path).origin}`);
      return path + (query ? buildQuery(query).replace(/^\?/, path.includes('?') ? '&' : '?') : '');
    }
    return `${this.baseUrl}${path.startsWith('/') ? '' : '/'}${path}${buildQuery(query)}`;
  }

  async request(spec: RequestSpec): Promise<RawResult> {
    const url = this.url(spec.path, spec.query);
    const headers: Record<string, string> = {
      'Accept-Encoding': 'gzip',
      Accept: 'application/json;charset=utf-8',
      'User-Agent': this.config.userAgent ?? DEFAULT_USER_AGENT,
      ...this.config.authHeaders(),
      ...spec.headers,
    };
    let payload: string | undefined;
    if (spec.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(spec.body);
    }
    const timeoutMs = spec.timeoutMs ?? this.config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let result: RawResult | undefined;
    let failure: MoyskladHttpError | undefined;

    const send = async (): Promise<HttpAnswer> => {
      result = undefined;
      failure = undefined;
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
      let res: HttpAnswer;
      let text: string;
      try {
        res = await this.fetchFn(url, { method: spec.method, headers, body: payload, signal, redirect: 'manual' });
        text = decodeBody(new Uint8Array(await res.arrayBuffer()));
      } catch (err) {
        if (timeout.aborted && !spec.signal?.aborted) throw new MoyskladTimeoutError(spec.method, url, timeoutMs);
        if (spec.signal?.aborted) throw err;
        throw new MoyskladNetworkError(spec.method, url, err);
      }
      let body: unknown;
      let parseError: unknown;
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text);
        } catch (err) {
          parseError = err;
        }
      }
      if (res.status >= 200 && res.status < 300) {
        if (parseError) {
          failure = undefined;
          throw new BadResponseError(`${spec.method} ${spec.path}`, 'body is not JSON');
        }
        result = { status: res.status, headers: res.headers, body };
        return res;
      }
      const location = res.headers.get('location') ?? undefined;
      const authCode = res.headers.get('x-lognex-auth') ?? undefined;
      const err = httpErrorFor(
        {
          status: res.status,
          method: spec.method,
          url,
          errors: errorItems(body, parseError ? text : ''),
          ...(authCode ? { authCode } : {}),
          ...(location ? { location } : {}),
        },
        res.headers,
        this.config.defaultRetryAfterMs,
      );
      // The gate must see rate limiting to back off; other errors are the caller's business.
      if (err instanceof RateLimitedError) throw err;
      failure = err;
      return res;
    };

    await this.gate.run(
      {
        principal: this.config.principal,
        api: this.config.api,
        lane: spec.lane ?? 'live',
        weight: spec.weight ?? this.config.weight,
      },
      send,
    );
    if (failure) throw failure;
    if (!result) throw new BadResponseError(`${spec.method} ${spec.path}`, 'gate returned without sending the request');
    return result;
  }
}
