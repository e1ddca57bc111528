// Human wording for UIS JSON-RPC error mnemonics (shared by the Call API and the Data API).
// UIS groups errors by `code`; the `data.mnemonic` is the unique key, so we map by mnemonic.

export interface UisErrorWording {
  en: string;
  ru: string;
  /** Whether repeating the same request later may succeed. */
  retryable: boolean;
}

const W = (en: string, ru: string, retryable = false): UisErrorWording => ({ en, ru, retryable });

export const UIS_ERROR_WORDING: Readonly<Record<string, UisErrorWording>> = {
  parse_error: W('UIS could not parse the request JSON', 'UIS не смог разобрать запрос (ошибка формата JSON)'),
  invalid_request: W('UIS rejected the request as invalid JSON-RPC', 'UIS отклонил запрос: неверный формат JSON-RPC'),
  method_not_found: W('UIS does not know this API method', 'UIS не поддерживает этот метод API'),
  required_parameter_missed: W('A required parameter is missing', 'Не передан обязательный параметр'),
  invalid_parameter_value: W('A parameter has an invalid value', 'Недопустимое значение параметра'),
  unexpected_parameters: W('The request contains parameters UIS does not expect', 'В запросе есть параметры, которые UIS не принимает'),
  data_type_error: W('A parameter has the wrong data type', 'Параметр передан в неверном формате'),
  invalid_parameters_combination: W('This combination of parameters is not allowed', 'Такое сочетание параметров не допускается'),
  call_session_not_found: W('The call session was not found', 'Звонок не найден'),
  internal_error: W('UIS internal error', 'Внутренняя ошибка UIS, попробуйте позже', true),
  access_token_expired: W('The UIS access token has expired', 'Срок действия ключа доступа UIS истёк — сгенерируйте новый ключ в личном кабинете UIS'),
  access_token_blocked: W('The UIS access token is blocked', 'Ключ доступа UIS заблокирован — проверьте ключ в личном кабинете UIS'),
  access_token_invalid: W('The UIS access token is invalid', 'Неверный ключ доступа UIS — проверьте ключ в настройках интеграции'),
  auth_error: W('UIS authentication failed', 'Ошибка авторизации в UIS — проверьте ключ доступа'),
  contact_in_blacklist: W('The contact number is in the UIS blacklist', 'Номер клиента находится в чёрном списке UIS'),
  ip_not_whitelisted: W('Our server IP is not in the UIS API whitelist', 'IP-адрес сервера не разрешён в UIS: добавьте его в «Правила и настройки безопасности → API»'),
  forbidden: W('The UIS user has no right for this action', 'У пользователя UIS нет прав на это действие'),
  invalid_state: W('The call is in a state that does not allow this action', 'Действие невозможно в текущем состоянии звонка'),
  virtual_phone_number_not_found: W('The virtual phone number does not belong to the UIS account', 'Виртуальный номер не найден в аккаунте UIS'),
  component_disabled: W('The required UIS tariff component is disabled', 'В тарифе UIS не подключена нужная опция (Call API)'),
  method_component_disabled: W('The UIS tariff component required by this method is disabled', 'В тарифе UIS не подключена опция, нужная для этого отчёта (Data API)'),
  parameter_component_disabled: W('A UIS tariff component required by a parameter is disabled', 'В тарифе UIS не подключена опция, нужная для одного из параметров'),
  account_inactive: W('The UIS account is inactive', 'Аккаунт UIS неактивен'),
  limit_exceeded: W('The UIS API limit has been exceeded', 'Превышен лимит запросов к API UIS, повторите позже', true),
  batch_operations_not_supported: W('UIS does not support JSON-RPC batches', 'UIS не поддерживает пакетные запросы'),
  batch_opreations_not_supported: W('UIS does not support JSON-RPC batches', 'UIS не поддерживает пакетные запросы'),
  notifications_not_supported: W('UIS does not support JSON-RPC notifications', 'UIS не поддерживает запросы без идентификатора'),
  tts_text_exceeded: W('The text-to-speech message is too long', 'Слишком длинный текст для синтеза речи'),
  media_file_not_found: W('The media file was not found', 'Аудиофайл не найден в UIS'),
  employee_not_found: W('The UIS employee was not found', 'Сотрудник не найден в UIS — обновите список сотрудников'),
  no_active_phone_number: W('The UIS employee has no active phone number', 'У сотрудника в UIS нет активного номера телефона'),
  own_virtual_phone_number_not_allowed: W('Calling the account own virtual number is not allowed', 'Нельзя звонить на собственный виртуальный номер'),
  character_encoding_not_allowed: W('The text contains characters UIS does not allow', 'Текст содержит недопустимые символы'),
  sort_prohibited: W('Sorting by this field is not allowed', 'Сортировка по этому полю недоступна'),
  filter_prohibited: W('Filtering by this field is not allowed', 'Фильтрация по этому полю недоступна'),
  date_interval_limit_reached: W('The report period is too long (at most 3 months)', 'Слишком большой период отчёта (не более 3 месяцев)'),
  // Raised by our client, not by UIS.
  timeout: W('UIS did not answer in time', 'UIS не ответил вовремя, попробуйте позже', true),
  network_error: W('Could not reach UIS', 'Не удалось связаться с UIS, попробуйте позже', true),
  http_error: W('UIS answered with an unexpected HTTP status', 'UIS вернул неожиданный ответ, попробуйте позже', true),
  invalid_response: W('UIS answered with a response we do not understand', 'UIS вернул ответ в неожиданном формате'),
};

const FALLBACK_BY_CODE: Readonly<Record<number, string>> = {
  [-32700]: 'parse_error',
  [-32600]: 'invalid_request',
  [-32601]: 'method_not_found',
  [-32602]: 'invalid_parameter_value',
  [-32603]: 'internal_error',
  [-32001]: 'auth_error',
  [-32002]: 'contact_in_blacklist',
  [-32003]: 'forbidden',
  [-32004]: 'invalid_state',
  [-32007]: 'virtual_phone_number_not_found',
  [-32008]: 'component_disabled',
  [-32009]: 'account_inactive',
  [-32029]: 'limit_exceeded',
};

/** Wording for a mnemonic; an unknown mnemonic falls back to its code group, then to a generic text. */
export function uisErrorWording(mnemonic: string, code: number | null): UisErrorWording {
  const direct = UIS_ERROR_WORDING[mnemonic];
  if (direct) return direct;
  const byCode = code === null ? undefined : FALLBACK_BY_CODE[code];
  const group = byCode ? UIS_ERROR_WORDING[byCode] : undefined;
  if (group) return group;
  return W('UIS returned an error', 'UIS вернул ошибку');
}
