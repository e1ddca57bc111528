// Turns whatever arrived (JSON body, form body, query string) into one flat map of UIS variable
// name → value. Nested objects (templates that group fields, e.g. "employee_info": {...}) are
// flattened: the shallowest occurrence of a key wins. Literal placeholders count as absent.
import { LiteralPlaceholder, parseLenientJson, type LenientValue } from './lenient-json.ts';

export type FieldValue = string | number | boolean | null | FieldValue[];
export type FlatFields = Map<string, FieldValue>;

export type QueryInput =
  | string
  | URLSearchParams
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | null
  | undefined;

export type BodyInput = string | Uint8Array | null | undefined;

export type FieldsResult = { ok: true; fields: FlatFields; format: string } | { ok: false; reason: string };

const PLACEHOLDER_ONLY = /^\s*\{\{\s*[A-Za-z0-9_]*\s*\}\}\s*$/;
const MAX_BODY_CHARS = 1_000_000;

export function bodyText(raw: BodyInput): string {
  if (raw == null) return '';
  if (typeof raw === 'string') return raw;
  return new TextDecoder('utf-8', { fatal: false }).decode(raw);
}

export function extractFields(contentType: string | null | undefined, raw: BodyInput, query: QueryInput): FieldsResult {
  const text = bodyText(raw);
  if (text.length > MAX_BODY_CHARS) return { ok: false, reason: `body too large (${text.length} characters)` };
  const fields: FlatFields = new Map();
  let format = 'empty';
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  const ct = (contentType ?? '').toLowerCase();

  if (trimmed !== '') {
    // Decide by the content, not the header: UIS's Content-Type is undocumented (reference §1.2).
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      const parsed = parseLenientJson(trimmed);
      if (parsed.ok) {
        const root = Array.isArray(parsed.value) ? parsed.value[0] : parsed.value;
        if (!isObject(root)) return { ok: false, reason: 'JSON body is not an object' };
        flattenInto(fields, root);
        format = 'json';
      } else {
        const salvaged = salvageKeyValues(trimmed);
        if (!salvaged) return { ok: false, reason: parsed.reason };
        for (const [k, v] of salvaged) if (!fields.has(k)) fields.set(k, v);
        format = 'json-salvaged';
      }
    } else if (trimmed.includes('=')) {
      addPairs(fields, new URLSearchParams(trimmed));
      format = 'form';
    } else {
      const declared = ct ? ` (Content-Type: ${ct.slice(0, 60)})` : '';
      return { ok: false, reason: `body is neither JSON nor form-encoded${declared}: starts with "${trimmed.slice(0, 20)}"` };
    }
  }

  const q = queryPairs(query);
  if (q) {
    const before = fields.size;
    addPairs(fields, q);
    if (fields.size > before) format = format === 'empty' ? 'query' : `${format}+query`;
  }
  return { ok: true, fields, format };
}

function isObject(v: LenientValue | undefined): v is { [key: string]: LenientValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof LiteralPlaceholder);
}

function normKey(key: string): string {
  return key.trim().toLowerCase();
}

/** Breadth-first so that a top-level key beats the same key nested deeper. */
function flattenInto(out: FlatFields, root: { [key: string]: LenientValue }): void {
  let level: Array<{ [key: string]: LenientValue }> = [root];
  while (level.length > 0) {
    const next: Array<{ [key: string]: LenientValue }> = [];
    for (const obj of level) {
      for (const [k, v] of Object.entries(obj)) {
        if (isObject(v)) {
          next.push(v);
          continue;
        }
        const key = normKey(k);
        const value = toField(v);
        if (value !== undefined && !out.has(key)) out.set(key, value);
      }
    }
    level = next;
  }
}

function toField(v: LenientValue): FieldValue | undefined {
  if (v instanceof LiteralPlaceholder) return undefined;
  if (typeof v === 'string') return PLACEHOLDER_ONLY.test(v) ? undefined : v;
  if (Array.isArray(v)) {
    const items = v.map(toField).filter((x): x is FieldValue => x !== undefined);
    return items;
  }
  if (typeof v === 'object' && v !== null) return undefined;
  return v;
}

function queryPairs(query: QueryInput): URLSearchParams | null {
  if (query == null) return null;
  if (typeof query === 'string') return new URLSearchParams(query.replace(/^\?/, ''));
  if (query instanceof URLSearchParams) return query;
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (typeof v === 'string') p.append(k, v);
    else for (const item of v) p.append(k, item);
  }
  return p;
}

/** Form/query values may carry UIS's JSON quoting (`"text"`, `["a"]`, `null`) or be plain text. */
function addPairs(out: FlatFields, pairs: URLSearchParams): void {
  for (const [k, raw] of pairs) {
    const key = normKey(k);
    if (key === '' || out.has(key)) continue;
    const value = decodeFormValue(raw);
    if (value !== undefined) out.set(key, value);
  }
}

export function decodeFormValue(raw: string): FieldValue | undefined {
  const text = raw.trim();
  if (PLACEHOLDER_ONLY.test(text)) return undefined;
  if (text === 'null') return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text.startsWith('"') || text.startsWith('[') || text.startsWith('{')) {
    const parsed = parseLenientJson(text);
    if (parsed.ok) {
      const v = parsed.value;
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return text; // an object: keep as text
      return toField(v);
    }
  }
  return text;
}

const KEY = /"([A-Za-z_][A-Za-z0-9_]*)"\s*:\s*/g;

/**
 * Last resort for a complete `{...}` body that is still not JSON — typically a list placeholder
 * wrapped in quotes (`"tag_names": "{{tag_names}}"` → `"["a","b"]"`). Reads `"key": value` pairs by
 * position: each value runs up to the next key. Truncated bodies (no closing brace) are not salvaged.
 */
export function salvageKeyValues(text: string): FlatFields | null {
  if (!text.startsWith('{') || !text.endsWith('}')) return null;
  const keys = [...text.matchAll(KEY)];
  if (keys.length === 0) return null;
  const out: FlatFields = new Map();
  keys.forEach((m, i) => {
    const start = (m.index ?? 0) + m[0].length;
    const end = keys[i + 1]?.index ?? text.length;
    const rawValue = text.slice(start, end).trim().replace(/[\s,}]+$/, '').trim();
    const key = normKey(m[1] ?? '');
    if (rawValue === '' || rawValue.startsWith('{') && !rawValue.startsWith('{{') || out.has(key)) return;
    const value = salvageValue(rawValue);
    if (value !== undefined) out.set(key, value);
  });
  return out.size > 0 ? out : null;
}

function salvageValue(raw: string): FieldValue | undefined {
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    const inner = raw.slice(1, -1);
    const innerParsed = parseLenientJson(inner);
    if (innerParsed.ok && !(innerParsed.value instanceof LiteralPlaceholder) && typeof innerParsed.value !== 'object') {
      return toField(innerParsed.value);
    }
    if (innerParsed.ok && Array.isArray(innerParsed.value)) return toField(innerParsed.value);
    const whole = parseLenientJson(raw);
    if (whole.ok && typeof whole.value === 'string') return toField(whole.value);
    return PLACEHOLDER_ONLY.test(inner) ? undefined : inner;
  }
  return decodeFormValue(raw);
}
