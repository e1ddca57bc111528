// Russian names for the API's identifiers: credential kinds, integration kinds, webhook URLs, statuses.
import type { IconName } from './components/icons.tsx';
import type { CredentialKind, InboxStatus, IntegrationKind } from './api/types.ts';

export const CREDENTIAL_KINDS: Record<CredentialKind, { title: string; hint: string; secretLabel: string; hasLogin: boolean }> = {
  'moysklad-basic': {
    title: 'МойСклад — логин и пароль',
    hint: 'Логин и пароль пользователя МойСклад с доступом к заказам и контрагентам.',
    secretLabel: 'Пароль',
    hasLogin: true,
  },
  'moysklad-token': {
    title: 'МойСклад — токен',
    hint: 'Токен доступа к JSON API МойСклад (Настройки → Токены).',
    secretLabel: 'Токен',
    hasLogin: false,
  },
  'moysklad-phone-key': {
    title: 'МойСклад — ключ доступа телефонии',
    hint: 'Token из поля «Ключ доступа» в настройках приложения «Телефония — UIS» в МойСклад.',
    secretLabel: 'Token (Ключ доступа)',
    hasLogin: false,
  },
  'uis-api-key': {
    title: 'UIS — ключ API',
    hint: 'Ключ API из личного кабинета UIS (для звонков в один клик и синхронизации сотрудников).',
    secretLabel: 'Ключ API',
    hasLogin: false,
  },
};

export const INTEGRATION_KINDS: Record<IntegrationKind, { icon: IconName; title: string; description: string }> = {
  'moysklad-telephony': {
    icon: 'phone',
    title: 'Телефония в МойСклад',
    description: 'Всплывающие карточки звонков, журнал звонков с записями, звонок в один клик, задачи по пропущенным.',
  },
  'moysklad-deals': {
    icon: 'deals',
    title: 'МойСклад — передача сделок',
    description: 'Заказы покупателей попадают в Сырые данные → Сделки для сквозной аналитики: сумма, статус, магазин, контакты.',
  },
  'moysklad-chats': {
    icon: 'chat',
    title: 'Текстовые коммуникации',
    description: 'Контрагенты и заказы по обращениям из чатов, задачи по пропущенным чатам, виджет РМО в МойСклад.',
  },
};

export const KIND_ORDER: IntegrationKind[] = ['moysklad-telephony', 'moysklad-deals', 'moysklad-chats'];

export const HOOK_URLS: Record<string, { label: string; hint: string }> = {
  webhookUrl: {
    label: 'Webhook URL',
    hint: 'Вставьте в поле «Адрес провайдера телефонии» в настройках приложения «Телефония — UIS» в МойСклад.',
  },
  uisNotificationsBase: {
    label: 'Адрес уведомлений UIS',
    hint: 'Основа адресов уведомлений о звонках в личном кабинете UIS: к ней добавляется имя события.',
  },
  uisRouting: {
    label: 'Адрес интерактивной обработки вызова UIS',
    hint: 'Для переадресации звонка на персонального менеджера клиента из МойСклад.',
  },
  moyskladWebhook: {
    label: 'Адрес вебхуков МойСклад',
    hint: 'Сюда МойСклад сообщает об изменениях заказов и контрагентов.',
  },
  uisChats: {
    label: 'Адрес для чатов UIS',
    hint: 'Укажите в настройках чатов UIS, чтобы обращения попадали в МойСклад.',
  },
};

export const INBOX_STATUSES: Record<InboxStatus, { label: string; tone: 'green' | 'gray' | 'red' | 'amber' | 'blue' }> = {
  received: { label: 'В очереди', tone: 'blue' },
  processed: { label: 'Обработано', tone: 'green' },
  unparseable: { label: 'Не распознано', tone: 'amber' },
  failed: { label: 'Ошибка', tone: 'red' },
};

export const INBOX_SOURCES: Record<string, string> = {
  uis: 'UIS',
  'moysklad-webhook': 'Вебхук МойСклад',
  'moysklad-click-to-call': 'Звонок в один клик',
  'moysklad-vendor': 'Приложение МойСклад',
};

/** What an integration's `status` means for the user. */
export function integrationProblem(status: string): { title: string; advice: string } | null {
  if (status === 'ok') return null;
  if (status === 'credentials_rejected') {
    return {
      title: 'МойСклад отклонил учетные данные',
      advice: 'Проверьте ключ или пароль: замените секрет в разделе «Учетные данные» или выберите другие учетные данные ниже.',
    };
  }
  return { title: 'Интеграция работает с ошибками', advice: 'Подробности ниже. Если ошибка не проходит, напишите в поддержку.' };
}

export const DEAL_OUTCOMES: Record<string, { label: string; tone: 'green' | 'gray' | 'red' | 'blue' }> = {
  open: { label: 'В работе', tone: 'blue' },
  won: { label: 'Успешно', tone: 'green' },
  lost: { label: 'Неуспешно', tone: 'red' },
};
