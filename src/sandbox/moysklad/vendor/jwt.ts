// HS256 JWT (the Vendor API's only algorithm), with node:crypto and nothing else.
import { createHmac, timingSafeEqual } from 'node:crypto';

const b64url = (buf: Buffer | string): string => Buffer.from(buf).toString('base64url');

export type JwtClaims = Record<string, unknown> & { iat?: number; exp?: number; jti?: string; sub?: string };

export function signHs256(claims: JwtClaims, secret: string): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** Claims without checking the signature (to find which app's secret to verify with). */
export function peekClaims(token: string): JwtClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as JwtClaims) : undefined;
  } catch {
    return undefined;
  }
}

export type VerifyResult = { ok: true; claims: JwtClaims } | { ok: false; reason: string };

/** Signature and header only; time and replay rules belong to the caller. */
export function verifyHs256(token: string, secret: string): VerifyResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed token' };
  const [head, body, sig] = parts as [string, string, string];
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed header' };
  }
  if ((header as { alg?: unknown })?.alg !== 'HS256') return { ok: false, reason: 'alg must be HS256' };
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad signature' };
  const claims = peekClaims(token);
  return claims ? { ok: true, claims } : { ok: false, reason: 'malformed payload' };
}
