// Helpers for the MoySklad JSON API sandbox tests: a tiny client that speaks the real protocol.
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { startMoyskladSandbox, type MoyskladSandbox, type MoyskladSandboxOptions } from '../../src/sandbox/moysklad/index.ts';

export const BASIC = 'Basic ' + Buffer.from('admin@sandbox:sandbox-password').toString('base64');
export const USER_TOKEN = 'Bearer sandbox-user-token';
export const SOLUTION = 'Bearer sandbox-solution-token';

export interface MsResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** fetch with gzip demanded (undici decompresses); body parsed as JSON when there is one. */
export async function ms(
  sb: MoyskladSandbox,
  path: string,
  opts: { auth?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<MsResponse> {
  const url = path.startsWith('http') ? path : `${sb.baseJsonUrl}${path}`;
  const headers: Record<string, string> = { 'Accept-Encoding': 'gzip', Authorization: opts.auth ?? SOLUTION, ...(opts.headers ?? {}) };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, {
    method: opts.method ?? 'GET',
    headers,
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Raw HTTP (no automatic decompression) to see exactly what goes over the wire. */
export function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

export function gunzipJson(b: Buffer): any {
  return JSON.parse(gunzipSync(b).toString('utf8'));
}

export async function startSmall(opts: MoyskladSandboxOptions = {}): Promise<MoyskladSandbox> {
  return startMoyskladSandbox({ seed: { orders: 300, seed: 7 }, ...opts });
}

export function idOf(href: string): string {
  return href.slice(href.lastIndexOf('/') + 1);
}
