// Coercions from loosely-typed notification values to the shapes UisCallEvent needs. Every function
// returns undefined for "absent": null, '', 'null'/'None', literal placeholders.
import type { FieldValue } from './raw-fields.ts';

const EMPTY_WORDS = new Set(['', 'null', 'none', 'undefined', 'nan', 'nil']);
const PLACEHOLDER = /\{\{\s*[A-Za-z0-9_]*\s*\}\}/;

export function asText(v: FieldValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    const parts = v.map(asText).filter((x): x is string => x !== undefined);
    return parts.length > 0 ? parts.join(', ') : undefined;
  }
  const t = v.trim();
  if (EMPTY_WORDS.has(t.toLowerCase()) || PLACEHOLDER.test(t)) return undefined;
  return t;
}

/** Ids (session, employee, contact…): integers, or id-like text without spaces. */
export function asId(v: FieldValue | undefined): string | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? String(v) : undefined;
  const t = asText(Array.isArray(v) ? undefined : v);
  if (t === undefined) return undefined;
  const m = /^(\d+)(?:\.0+)?$/.exec(t);
  if (m) return m[1];
  return /^[A-Za-z0-9_.:-]{1,100}$/.test(t) ? t : undefined;
}

export function asNumber(v: FieldValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  const t = asText(Array.isArray(v) ? undefined : v);
  if (t === undefined) return undefined;
  const normal = t.replace(',', '.');
  if (/^-?\d+(\.\d+)?$/.test(normal)) return Number(normal);
  return undefined;
}

/** Seconds; also accepts "hh:mm:ss" / "mm:ss". */
export function asSeconds(v: FieldValue | undefined): number | undefined {
  const n = asNumber(v);
  if (n !== undefined) return n >= 0 ? n : undefined;
  const t = asText(Array.isArray(v) ? undefined : v);
  const m = t ? /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(t) : null;
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

export function asBool(v: FieldValue | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  const t = asText(Array.isArray(v) ? undefined : v)?.toLowerCase();
  if (t === undefined) return undefined;
  if (['true', '1', 'yes', 'y', 't', 'да'].includes(t)) return true;
  if (['false', '0', 'no', 'n', 'f', 'нет'].includes(t)) return false;
  return undefined;
}

/** A list: a JSON array, or text separated by commas/semicolons, or a single value. */
export function asList(v: FieldValue | undefined): FieldValue[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  if (typeof v !== 'string') return [v];
  const t = v.trim();
  if (asText(t) === undefined) return [];
  if (t.startsWith('[') && t.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(t);
      if (Array.isArray(parsed)) return parsed.filter((x): x is string | number => typeof x === 'string' || typeof x === 'number');
    } catch {
      // not JSON: split the inside below
    }
    return splitText(t.slice(1, -1));
  }
  return splitText(t);
}

function splitText(t: string): string[] {
  return t
    .split(/[,;]/)
    .map((x) => x.trim().replace(/^["']|["']$/g, '').trim())
    .filter((x) => x !== '');
}

export function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

export function asDirection(v: FieldValue | undefined): 'in' | 'out' | undefined {
  const t = asText(Array.isArray(v) ? undefined : v)?.toLowerCase();
  if (t === undefined) return undefined;
  if (['in', 'incoming', 'inbound', 'входящий', 'вх'].includes(t)) return 'in';
  if (['out', 'outgoing', 'outbound', 'исходящий', 'исх'].includes(t)) return 'out';
  return undefined;
}
