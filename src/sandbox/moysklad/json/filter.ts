import { Ref, hrefToPath } from '../model/ref.ts';
import { SPECS, type EntitySpec, type FieldKind } from '../model/specs.ts';
import type { AccountData } from '../model/account-data.ts';
import type { AttributeValue, Entity } from '../model/types.ts';
import { parseMsk } from '../util/time.ts';
import { err } from './errors.ts';

type Op = '=' | '!=' | '>' | '<' | '>=' | '<=' | '~' | '~=' | '=~';
const OPS: Op[] = ['>=', '<=', '!=', '~=', '=~', '=', '>', '<', '~'];
type Kind = FieldKind | 'ref';
type Pred = (e: Entity) => boolean;

export interface ParsedFilter {
  predicate: Pred;
  fields: Set<string>;
}

/** Splits on ";" except the escaped "\;". */
function splitConditions(raw: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '\\' && raw[i + 1] === ';') {
      cur += ';';
      i++;
    } else if (ch === ';') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.filter((c) => c.length > 0);
}

function splitOperator(cond: string): { field: string; op: Op; value: string } {
  for (let i = 0; i < cond.length; i++) {
    if (!'=<>!~'.includes(cond[i] ?? '')) continue;
    for (const op of OPS) {
      if (cond.startsWith(op, i)) return { field: cond.slice(0, i), op, value: cond.slice(i + op.length) };
    }
  }
  throw err.filter(`неверное условие фильтрации '${cond}'`);
}

interface FieldAccess {
  kind: Kind;
  get: (e: Entity) => unknown;
}

function resolveField(field: string, spec: EntitySpec, data: AccountData): FieldAccess {
  if (field.includes('/metadata/attributes/')) {
    const id = field.slice(field.lastIndexOf('/') + 1);
    const def = data.attributesOf(spec.type).find((a) => a.id === id);
    if (!def) throw err.filter(`неизвестное доп. поле '${field}'`);
    const kind: Kind = ['string', 'text', 'link'].includes(def.type) ? 'string'
      : ['long', 'double'].includes(def.type) ? 'number'
      : def.type === 'boolean' ? 'boolean' : def.type === 'time' ? 'date' : def.type === 'file' ? 'json' : 'ref';
    if (kind === 'json') throw err.filter(`фильтрация по доп. полю типа file не поддерживается`);
    return { kind, get: (e) => (e['attributes'] as AttributeValue[] | undefined)?.find((a) => a.id === id)?.value };
  }
  const dot = field.indexOf('.');
  if (dot > 0) {
    const head = field.slice(0, dot);
    const tail = field.slice(dot + 1);
    if (spec.refs[head] && tail === 'name') {
      return {
        kind: 'string',
        get: (e) => {
          const r = e[head];
          if (!(r instanceof Ref)) return undefined;
          if (r.type === 'state') return data.findState(spec.type, r.id)?.name;
          return r.type in SPECS ? data.col(r.type).get(r.id)?.['name'] : undefined;
        },
      };
    }
    throw err.filter(`параметр '${field}' не поддерживается`);
  }
  if (spec.refs[field]) return { kind: 'ref', get: (e) => e[field] };
  if (field === 'isDeleted' && spec.type === 'customerorder') return { kind: 'boolean', get: () => false };
  const kind = spec.fields[field];
  if (!kind || kind === 'json') throw err.filter(`неизвестное поле фильтрации '${field}'`);
  if (field === 'archived') return { kind, get: (e) => e['archived'] === true };
  if (field === 'done') return { kind, get: (e) => e['done'] === true };
  return { kind, get: (e) => e[field] };
}

function parseValue(kind: Kind, raw: string, field: string): unknown {
  if (raw === '') return null;
  switch (kind) {
    case 'number': {
      const n = Number(raw);
      if (Number.isNaN(n)) throw err.filterValue(raw, field);
      return n;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw err.filterValue(raw, field);
      return raw === 'true';
    case 'date': {
      const ms = parseMsk(raw);
      if (ms === undefined) throw err.filterDate();
      return ms;
    }
    case 'ref': {
      const path = hrefToPath(raw);
      if (!path) throw err.filterValue(raw, field);
      return path.slice(path.lastIndexOf('/') + 1);
    }
    default:
      return raw;
  }
}

const ALLOWED: Record<Kind, Op[]> = {
  string: ['=', '!=', '~', '~=', '=~'],
  strings: ['=', '!=', '~', '~=', '=~'],
  number: ['=', '!=', '>', '<', '>=', '<='],
  date: ['=', '!=', '>', '<', '>=', '<='],
  boolean: ['=', '!='],
  ref: ['=', '!='],
  json: [],
};

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function compare(kind: Kind, op: Op, actual: unknown, expected: unknown): boolean {
  if (expected === null) {
    if (op === '=') return isEmpty(actual);
    if (op === '!=') return !isEmpty(actual);
    return false;
  }
  if (kind === 'strings') {
    const arr = Array.isArray(actual) ? (actual as string[]) : [];
    if (op === '!=') return !arr.some((s) => compare('string', '=', s, expected));
    return arr.some((s) => compare('string', op, s, expected));
  }
  if (kind === 'ref') {
    const id = actual instanceof Ref ? actual.id : undefined;
    return op === '=' ? id === expected : id !== expected;
  }
  if (actual === undefined || actual === null) return op === '!=';
  if (kind === 'string') {
    const a = String(actual);
    const e = String(expected);
    switch (op) {
      case '=': return a === e;
      case '!=': return a !== e;
      case '~': return a.toLowerCase().includes(e.toLowerCase());
      case '~=': return a.toLowerCase().startsWith(e.toLowerCase());
      case '=~': return a.toLowerCase().endsWith(e.toLowerCase());
      default: return false;
    }
  }
  const a = actual as number;
  const e = expected as number;
  switch (op) {
    case '=': return a === e;
    case '!=': return a !== e;
    case '>': return a > e;
    case '<': return a < e;
    case '>=': return a >= e;
    case '<=': return a <= e;
    default: return false;
  }
}

/**
 * "field=a;field=b;…" (OR). Strings and references are looked up in a set: the backfill asks for
 * 100 ids a request, and comparing each of 100 000 rows with each of them was most of the
 * sandbox's time. Other kinds (and the empty value) keep `compare`'s rules.
 */
function equalsAny(kind: Kind, get: (e: Entity) => unknown, values: unknown[]): Pred {
  const anyOf = (a: unknown) => values.some((v) => compare(kind, '=', a, v));
  if ((kind !== 'string' && kind !== 'ref') || values.length < 2) return (e) => anyOf(get(e));
  const wanted = new Set(values.filter((v) => v !== null).map(String));
  const orEmpty = values.includes(null);
  return (e) => {
    const a = get(e);
    if (orEmpty && isEmpty(a)) return true;
    if (kind === 'ref') return a instanceof Ref && wanted.has(a.id);
    return a !== undefined && a !== null && wanted.has(String(a));
  };
}

/**
 * MoySklad filter semantics: conditions on different fields are ANDed; repeated "=" on one field
 * is OR; repeated "!=" is AND; "=" mixed with other operators on one field is an error.
 */
export function parseFilter(raw: string, spec: EntitySpec, data: AccountData): ParsedFilter {
  const byField = new Map<string, { access: FieldAccess; eq: unknown[]; rest: { op: Op; value: unknown }[] }>();
  for (const cond of splitConditions(raw)) {
    const { field, op, value } = splitOperator(cond);
    if (!field) throw err.filter(`неверное условие фильтрации '${cond}'`);
    let g = byField.get(field);
    if (!g) byField.set(field, (g = { access: resolveField(field, spec, data), eq: [], rest: [] }));
    if (!ALLOWED[g.access.kind].includes(op)) throw err.filter(`оператор '${op}' не поддерживается для поля '${field}'`);
    const parsed = parseValue(g.access.kind, value, field);
    if (op === '=') g.eq.push(parsed);
    else g.rest.push({ op, value: parsed });
  }
  const preds: Pred[] = [];
  for (const [field, g] of byField) {
    if (g.eq.length && g.rest.length) throw err.filter(`поле '${field}' нельзя одновременно сравнивать на равенство и неравенство`);
    const { kind, get } = g.access;
    if (g.eq.length) preds.push(equalsAny(kind, get, g.eq));
    for (const r of g.rest) preds.push((e) => compare(kind, r.op, get(e), r.value));
  }
  return { predicate: (e) => preds.every((p) => p(e)), fields: new Set(byField.keys()) };
}
