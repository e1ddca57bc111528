// `GET /employee?filter=extention=101`: MoySklad's filter syntax on the misspelt field `extention`.
// Operators: = (repeated → OR), != (repeated → AND), ~ contains, ~= starts with, =~ ends with;
// `f=;` means empty, `f!=;` means not empty; mixing = and != on one field is an error (1034).
import { PhoneApiError, msError } from './errors.ts';

const OPERATORS = ['!=', '~=', '=~', '~', '='] as const;
type Operator = (typeof OPERATORS)[number];
const FILTERABLE = ['extention'] as const;

interface Condition {
  field: string;
  op: Operator;
  value: string;
}

const filterError = (detail: string): PhoneApiError =>
  new PhoneApiError(400, [msError(1034, `Ошибка фильтрации: '${detail}'`, 'filter')]);

export function parseFilter(filter: string): Condition[] {
  const out: Condition[] = [];
  for (const part of filter.split(';')) {
    if (part === '') continue;
    const m = /^[A-Za-z][A-Za-z0-9_.]*/.exec(part);
    if (!m) throw filterError(part);
    const field = m[0];
    const rest = part.slice(field.length);
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (!op) throw filterError(part);
    if (!(FILTERABLE as readonly string[]).includes(field)) throw filterError(`неизвестное поле ${field}`);
    out.push({ field, op, value: rest.slice(op.length) });
  }
  const eq = out.some((c) => c.op === '=');
  const ne = out.some((c) => c.op === '!=');
  if (eq && ne) throw filterError('нельзя одновременно применять = и != к одному полю');
  return out;
}

/** Does an extension (always non-empty here: only employees with one are listed) match? */
export function matches(conditions: Condition[], extension: string): boolean {
  const equals = conditions.filter((c) => c.op === '=');
  if (equals.length > 0 && !equals.some((c) => c.value !== '' && c.value === extension)) return false;
  for (const c of conditions) {
    if (c.op === '!=' && c.value !== '' && c.value === extension) return false;
    if (c.op === '~' && !extension.includes(c.value)) return false;
    if (c.op === '~=' && !extension.startsWith(c.value)) return false;
    if (c.op === '=~' && !extension.endsWith(c.value)) return false;
  }
  return true;
}
