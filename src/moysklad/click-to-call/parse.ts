// Click-to-call: MoySklad POSTs {srcNumber, destNumber, uid} to the URL the customer entered in
// «Адрес провайдера телефонии», signed with `Lognex-Content-MD5`. The docs say only "MD5 of the
// user's access key concatenated with the request parameter values" — no order, separator or case —
// and their own example cannot be reproduced. So we compute the plausible constructions, report
// which one matched (so a live request tells us the real one), and leave enforcement to the caller
// (log-only by default, per DESIGN §5).
import { createHash, timingSafeEqual } from 'node:crypto';

export interface ClickToCallRequest {
  srcNumber: string;
  destNumber: string;
  uid: string;
}

export type ClickToCallParse = { ok: true; value: ClickToCallRequest } | { ok: false; reason: string };

export type SignatureVariant =
  | 'key+src+dest+uid'
  | 'key+bodyOrder'
  | 'key+sortedKeys'
  | 'key+sortedValues'
  | 'key+rawBody'
  | 'src+dest+uid+key'
  | 'rawBody+key';

export interface SignatureCheck {
  /** 'missing': no header; 'matched': `variant` reproduced it; 'mismatch': none did. */
  status: 'missing' | 'matched' | 'mismatch';
  variant: SignatureVariant | null;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Accepts parsed JSON, a raw JSON string, or a form-encoded string (one 3P bridge saw those). */
export function parseClickToCall(body: unknown): ClickToCallParse {
  let obj: unknown = body;
  if (Buffer.isBuffer(obj)) obj = obj.toString('utf8');
  if (typeof obj === 'string') {
    const text = obj.trim();
    if (text.startsWith('{')) {
      try {
        obj = JSON.parse(text);
      } catch {
        return { ok: false, reason: 'body is not valid JSON' };
      }
    } else {
      obj = Object.fromEntries(new URLSearchParams(text));
    }
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return { ok: false, reason: 'body is not an object' };
  const o = obj as Record<string, unknown>;
  const srcNumber = str(o.srcNumber);
  const destNumber = str(o.destNumber);
  const uid = str(o.uid);
  if (!srcNumber) return { ok: false, reason: 'srcNumber missing' };
  if (!destNumber) return { ok: false, reason: 'destNumber missing' };
  if (!uid) return { ok: false, reason: 'uid missing' };
  return { ok: true, value: { srcNumber, destNumber, uid } };
}

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** Every candidate construction, in order of plausibility. Exported so tests and logs can show them. */
export function signatureCandidates(accessKey: string, rawBody: string): Array<[SignatureVariant, string]> {
  const out: Array<[SignatureVariant, string]> = [];
  let parsed: Record<string, unknown> | null = null;
  try {
    const p: unknown = JSON.parse(rawBody);
    if (p && typeof p === 'object' && !Array.isArray(p)) parsed = p as Record<string, unknown>;
  } catch {
    parsed = rawBody.includes('=') ? Object.fromEntries(new URLSearchParams(rawBody)) : null;
  }
  if (parsed) {
    const v = (k: string) => (parsed[k] === undefined || parsed[k] === null ? '' : String(parsed[k]));
    out.push(['key+src+dest+uid', md5(accessKey + v('srcNumber') + v('destNumber') + v('uid'))]);
    out.push(['key+bodyOrder', md5(accessKey + Object.values(parsed).map((x) => (x === null || x === undefined ? '' : String(x))).join(''))]);
    out.push(['key+sortedKeys', md5(accessKey + Object.keys(parsed).sort().map(v).join(''))]);
    out.push(['key+sortedValues', md5(accessKey + [v('srcNumber'), v('destNumber'), v('uid')].sort().join(''))]);
    out.push(['src+dest+uid+key', md5(v('srcNumber') + v('destNumber') + v('uid') + accessKey)]);
  }
  out.push(['key+rawBody', md5(accessKey + rawBody)]);
  out.push(['rawBody+key', md5(rawBody + accessKey)]);
  return out;
}

/** Checks `Lognex-Content-MD5` against every candidate (hex, case-insensitive, constant-time compare). */
export function verifyClickToCallSignature(header: string | undefined | null, accessKey: string, rawBody: string): SignatureCheck {
  const got = header?.trim().toLowerCase();
  if (!got) return { status: 'missing', variant: null };
  if (!/^[0-9a-f]{32}$/.test(got)) return { status: 'mismatch', variant: null };
  const gotBuf = Buffer.from(got, 'hex');
  for (const [variant, hex] of signatureCandidates(accessKey, rawBody)) {
    if (timingSafeEqual(gotBuf, Buffer.from(hex, 'hex'))) return { status: 'matched', variant };
  }
  return { status: 'mismatch', variant: null };
}

/** Signs like our best guess of MoySklad (key + srcNumber + destNumber + uid) — for the sandbox and tests. */
export function signClickToCall(accessKey: string, req: ClickToCallRequest): string {
  return md5(accessKey + req.srcNumber + req.destNumber + req.uid).toUpperCase();
}
