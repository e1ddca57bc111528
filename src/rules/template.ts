// Templates for names and descriptions: {{placeholder}} replaced by the communication's values;
// unknown placeholders become empty, so a typo never leaks braces into MoySklad.
import { formatPhone, normalizePhone } from '../phone/index.ts';
import type { Communication } from './communication.ts';
import { localParts } from './working-hours.ts';

export type TemplateVars = Record<string, string | undefined>;

const CHANNEL_NAME = { call: 'звонок', chat: 'чат', offline: 'заявка' } as const;

/** "пропущенный входящий звонок", "принятый чат", "заявка с сайта". */
export function summaryOf(c: Communication): string {
  if (c.channel === 'offline') return 'заявка с сайта';
  const outcome = c.outcome === 'answered' ? 'принятый' : c.outcome === 'missed' ? (c.channel === 'chat' ? 'потерянный' : 'пропущенный') : 'текущий';
  const dir = c.channel === 'call' ? (c.direction === 'in' ? ' входящий' : ' исходящий') : '';
  return `${outcome}${dir} ${CHANNEL_NAME[c.channel]}`;
}

export function renderTemplate(template: string, vars: TemplateVars): string {
  return template
    .replace(/\{\{\s*([a-z_]+)\s*\}\}/gi, (_, name: string) => vars[name.toLowerCase()] ?? '')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A number as people read it ("+7 (999) 123-45-67"); empty for none. */
export function displayPhone(raw: string | undefined): string {
  return raw ? formatPhone(raw) : '';
}

export function templateVars(c: Communication, opts: { timeZone: string; extra?: TemplateVars }): TemplateVars {
  const at = localParts(c.startedAt, opts.timeZone);
  const a = c.attribution;
  return {
    phone: displayPhone(c.contactPhone),
    phone_digits: normalizePhone(c.contactPhone)?.slice(1) ?? '',
    channel: c.channel,
    channel_name: CHANNEL_NAME[c.channel],
    direction: c.direction === 'in' ? 'входящий' : 'исходящий',
    outcome: c.outcome,
    summary: summaryOf(c),
    date: `${pad(at.day)}.${pad(at.month)}.${at.year}`,
    time: `${pad(Math.floor(at.minutes / 60))}:${pad(at.minutes % 60)}`,
    virtual_number: displayPhone(c.virtualNumber) || c.chatChannel || '',
    duration: String(c.talkDurationSec),
    employee: c.answeredBy?.name ?? c.rang.at(-1)?.name ?? '',
    contact_name: c.contactName ?? '',
    ...Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v])),
    ...opts.extra,
  };
}
