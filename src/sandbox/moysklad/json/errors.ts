// MoySklad error bodies: {errors:[{error, code, moreInfo, parameter?}]}.
export interface MsErrorItem {
  error: string;
  code?: number;
  parameter?: string;
  moreInfo?: string;
  error_message?: string;
}

export class MsError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    message: string,
    readonly parameter?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { errors: MsErrorItem[] } {
    return { errors: [errorItem(this.code, this.message, this.parameter)] };
  }
}

export function errorItem(code: number | undefined, error: string, parameter?: string): MsErrorItem {
  const item: MsErrorItem = { error };
  if (parameter !== undefined) item.parameter = parameter;
  if (code !== undefined) {
    item.code = code;
    item.moreInfo = `https://dev.moysklad.ru/doc/api/remap/1.2/#error_${code}`;
  }
  return item;
}

export const err = {
  auth: (detail = 'Неправильный пароль или имя пользователя или ключ авторизации') =>
    new MsError(401, 1056, `Ошибка аутентификации: ${detail}`, undefined, { 'X-Lognex-Auth': '1056', 'X-Lognex-Auth-Message': encodeURIComponent(`Ошибка аутентификации: ${detail}`) }),
  unknownPath: (path: string) => new MsError(404, 1002, `Неопознанный путь: ${path}`),
  unknownType: (type: string) => new MsError(404, 1005, `Неизвестный тип: ${type}`),
  notFound: (type: string, id: string) => new MsError(404, 1021, `Объект с типом '${type}' и идентификатором '${id}' не найден`),
  badId: () => new MsError(400, 1000, 'Элемент URI не является идентификатором'),
  method: (method: string) => new MsError(405, 1039, `Операция ${method} не поддерживается для данного ресурса`),
  filter: (text: string) => new MsError(412, 1034, `Ошибка фильтрации: ${text}`),
  filterDate: () => new MsError(412, 1035, 'Ошибка фильтрации: неверный формат даты параметра фильтрации'),
  filterValue: (value: string, param: string) => new MsError(412, 1014, `Неверное значение '${value}' параметра фильтрации '${param}'`),
  order: (value: string, param: string) => new MsError(412, 1042, `Неверное значение '${value}' параметра сортировки '${param}', допустимые значения: 'asc', 'desc'`),
  params: () => new MsError(400, 1040, 'Неверно заданы параметры запроса'),
  expand: (path: string) => new MsError(400, 1089, `Expand поля ${path} не поддерживается`),
  json: () => new MsError(400, 2001, 'Ошибка формата: входящий запрос не соответствует формату JSON'),
  jsonStart: () => new MsError(400, 2005, 'Ошибка формата: входящий JSON должен начинаться либо с объекта, либо с массива'),
  noObjects: () => new MsError(400, 1027, 'Запрос не содержит объектов'),
  contentType: () => new MsError(400, 1037, 'Неверно указан Content-Type запроса'),
  accept: () => new MsError(400, 1062, "Неверное значение заголовка 'Accept'. Поддерживается только значение 'application/json;charset=utf-8'"),
  tooLarge: () => new MsError(413, 1044, 'Превышен максимальный размер запроса'),
  tooManyItems: () => new MsError(413, 2022, 'Ошибка формата: слишком большое число элементов вложенной коллекции'),
  fieldType: (field: string, type: string) => new MsError(400, 2016, `Ошибка формата: значение поля '${field}' не соответствует типу ${type}`),
  metaField: (field: string, type: string) => new MsError(400, 2018, `Ошибка формата: отсутствует поле \`${field}\` для meta \`${type}\``),
  metaType: () => new MsError(400, 1060, 'Некорректный тип данных в meta сущности, поле type'),
  required: (field: string) => new MsError(412, 3000, `Ошибка сохранения объекта: поле '${field}' не может быть пустым или отсутствовать`),
  syncIdChange: () => new MsError(400, 1047, 'Вы не можете обновить поле syncId в запросе на обновление сущности'),
  badUuid: () => new MsError(400, 1052, 'Неверный формат UUID'),
  unique: (param: string) => new MsError(412, 3006, `Ошибка сохранения объекта: нарушено ограничение уникальности параметра '${param}'`),
  notDeletable: (type: string) => new MsError(405, 1010, `Удаление объектов типа '${type}' не поддерживается`),
  rate: (retryAfterMs: number, headers: Record<string, string>) =>
    new MsError(429, 1049, 'Превышено ограничение на количество запросов в единицу времени', undefined, {
      ...headers, 'X-Lognex-Retry-After': String(retryAfterMs), 'X-Lognex-Auth': '429002',
    }),
  parallel: () =>
    new MsError(429, 1073, 'Превышено ограничение на одновременное количество запросов', undefined, { 'X-Lognex-Auth': '429005' }),
  webhook: {
    entityType: (t: string) => new MsError(412, 30000, `Ошибка сохранения webhook: неподдерживаемый тип сущности '${t}'`),
    method: (m: string) => new MsError(412, 30001, `Ошибка сохранения webhook: неизвестный HTTP-метод '${m}'. Допустимый: POST`),
    action: (a: string) => new MsError(412, 30002, `Ошибка сохранения webhook: неизвестное действие '${a}'. Допустимые: CREATE, UPDATE, DELETE`),
    exists: () => new MsError(412, 30003, 'Ошибка сохранения webhook: webhook с данным набором параметров уже существует'),
    url: () => new MsError(412, 30005, 'Ошибка сохранения webhook: значение поля url не является корректным адресом запроса'),
    limit: () => new MsError(412, 30007, "Нельзя создать больше '5' веб-хуков одинакового типа на одну сущность"),
    diffType: (a: string) => new MsError(412, 30009, `Ошибка сохранения webhook: указание значения поля 'diffType' не поддерживается для действия '${a}'. Допустимые: UPDATE`),
    urlLength: () => new MsError(412, 30010, 'Ошибка сохранения webhook: длина url адреса больше 255 символов'),
  },
  taskRights: () => new MsError(403, 37003, 'Ошибка: недостаточно прав для изменения задачи'),
  internal: () => new MsError(500, 1999, 'Неизвестная ошибка'),
};
