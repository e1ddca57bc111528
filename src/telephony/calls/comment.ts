// The MoySklad call comment: the only free-text field, and the only one PUT may overwrite, so it
// carries the outcome (the Phone API has no "missed" flag) — in Russian, for the MoySklad user.
import type { CallSession, CallSessionEmployee } from '../call-session/index.ts';
import { normalizePhone } from '../../phone/index.ts';

export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.round(total));
  if (s < 60) return `${s} с`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  if (m < 60) return rest ? `${m} мин ${rest} с` : `${m} мин`;
  const h = Math.floor(m / 60);
  return `${h} ч ${m % 60} мин`;
}

function who(e: CallSessionEmployee | undefined): string | undefined {
  if (!e) return undefined;
  const name = e.fullName;
  const ext = e.extension ? `доб. ${e.extension}` : undefined;
  if (name && ext) return `${name} (${ext})`;
  return name ?? ext;
}

function outcomeText(s: CallSession): string {
  const incoming = s.direction !== 'out';
  const kind = s.internal ? 'Внутренний звонок' : incoming ? 'Входящий звонок' : 'Исходящий звонок';
  switch (s.outcome) {
    case 'answered':
      return `${kind} — принят`;
    case 'lost':
      return `${kind} — пропущен (потерянный)`;
    case 'missed':
      return incoming ? `${kind} — пропущен` : `${kind} — без ответа`;
    case 'busy':
      return `${kind} — занято`;
    case 'in_progress':
      return s.answered ? `${kind} — идёт разговор` : `${kind} — идёт вызов`;
  }
}

export function callComment(s: CallSession): string {
  const parts = [outcomeText(s)];
  const byKey = new Map(s.employees.map((e) => [e.key, e]));
  const first = s.answeredBy ? byKey.get(s.answeredBy) : undefined;
  const last = s.lastAnsweredBy ? byKey.get(s.lastAnsweredBy) : undefined;
  if (first) parts.push(`Ответил: ${who(first)}`);
  if (last && last !== first) parts.push(`Переведён на: ${who(last)}`);
  if (s.finished && s.outcome !== 'answered') {
    const tried = s.employees.filter((e) => e.rang).map(who).filter((x): x is string => !!x);
    if (tried.length) parts.push(`Звонили: ${tried.join(', ')}`);
  }
  if (s.waitDurationSec !== undefined && (s.answered || s.finished)) parts.push(`Ожидание ответа: ${formatSeconds(s.waitDurationSec)}`);
  if (s.finished && s.answered && s.talkDurationSec !== undefined) parts.push(`Разговор: ${formatSeconds(s.talkDurationSec)}`);
  if (s.virtualPhoneNumber) parts.push(`Виртуальный номер: ${normalizePhone(s.virtualPhoneNumber) ?? s.virtualPhoneNumber}`);
  if (s.campaignName) parts.push(`Рекламная кампания: ${s.campaignName}`);
  if (s.siteDomainName) parts.push(`Сайт: ${s.siteDomainName}`);
  if (s.utm?.source) parts.push(`Источник: ${[s.utm.source, s.utm.medium].filter(Boolean).join(' / ')}`);
  return parts.join('. ') + '.';
}
