import { SPECS, type EntitySpec } from '../model/specs.ts';
import type { ContactPerson, Entity } from '../model/types.ts';
import { err } from './errors.ts';

export interface Paging {
  limit: number;
  offset: number;
}

export function parsePaging(q: Record<string, string | undefined>, defaultLimit = 1000, maxLimit = 1000): Paging {
  const limit = q['limit'] === undefined ? defaultLimit : Number(q['limit']);
  const offset = q['offset'] === undefined ? 0 : Number(q['offset']);
  if (!Number.isInteger(limit) || limit < 0 || limit > maxLimit) {
    throw Object.assign(err.params(), { parameter: 'limit' });
  }
  if (!Number.isInteger(offset) || offset < 0) throw Object.assign(err.params(), { parameter: 'offset' });
  return { limit, offset };
}

const PHONE_SPLIT = /[,;]/;

function digitsOf(s: string): string {
  return s.replace(/\D+/g, '');
}

/**
 * Search: case-insensitive substring over the type's main string fields (counterparty: also
 * contact persons' name/phone/email). Modelling choice for the [UNK] phone question: a query that
 * is a phone number (digits, spaces, brackets, + and -) also matches a stored phone whose digits
 * contain the query's digits — so "79991234567" finds "+7 (999) 123-45-67" but not "8 999 123-45-67";
 * "9991234567" finds both.
 */
export function searchPredicate(spec: EntitySpec, text: string): (e: Entity) => boolean {
  const q = text.trim().toLowerCase();
  if (!q) return () => true;
  const phoneQuery = /^[\d\s()+-]+$/.test(q) ? digitsOf(q) : '';
  const matchPhone = (v: string): boolean =>
    phoneQuery.length >= 3 && v.split(PHONE_SPLIT).some((part) => digitsOf(part).includes(phoneQuery));
  const matchText = (v: unknown): boolean => typeof v === 'string' && v.toLowerCase().includes(q);
  const fields = spec.search;
  const withContacts = spec.type === 'counterparty';
  return (e) => {
    for (const f of fields) {
      const v = e[f];
      if (matchText(v)) return true;
      if (f === 'phone' && typeof v === 'string' && matchPhone(v)) return true;
    }
    if (withContacts) {
      for (const cp of (e['_contactpersons'] as ContactPerson[] | undefined) ?? []) {
        if (matchText(cp.name) || matchText(cp.email) || matchText(cp.phone)) return true;
        if (cp.phone && matchPhone(cp.phone)) return true;
      }
    }
    return false;
  };
}

/** Russian collation, as `localeCompare(y, 'ru')` but built once (that builds one per call). */
const RU = new Intl.Collator('ru');

/** "name,desc;code" → comparator; only scalar fields are sortable. */
export function parseOrder(raw: string, spec: EntitySpec): (a: Entity, b: Entity) => number {
  const keys: { field: string; dir: number }[] = [];
  for (const part of raw.split(';').filter(Boolean)) {
    const [field = '', dir = 'asc'] = part.split(',');
    const kind = spec.fields[field];
    if (!kind || kind === 'json' || kind === 'strings') throw err.order(field, 'order');
    if (dir !== 'asc' && dir !== 'desc') throw err.order(dir, field);
    keys.push({ field, dir: dir === 'desc' ? -1 : 1 });
  }
  return (a, b) => {
    for (const { field, dir } of keys) {
      const x = a[field];
      const y = b[field];
      if (x === y) continue;
      if (x === undefined || x === null) return -dir;
      if (y === undefined || y === null) return dir;
      const c = typeof x === 'string' && typeof y === 'string' ? RU.compare(x, y) : (x as number) < (y as number) ? -1 : 1;
      if (c !== 0) return c * dir;
    }
    return 0;
  };
}

export function specOf(type: string): EntitySpec | undefined {
  return SPECS[type];
}
