// Russian explanations of failures, precise enough that the user knows what to fix.
import {
  AuthError,
  ForbiddenError,
  MoyskladHttpError,
  MoyskladNetworkError,
  MoyskladTimeoutError,
  NotInstalledError,
  RateLimitedError,
} from '../../moysklad/index.ts';
import { isUisApiError } from '../../uis/index.ts';
import { MissingCredentialError } from './clients.ts';

export type MoyskladApiLabel = 'phone' | 'json';

export function moyskladProblem(err: unknown, api: MoyskladApiLabel): string {
  const what = api === 'phone' ? 'ключ доступа «Телефонии»' : 'учётные данные JSON API';
  if (err instanceof MissingCredentialError) return err.message;
  if (err instanceof NotInstalledError) return 'В аккаунте МойСклад не подключено решение «Телефония» (ошибка 55008): подключите его в каталоге решений';
  if (err instanceof AuthError) {
    return api === 'phone'
      ? `МойСклад отклонил ключ доступа «Телефонии» (HTTP ${err.status}${err.code ? `, код ${err.code}` : ''}): скопируйте актуальный «Ключ доступа» из настроек решения «Телефония» — после перевыпуска старый ключ перестаёт работать`
      : `МойСклад отклонил ${what} (HTTP ${err.status}${err.code ? `, код ${err.code}` : ''}): проверьте логин и пароль или токен`;
  }
  if (err instanceof ForbiddenError) return `МойСклад запретил доступ с этими учётными данными (HTTP 403): у пользователя нет прав${err.code ? ` (код ${err.code})` : ''}`;
  if (err instanceof RateLimitedError) return `МойСклад временно ограничил запросы (HTTP 429): повторите через ${Math.ceil(err.retryAfterMs / 1000)} с`;
  if (err instanceof MoyskladTimeoutError) return 'МойСклад не ответил вовремя: повторите проверку позже';
  if (err instanceof MoyskladNetworkError) return 'Не удалось соединиться с МойСклад: сервер недоступен';
  if (err instanceof MoyskladHttpError) return `МойСклад ответил ошибкой HTTP ${err.status}${err.code ? ` (код ${err.code})` : ''}`;
  return `Неожиданная ошибка при обращении к МойСклад: ${err instanceof Error ? err.message : String(err)}`;
}

export function uisProblem(err: unknown): string {
  if (err instanceof MissingCredentialError) return err.message;
  if (isUisApiError(err)) return `${err.messageRu} [${err.mnemonic}]`;
  return `Неожиданная ошибка при обращении к UIS: ${err instanceof Error ? err.message : String(err)}`;
}

/** Any failure of a telephony operation, worded for the user. */
export function problemText(err: unknown): string {
  if (err instanceof MissingCredentialError) return err.message;
  if (isUisApiError(err)) return uisProblem(err);
  if (err instanceof MoyskladHttpError || err instanceof MoyskladTimeoutError || err instanceof MoyskladNetworkError) {
    return moyskladProblem(err, err instanceof MoyskladHttpError && /\/api\/phone\//.test(err.url) ? 'phone' : 'json');
  }
  return err instanceof Error ? err.message : String(err);
}
