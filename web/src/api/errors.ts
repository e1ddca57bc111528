// Russian headlines for API failures; the server's English message is shown below as detail.
import { ApiError } from './client.ts';

export type ErrorText = { title: string; detail: string | null };

const BY_CODE: Record<string, string> = {
  invalid_credentials: 'Неверный e-mail или пароль',
  in_use: 'Учетные данные используются интеграцией',
  network: 'Нет связи с сервером',
  conflict: 'Так сделать нельзя',
};

const BY_STATUS: Record<number, string> = {
  400: 'Проверьте введённые данные',
  401: 'Нужно войти снова',
  403: 'Недостаточно прав',
  404: 'Не найдено',
  409: 'Так сделать нельзя',
  413: 'Слишком большой запрос',
  429: 'Слишком много запросов, попробуйте чуть позже',
};

export function describeError(err: unknown): ErrorText {
  if (err instanceof ApiError) {
    const title = BY_CODE[err.code] ?? BY_STATUS[err.status] ?? (err.status >= 500 ? 'Ошибка на сервере, попробуйте позже' : 'Не получилось');
    return { title, detail: err.message || null };
  }
  return { title: 'Что-то пошло не так', detail: err instanceof Error ? err.message : String(err) };
}
