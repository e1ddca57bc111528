// HTML fragment for the sandbox inspector page: calls with recordings, every employee's live call
// cards, and the latest card events. User-facing text is Russian.
import type { VisibleCard } from './card-board.ts';
import type { StoredCall } from './call-store.ts';
import { formatMoment } from './moment.ts';
import type { PhoneState } from './phone-state.ts';

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const safeUrl = (u: string): string => (/^https?:\/\//i.test(u) ? u : '#');

function callRow(c: StoredCall): string {
  const records = c.recordUrl
    .map((u) => `<div><audio controls preload="none" src="${esc(safeUrl(u))}"></audio> <a href="${esc(safeUrl(u))}" target="_blank" rel="noreferrer">${esc(u)}</a></div>`)
    .join('');
  const dup = c.duplicateOf ? ` <strong class="ms-dup" title="Повторный POST /call с тем же externalId">дубль</strong>` : '';
  return `<tr data-call-id="${esc(c.id)}">
<td>${esc(c.externalId)}${dup}</td><td>${c.isIncoming ? 'входящий' : 'исходящий'}</td><td>${esc(c.number)}</td>
<td>${esc(c.counterparty?.name ?? '')}</td><td>${esc(c.extension ?? '')} ${esc(c.employee?.name ?? '')}</td>
<td>${esc(formatMoment(c.startTime, false))}</td><td>${c.endTime !== undefined ? esc(formatMoment(c.endTime, false)) : ''}</td>
<td>${c.duration !== undefined ? esc(Math.round(c.duration / 1000)) + ' с' : ''}</td><td>${esc(c.comment ?? '')}</td><td>${records}</td></tr>`;
}

function cardItem(card: VisibleCard): string {
  const state = card.state === 'talking' ? 'разговор' : 'звонит';
  return `<li data-call-id="${esc(card.callId)}">${card.isIncoming ? '←' : '→'} ${esc(card.number)} ${esc(card.counterpartyName ?? '')} — ${state}</li>`;
}

export function renderPhoneInspectorHtml(state: PhoneState, accountId: string): string {
  const calls = state.calls.list(accountId);
  const employees = state.directory.employees(accountId);
  const seen = new Set<string>();
  const cardBlocks: string[] = [];
  for (const e of employees) {
    seen.add(e.id);
    const cards = state.board.visible(accountId, e.id);
    if (e.extension === undefined && cards.length === 0) continue;
    cardBlocks.push(`<div class="ms-cards" data-employee-id="${esc(e.id)}"><b>${esc(e.name)}</b> (доб. ${esc(e.extension ?? '—')}): ${
      cards.length === 0 ? 'нет карточек' : `<ul>${cards.map(cardItem).join('')}</ul>`
    }</div>`);
  }
  for (const target of state.board.targets(accountId)) {
    if (seen.has(target)) continue;
    const cards = state.board.visible(accountId, target);
    cardBlocks.push(`<div class="ms-cards" data-target="${esc(target)}"><b>Без сотрудника ${esc(target)}</b>: <ul>${cards.map(cardItem).join('')}</ul></div>`);
  }
  const events = state.board.historyFor(accountId).slice(-50).reverse();
  const eventRows = events
    .map(
      (r) => `<tr><td>${esc(new Date(r.receivedAt.wallMs).toISOString())}</td><td>${esc(r.eventType)}</td><td>${esc(r.extension ?? '')}</td>
<td>${esc(r.sequence)}</td><td>${esc(r.externalId)}</td><td>${r.applied ? 'применено' : 'отброшено'}${r.reason ? ' (' + esc(r.reason) + ')' : ''}</td><td>${esc(r.via)}</td></tr>`,
    )
    .join('');
  const dups = state.calls.duplicates(accountId);
  return `<section class="ms-phone" data-account-id="${esc(accountId)}">
<h2>Телефония (Phone API 1.0)</h2>
${dups.length ? `<p class="ms-dup-warning">Повторные externalId: ${dups.map((d) => esc(d.externalId) + ' ×' + d.callIds.length).join(', ')}</p>` : ''}
<h3>Звонки (${calls.length})</h3>
<table><thead><tr><th>externalId</th><th>Направление</th><th>Номер</th><th>Контрагент</th><th>Сотрудник</th><th>Начало</th><th>Конец</th><th>Длительность</th><th>Комментарий</th><th>Записи</th></tr></thead>
<tbody>${calls.map(callRow).join('')}</tbody></table>
<h3>Карточки звонков у сотрудников</h3>
${cardBlocks.join('\n') || '<p>Нет сотрудников с добавочными номерами</p>'}
<h3>Последние события карточек</h3>
<table><thead><tr><th>Получено</th><th>Событие</th><th>Доб.</th><th>sequence</th><th>externalId</th><th>Итог</th><th>Маршрут</th></tr></thead>
<tbody>${eventRows}</tbody></table>
</section>`;
}
