// Does a rule's condition set hold for a communication? Pure: everything it needs is passed in.
import { phoneKey } from '../phone/index.ts';
import type { Communication } from './communication.ts';
import type { Conditions, RuleSettings } from './schema.ts';
import { isWithinWorkingHours } from './working-hours.ts';

export interface EvalContext {
  /** No earlier contact with this number is known (local history and MoySklad). */
  firstContact: boolean;
}

const sameNumber = (a: string, b: string) => {
  const ka = phoneKey(a);
  const kb = phoneKey(b);
  return ka !== null && kb !== null ? ka === kb : a.trim().toLowerCase() === b.trim().toLowerCase();
};

/** Why a communication is not a client contact at all (checked before any rule); undefined = it is. */
export function exclusionOf(c: Communication, s: RuleSettings): { reason: string; message: string } | undefined {
  if (s.excludeInternal && c.internal) return { reason: 'internal', message: 'Внутренний звонок между сотрудниками — правила не применяются' };
  if (c.channel === 'call' && !c.contactPhone) return { reason: 'no_number', message: 'У звонка нет номера клиента — правила не применяются' };
  const key = c.contactPhone ? phoneKey(c.contactPhone) : null;
  if (c.contactPhone && !key && c.channel === 'call') return { reason: 'no_number', message: `Номер «${c.contactPhone}» не похож на телефон клиента — правила не применяются` };
  if (key && s.ownNumbers.some((n) => phoneKey(n) === key)) {
    return { reason: 'own_number', message: `Номер ${c.contactPhone} в списке собственных номеров — правила не применяются` };
  }
  return undefined;
}

/** The names of the conditions that failed (empty = the rule applies). */
export function failedConditions(cond: Conditions, c: Communication, ctx: EvalContext, s: RuleSettings): string[] {
  const failed: string[] = [];
  if (cond.channels && !cond.channels.includes(c.channel)) failed.push('channels');
  if (cond.directions && !cond.directions.includes(c.direction)) failed.push('directions');
  if (cond.outcomes) {
    const ok = cond.outcomes.some((o) => (o === 'answered' ? c.outcome === 'answered' : o === 'missed' ? c.outcome === 'missed' : c.outcome === 'missed' && c.lost));
    if (!ok) failed.push('outcomes');
  }
  if (cond.contact === 'first' && !ctx.firstContact) failed.push('contact');
  if (cond.contact === 'returning' && ctx.firstContact) failed.push('contact');
  if (cond.virtualNumbers) {
    const v = c.channel === 'call' ? c.virtualNumber : (c.chatChannel ?? c.virtualNumber);
    if (!v || !cond.virtualNumbers.some((n) => sameNumber(n, v))) failed.push('virtualNumbers');
  }
  if (cond.campaigns) {
    const camp = c.attribution.campaign?.toLowerCase();
    if (!camp || !cond.campaigns.some((x) => x.toLowerCase() === camp)) failed.push('campaigns');
  }
  if (cond.utmSources) {
    const src = c.attribution.utm_source?.toLowerCase();
    if (!src || !cond.utmSources.some((x) => x.toLowerCase() === src)) failed.push('utmSources');
  }
  if (cond.minTalkSec !== undefined && c.talkDurationSec < cond.minTalkSec) failed.push('minTalkSec');
  if (cond.workingHours !== 'any') {
    const inside = isWithinWorkingHours(c.startedAt, s.workingHours);
    if ((cond.workingHours === 'inside') !== inside) failed.push('workingHours');
  }
  return failed;
}
