// MoySklad error bodies: {"errors":[{error, parameter?, code, error_message}]} (same as JSON API 1.2).

export interface MsErrorItem {
  error: string;
  parameter?: string;
  code?: number;
  error_message?: string;
  moreInfo?: string;
}

export class PhoneApiError extends Error {
  readonly status: number;
  readonly items: MsErrorItem[];
  readonly headers: Record<string, string>;

  constructor(status: number, items: MsErrorItem[], headers: Record<string, string> = {}) {
    super(items.map((i) => i.error).join('; '));
    this.status = status;
    this.items = items;
    this.headers = headers;
  }

  body(): { errors: MsErrorItem[] } {
    return { errors: this.items };
  }
}

export function msError(code: number, error: string, parameter?: string): MsErrorItem {
  const item: MsErrorItem = { error, code, error_message: error };
  if (parameter !== undefined) item.parameter = parameter;
  item.moreInfo = `https://dev.moysklad.ru/doc/api/phone/1.0/#error_${code}`;
  return item;
}

export const requiredField = (field: string): MsErrorItem =>
  msError(3000, `Ошибка сохранения объекта: поле '${field}' не может быть пустым или отсутствовать`, field);

export const formatError = (field: string, detail: string): MsErrorItem =>
  msError(2017, `Ошибка формата: неизвестная ошибка (${detail})`, field);

export const badEnum = (field: string, value: unknown, allowed: readonly string[]): MsErrorItem =>
  msError(
    3005,
    `Ошибка сохранения объекта: неверное значение '${String(value)}' поля '${field}'. Допустимые значения: ${allowed.join(', ')}`,
    field,
  );

export const notFound = (type: string, id: string): PhoneApiError =>
  new PhoneApiError(404, [msError(1021, `Объект с типом '${type}' и идентификатором '${id}' не найден`)]);

export const authError = (detail: string): PhoneApiError =>
  new PhoneApiError(401, [msError(1056, `Ошибка аутентификации: ${detail}`)], {
    'X-Lognex-Auth': '1056',
    'X-Lognex-Auth-Message': encodeURIComponent(detail),
  });
