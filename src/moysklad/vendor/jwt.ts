// HS256 JWT with node:crypto only. MoySklad → us: verify with the solution's secretKey (reject
// other algorithms, expired tokens; the caller rejects reused `jti`). Us → MoySklad: a one-time
// token {sub: appUid, iat, exp ≤ iat+300, jti}.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface JwtPayload {
  iat?: number;
  exp?: number;
  jti?: string;
  sub?: string;
  [claim: string]: unknown;
}

const b64url = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

function hmac(secret: string, data: string): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

export function signJwt(payload: JwtPayload, secret: string): string {
  if (!secret) throw new RangeError('signJwt: empty secret');
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  return `${head}.${body}.${b64url(hmac(secret, `${head}.${body}`))}`;
}

/** A fresh one-time token for calling the Vendor API (MoySklad caps its lifetime at 300 s). */
export function vendorToken(appUid: string, secret: string, now: Date = new Date(), lifetimeSec = 300): string {
  const iat = Math.floor(now.getTime() / 1000);
  return signJwt({ sub: appUid, iat, exp: iat + Math.min(lifetimeSec, 300), jti: randomBytes(16).toString('hex') }, secret);
}

export type JwtVerifyResult = { ok: true; payload: JwtPayload } | { ok: false; reason: string };

export interface JwtVerifyOptions {
  now?: Date;
  /** Allowed clock difference, seconds. Default 60. */
  clockSkewSec?: number;
  /** Reject tokens issued longer ago than this even if `exp` is later. */
  maxAgeSec?: number;
  /** Require a `jti` (MoySklad always sends one; needed for replay protection). Default true. */
  requireJti?: boolean;
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

export function verifyJwt(token: string, secret: string, opts: JwtVerifyOptions = {}): JwtVerifyResult {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a JWT' };
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJson(h);
  if (!header || typeof header !== 'object' || (header as { alg?: unknown }).alg !== 'HS256') {
    return { ok: false, reason: 'unsupported alg (only HS256)' };
  }
  const expected = hmac(secret, `${h}.${p}`);
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad signature' };
  const payload = decodeJson(p);
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return { ok: false, reason: 'payload is not an object' };
  const claims = payload as JwtPayload;
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const skew = opts.clockSkewSec ?? 60;
  if (claims.exp !== undefined && (typeof claims.exp !== 'number' || now > claims.exp + skew)) return { ok: false, reason: 'expired' };
  if (claims.iat !== undefined) {
    if (typeof claims.iat !== 'number' || claims.iat > now + skew) return { ok: false, reason: 'issued in the future' };
    if (opts.maxAgeSec !== undefined && now - claims.iat > opts.maxAgeSec + skew) return { ok: false, reason: 'too old' };
  }
  if ((opts.requireJti ?? true) && (typeof claims.jti !== 'string' || claims.jti === '')) return { ok: false, reason: 'missing jti' };
  return { ok: true, payload: claims };
}

/** Extracts the token from `Authorization: Bearer <jwt>`. */
export function bearerToken(header: string | undefined | null): string | null {
  const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1] ?? null;
}
