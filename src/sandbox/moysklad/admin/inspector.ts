import { Ref } from '../model/ref.ts';
import type { Account } from '../model/accounts.ts';
import type { ContactPerson, Entity } from '../model/types.ts';
import { formatMsk } from '../util/time.ts';

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function refName(a: Account, v: unknown): string {
  if (!(v instanceof Ref)) return '';
  if (v.type === 'state') {
    const [, entityType] = v.path.split('/');
    return a.data.findState(entityType ?? '', v.id)?.name ?? '';
  }
  return String(a.data.col(v.type).get(v.id)?.['name'] ?? '');
}

function lastN<T>(rows: T[], n: number): T[] {
  return rows.slice(Math.max(0, rows.length - n)).reverse();
}

const money = (kop: unknown): string => (typeof kop === 'number' ? (kop / 100).toLocaleString('ru-RU', { minimumFractionDigits: 2 }) + ' ₽' : '');

export interface InspectorInput {
  accounts: Account[];
  current: Account;
  limit: number;
  /** HTML of the Phone API section for this account (calls, recordings, live call cards) */
  phoneSection?: (accountId: string) => string;
}

/** The sandbox's HTML inspector (Russian UI): counterparties, orders, tasks and the phone slot. */
export function renderInspector({ accounts, current: a, limit, phoneSection }: InspectorInput): string {
  const cps = lastN(a.data.col('counterparty').all(), limit);
  const orders = lastN(a.data.col('customerorder').all(), limit);
  const tasks = lastN(a.data.col('task').all(), limit);
  const webhooks = a.data.col('webhook').all();
  const tabs = accounts.map((x) => `<a href="?account=${encodeURIComponent(x.name)}"${x === a ? ' class="on"' : ''}>${esc(x.name)}</a>`).join(' ');
  const cpRows = cps.map((c: Entity) => {
    const persons = ((c['_contactpersons'] as ContactPerson[] | undefined) ?? []).map((p) => `${esc(p.name)} ${esc(p.phone ?? '')}`).join('<br>');
    return `<tr data-id="${esc(c.id)}"><td>${esc(c['name'])}</td><td>${esc(c['phone'])}</td><td>${esc(c['email'])}</td><td>${persons}</td><td>${esc(refName(a, c['owner']))}</td><td>${esc(formatMsk(c.updated).slice(0, 16))}</td></tr>`;
  }).join('');
  const orderRows = orders.map((o: Entity) =>
    `<tr data-id="${esc(o.id)}"><td>${esc(o['name'])}</td><td>${esc(formatMsk(Number(o['moment'] ?? o.created)).slice(0, 16))}</td><td>${esc(refName(a, o['agent']))}</td><td>${esc(refName(a, o['state']))}</td><td class="num">${money(o['sum'])}</td><td>${esc(refName(a, o['salesChannel']))}</td><td>${esc(refName(a, o['store']))}</td><td>${esc(refName(a, o['owner']))}</td></tr>`).join('');
  const taskRows = tasks.map((t: Entity) =>
    `<tr data-id="${esc(t.id)}"><td>${esc(t['description'])}</td><td>${esc(refName(a, t['assignee']))}</td><td>${esc(refName(a, t['agent']))}</td><td>${t['done'] ? 'выполнена' : 'открыта'}</td><td>${t['dueToDate'] ? esc(formatMsk(Number(t['dueToDate'])).slice(0, 16)) : ''}</td></tr>`).join('');
  const hookRows = webhooks.map((w) => `<tr><td>${esc(w['entityType'])}</td><td>${esc(w['action'])}</td><td>${esc(w['url'])}</td><td>${w['enabled'] ? 'включён' : 'выключен'}</td></tr>`).join('');
  const employees = a.data.col('employee').all().map((e) => `<tr><td>${esc(e['name'])}</td><td>${esc(e['uid'])}</td><td>${esc(a.data.extensions.get(e.id) ?? '—')}</td></tr>`).join('');
  let phone = '<p class="muted">Раздел телефонии не подключён.</p>';
  if (phoneSection) {
    try {
      phone = phoneSection(a.id);
    } catch (e) {
      phone = `<p class="muted">Ошибка раздела телефонии: ${esc((e as Error).message)}</p>`;
    }
  }
  return `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Песочница МойСклад — ${esc(a.name)}</title>
<meta http-equiv="refresh" content="10">
<style>body{font:14px system-ui,sans-serif;margin:16px;color:#222}table{border-collapse:collapse;width:100%;margin-bottom:20px}
td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f3f3f3}.num{text-align:right}
nav a{margin-right:8px}nav a.on{font-weight:bold}.muted{color:#888}section{margin-bottom:24px}</style></head><body>
<h1>Песочница МойСклад</h1>
<nav>Аккаунты: ${tabs}</nav>
<p>Аккаунт <b>${esc(a.name)}</b> (${esc(a.id)}): контрагентов ${a.data.col('counterparty').size}, заказов ${a.data.col('customerorder').size}, задач ${a.data.col('task').size}. Показаны последние ${limit}.</p>
<section id="phone"><h2>Телефония</h2>${phone}</section>
<section id="counterparties"><h2>Контрагенты</h2><table><tr><th>Наименование</th><th>Телефон</th><th>Email</th><th>Контактные лица</th><th>Владелец</th><th>Изменён</th></tr>${cpRows}</table></section>
<section id="orders"><h2>Заказы покупателей</h2><table><tr><th>№</th><th>Дата</th><th>Контрагент</th><th>Статус</th><th>Сумма</th><th>Канал продаж</th><th>Склад</th><th>Ответственный</th></tr>${orderRows}</table></section>
<section id="tasks"><h2>Задачи</h2><table><tr><th>Описание</th><th>Исполнитель</th><th>Контрагент</th><th>Состояние</th><th>Срок</th></tr>${taskRows}</table></section>
<section id="employees"><h2>Сотрудники</h2><table><tr><th>ФИО</th><th>Логин</th><th>Добавочный</th></tr>${employees}</table></section>
<section id="webhooks"><h2>Вебхуки</h2><table><tr><th>Тип</th><th>Действие</th><th>Адрес</th><th>Состояние</th></tr>${hookRows}</table></section>
</body></html>`;
}
