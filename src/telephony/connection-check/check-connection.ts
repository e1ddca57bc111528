// "Проверить подключение": tests each link of a telephony integration separately and says
// precisely what is wrong with each (Phone API key, JSON API credential, UIS key).
import type { IntegrationRow } from '../../integrations/index.ts';
import { jsonApiFor, phoneApiFor, revealRole, uisClientsFor, type TelephonyDeps } from './clients.ts';
import { moyskladProblem, uisProblem } from './wording.ts';

export type LinkVerdict = {
  link: 'phoneKey' | 'moysklad' | 'uis';
  title: string;
  status: 'ok' | 'error' | 'skipped';
  message: string;
};

export type ConnectionCheck = { ok: boolean; links: LinkVerdict[]; webhookUrl: string | undefined };

const CHECK_TIMEOUT_MS = 8000;

async function checkPhoneKey(deps: TelephonyDeps, row: IntegrationRow): Promise<LinkVerdict> {
  const base = { link: 'phoneKey', title: 'МойСклад «Телефония» (Phone API)' } as const;
  if (!row.credentialIds.phoneKey) return { ...base, status: 'error', message: 'Не выбран «Ключ доступа» решения «Телефония» — без него звонки не попадут в МойСклад' };
  try {
    const { client } = await phoneApiFor(deps, row, { timeoutMs: CHECK_TIMEOUT_MS });
    const employees = await client.listEmployees({ lane: 'live' });
    const withExt = employees.filter((e) => e.extension).length;
    return {
      ...base,
      status: 'ok',
      message: withExt
        ? `Ключ принят. Сотрудников с добавочными номерами: ${withExt}`
        : 'Ключ принят, но ни у одного сотрудника МойСклад не указан добавочный номер — всплывающие карточки показать некому',
    };
  } catch (err) {
    return { ...base, status: 'error', message: moyskladProblem(err, 'phone') };
  }
}

async function checkJsonApi(deps: TelephonyDeps, row: IntegrationRow): Promise<LinkVerdict> {
  const base = { link: 'moysklad', title: 'МойСклад JSON API' } as const;
  if (!row.credentialIds.moysklad) {
    return { ...base, status: 'skipped', message: 'Не задан (необязательно): без него не будет имён сотрудников, поиска контрагентов для переадресации, заказов и задач' };
  }
  try {
    const client = await jsonApiFor(deps, row, { timeoutMs: CHECK_TIMEOUT_MS });
    const page = await client!.list('employee', { limit: 1, lane: 'live' });
    return { ...base, status: 'ok', message: `Доступ есть. Сотрудников в аккаунте: ${page.meta.size ?? page.rows.length}` };
  } catch (err) {
    return { ...base, status: 'error', message: moyskladProblem(err, 'json') };
  }
}

async function checkUis(deps: TelephonyDeps, row: IntegrationRow): Promise<LinkVerdict> {
  const base = { link: 'uis', title: 'UIS API' } as const;
  if (!row.credentialIds.uis) {
    return { ...base, status: 'skipped', message: 'Не задан (необязательно): без него не работают звонок в один клик и синхронизация сотрудников' };
  }
  try {
    await revealRole(deps, row, 'uis');
    const { data } = await uisClientsFor(deps, row, { timeoutMs: CHECK_TIMEOUT_MS });
    const page = await data.getEmployees({ limit: 1 });
    return { ...base, status: 'ok', message: `Ключ принят. Сотрудников UIS: ${page.totalItems}` };
  } catch (err) {
    return { ...base, status: 'error', message: uisProblem(err) };
  }
}

export async function checkConnection(deps: TelephonyDeps, row: IntegrationRow, webhookUrl: string | undefined): Promise<ConnectionCheck> {
  const links = await Promise.all([checkPhoneKey(deps, row), checkJsonApi(deps, row), checkUis(deps, row)]);
  return { ok: links.every((l) => l.status !== 'error'), links, webhookUrl };
}
