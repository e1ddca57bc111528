// MoySklad `filter=` / `order=` / `expand=` builders. Conditions are `field<op>value` joined by ";";
// a literal ";" in a value must be escaped as "\;". URL encoding happens later in the transport.

export type FilterOp = '=' | '!=' | '>' | '<' | '>=' | '<=' | '~' | '~=' | '=~';
export type FilterScalar = string | number | boolean | Date;
export type FilterCondition = [field: string, op: FilterOp, value: FilterScalar];

/**
 * Either a ready string, a list of conditions, or an object `{field: value | value[]}` meaning
 * equality (several values of one field = OR, as MoySklad defines repeated "=").
 */
export type FilterInput = string | FilterCondition[] | Record<string, FilterScalar | FilterScalar[] | null>;

export type DateFormatter = (d: Date) => string;

function scalar(v: FilterScalar, fmt: DateFormatter): string {
  if (v instanceof Date) return fmt(v);
  return String(v).replace(/;/g, '\\;');
}

export function buildFilter(input: FilterInput | undefined, fmt: DateFormatter): string | undefined {
  if (input === undefined) return undefined;
  if (typeof input === 'string') return input || undefined;
  const parts: string[] = [];
  if (Array.isArray(input)) {
    for (const [field, op, value] of input) parts.push(`${field}${op}${scalar(value, fmt)}`);
  } else {
    for (const [field, value] of Object.entries(input)) {
      // null → "field=" which MoySklad reads as "is empty".
      if (value === null) parts.push(`${field}=`);
      else for (const v of Array.isArray(value) ? value : [value]) parts.push(`${field}=${scalar(v, fmt)}`);
    }
  }
  return parts.length ? parts.join(';') : undefined;
}

export type OrderInput = string | Array<[field: string, dir?: 'asc' | 'desc']>;

export function buildOrder(input: OrderInput | undefined): string | undefined {
  if (input === undefined) return undefined;
  if (typeof input === 'string') return input || undefined;
  return input.map(([f, d]) => (d ? `${f},${d}` : f)).join(';') || undefined;
}

export function buildExpand(input: string | string[] | undefined): string | undefined {
  if (input === undefined) return undefined;
  const s = Array.isArray(input) ? input.join(',') : input;
  return s || undefined;
}
