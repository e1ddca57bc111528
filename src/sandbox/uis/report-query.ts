// Data API get-method mechanics: filter (simple or tree), sort, fields, limit/offset bounds.
import { rpcErrors, UisRpcError } from './rpc-error.ts';

type Row = Record<string, unknown>;
const OPERATORS = new Set(['=', '!=', '<', '>', '<=', '>=', 'like', 'regexp', 'in']);

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

function matches(row: Row, filter: unknown, path = 'filter'): boolean {
  if (!filter || typeof filter !== 'object') throw rpcErrors.invalidValue(path, filter);
  const f = filter as Record<string, unknown>;
  if (Array.isArray(f.filters)) {
    const cond = f.condition ?? 'and';
    if (cond !== 'and' && cond !== 'or') throw rpcErrors.invalidValue(`${path}.condition`, cond);
    const parts = f.filters.map((sub, i) => matches(row, sub, `${path}.filters.${i}`));
    return cond === 'and' ? parts.every(Boolean) : parts.some(Boolean);
  }
  if (typeof f.field !== 'string') throw rpcErrors.required(`${path}.field`);
  if (typeof f.operator !== 'string' || !OPERATORS.has(f.operator)) throw rpcErrors.invalidValue(`${path}.operator`, f.operator);
  if (!(f.field in row)) throw new UisRpcError(-32602, 'filter_prohibited', `Filtering by ${f.field} is prohibited`, `${path}.field`, f.field);
  const v = row[f.field];
  const want = f.value;
  switch (f.operator) {
    case '=':
      return want === null ? v === null || v === undefined : v === want || String(v) === String(want);
    case '!=':
      return want === null ? v !== null && v !== undefined : !(v === want || String(v) === String(want));
    case '<':
      return compare(v, want) < 0;
    case '>':
      return compare(v, want) > 0;
    case '<=':
      return compare(v, want) <= 0;
    case '>=':
      return compare(v, want) >= 0;
    case 'in':
      if (!Array.isArray(want)) throw rpcErrors.invalidValue(`${path}.value`, want);
      return want.some((w) => w === v || String(w) === String(v));
    case 'like': {
      const re = new RegExp(`^${String(want).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*')}$`, 'i');
      return re.test(String(v ?? ''));
    }
    case 'regexp':
      return new RegExp(String(want)).test(String(v ?? ''));
  }
  return false;
}

export interface QueryResult {
  rows: Row[];
  total: number;
}

/** Applies filter → sort → paging → field projection, validating like UIS does. */
export function runReportQuery(all: Row[], params: Record<string, unknown>): QueryResult {
  const limit = params.limit ?? 1000;
  const offset = params.offset ?? 0;
  if (typeof limit !== 'number' || !Number.isInteger(limit)) throw rpcErrors.dataType('limit', limit, 'integer');
  if (limit < 1 || limit > 10_000) throw rpcErrors.invalidValue('limit', limit, 'must be between 1 and 10000');
  if (typeof offset !== 'number' || !Number.isInteger(offset)) throw rpcErrors.dataType('offset', offset, 'integer');
  if (offset < 0 || offset > 100_000) throw rpcErrors.invalidValue('offset', offset, 'must be between 0 and 100000');

  let rows = params.filter !== undefined && params.filter !== null ? all.filter((r) => matches(r, params.filter)) : [...all];

  if (params.sort !== undefined) {
    if (!Array.isArray(params.sort)) throw rpcErrors.dataType('sort', params.sort, 'array');
    const keys = params.sort.map((s: unknown, i) => {
      const o = s as { field?: unknown; order?: unknown };
      if (typeof o?.field !== 'string') throw rpcErrors.required(`sort.${i}.field`);
      if (o.order !== undefined && o.order !== 'asc' && o.order !== 'desc') throw rpcErrors.invalidValue(`sort.${i}.order`, o.order);
      if (all[0] && !(o.field in all[0])) throw new UisRpcError(-32602, 'sort_prohibited', `Sorting by ${o.field} is prohibited`, `sort.${i}.field`, o.field);
      return { field: o.field, dir: o.order === 'desc' ? -1 : 1 };
    });
    rows.sort((a, b) => {
      for (const k of keys) {
        const c = compare(a[k.field], b[k.field]);
        if (c !== 0) return c * k.dir;
      }
      return 0;
    });
  }

  const total = rows.length;
  rows = rows.slice(offset, offset + limit);

  if (params.fields !== undefined) {
    if (!Array.isArray(params.fields)) throw rpcErrors.dataType('fields', params.fields, 'array');
    const fields = params.fields as unknown[];
    const known = all[0];
    for (const f of fields) {
      if (typeof f !== 'string') throw rpcErrors.dataType('fields', f, 'string');
      if (known && !(f in known)) throw rpcErrors.invalidValue('fields', f, `unknown field ${f}`);
    }
    rows = rows.map((r) => Object.fromEntries((fields as string[]).map((f) => [f, r[f] ?? null])));
  }
  return { rows, total };
}
